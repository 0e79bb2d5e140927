// What a lesson says its cells show, they show; what a quiz marks right, the
// lab confirms. lessons-run.test.ts only proves that every cell runs; these
// tests read what the cells print (and what the lab computes) against the
// prose and the quiz answers around them, so that a lesson cannot drift into
// describing a run it no longer makes.

import { rmSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { threeMessageGeneral } from "../../lessons/support/generals.ts";
import { battle } from "../suites/support/two-generals.ts";
import { extractCells, runCell } from "./cells.ts";
import { parseLesson, plainText } from "./document.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const scratch = `test-claims-${process.pid}`;
afterAll(() => rmSync(join(ROOT, ".faultline", "cells", scratch), { recursive: true, force: true }));

const source = (lesson: string) => readFileSync(join(ROOT, "lessons", `${lesson}.md`), "utf8");

/** Runs the one cell of `lesson` whose code contains `marker`, and returns what it printed. */
async function cellOutput(lesson: string, marker: string): Promise<string> {
  const cells = extractCells(source(lesson)).filter((c) => c.code.includes(marker));
  expect(cells.map((c) => c.index), `exactly one cell of ${lesson} contains ${JSON.stringify(marker)}`).toHaveLength(1);
  const r = await runCell(ROOT, scratch, cells[0]!, { columns: 100 });
  expect(r.ok, r.output).toBe(true);
  return r.output;
}

/** The rows of the show.table printed under the line `title`, as column → text. */
function table(output: string, title: string): Record<string, string>[] {
  const lines = output.split("\n");
  const at = lines.findIndex((l) => l.trim() === title.trim());
  expect(at, `a table titled ${JSON.stringify(title)} in:\n${output}`).toBeGreaterThanOrEqual(0);
  const header = lines[at + 1]!;
  const rule = lines[at + 2]!;
  const columns = [...rule.matchAll(/─+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  const cut = (line: string) => columns.map((c, i) => line.slice(c.start, i === columns.length - 1 ? undefined : c.end).trim());
  const names = cut(header);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(at + 3)) {
    if (line.trim() === "") break;
    rows.push(Object.fromEntries(cut(line).map((v, i) => [names[i]!, v])));
  }
  return rows;
}

/** The quiz of `lesson` whose question contains `words`: its choices and the one marked right. */
function quiz(lesson: string, words: string) {
  const found = parseLesson(source(lesson)).quizzes.filter((q) => plainText(q.question).includes(words));
  expect(found, `exactly one quiz of ${lesson} asks ${JSON.stringify(words)}`).toHaveLength(1);
  const choices = found[0]!.choices.map((c) => ({ text: plainText(c.text), correct: c.correct }));
  return { choices, right: choices.find((c) => c.correct)!.text };
}

const num = (s: string | undefined) => Number(s);

describe("00 The lab", () => {
  test("a paused node's answers all leave the instant it resumes, and arrive apart", async () => {
    const rows = table(await cellOutput("00-the-lab", "crash, restart, pause, resume"), "the answers n1 sent on waking up");
    expect(rows.length).toBeGreaterThanOrEqual(2);
    // The prose says n1 resumes at 230 ms and answers the pile at once.
    expect(new Set(rows.map((r) => r["sent at"]))).toEqual(new Set(["230"]));
    for (const r of rows) expect(num(r["arrived at"])).toBeGreaterThan(230);
    expect(new Set(rows.map((r) => r["arrived at"])).size, "the answers arrive at different times").toBeGreaterThan(1);
  });
});

describe("01 The network is not reliable", () => {
  test("the quiz on the three-message protocol marks right exactly the single losses that split the generals", () => {
    const clean = battle(threeMessageGeneral, { seed: 1, plan: "attack", pattern: { lose: [] } });
    expect(clean.messages).toHaveLength(3);
    expect(clean.attack).toEqual({ g1: true, g2: true });
    const ordinal = ["first", "second", "third"];
    const splitting = [1, 2, 3].filter((n) => !battle(threeMessageGeneral, { seed: 1, plan: "attack", pattern: { lose: [n] } }).agree);
    const q = quiz("01-two-generals", "Which single lost message can make them act differently?");
    const named = (n: number) => q.choices.find((c) => c.text.startsWith(`The ${ordinal[n - 1]}`));
    for (const n of [1, 2, 3]) expect(named(n)?.correct, `the choice naming the ${ordinal[n - 1]} message`).toBe(splitting.includes(n));
  });
});

describe("03 Failure detectors", () => {
  const lesson = "03-failure-detectors";

  test("a fixed timeout raises false alarms only while the network is slow, and withdraws every one", async () => {
    const rows = table(await cellOutput(lesson, "fixedTimeout(300)), network"), "Nobody crashed. Wrong suspicions per period:");
    const by = Object.fromEntries(rows.map((r) => [r["period"], r]));
    expect(num(by["0–3 s: fast"]?.["suspicions"])).toBe(0);
    expect(num(by["6–9 s: fast"]?.["suspicions"])).toBe(0);
    expect(num(by["3–6 s: slow"]?.["suspicions"])).toBeGreaterThan(0);
    for (const r of rows) expect(r["withdrawn"]).toBe(r["suspicions"]);
  });

  test("φ accrual rides out the GC pause and suspects the crashed node some 400–900 ms after the crash", async () => {
    const out = await cellOutput(lesson, "renderChart(phi");
    const line = out.split("\n").find((l) => l.startsWith("n1's outputs:"))!;
    const suspicions = [...line.matchAll(/suspect at t=(\d+) ms/g)].map((m) => Number(m[1]));
    expect(suspicions, line).toHaveLength(1);
    expect(suspicions[0]! - 6000).toBeGreaterThan(400);
    expect(suspicions[0]! - 6000).toBeLessThan(900);
  });

  test("the side-by-side table leaves a measure blank only when there is nothing to measure, and bears out the prose", async () => {
    const rows = table(await cellOutput(lesson, '"Quality of service on the same trace'), "Quality of service on the same trace (times in ms)");
    expect(rows.map((r) => r["detector"])).toEqual(["fixed 300 ms", "growing (◇P)", "φ accrual", "SWIM"]);
    for (const r of rows) {
      expect(r["T_MR"] === "", `${r["detector"]}: T_MR blank exactly when no monitor erred twice about one node`).toBe(num(r["worst pair"]) < 2);
      expect(r["T_M"] === "", `${r["detector"]}: T_M blank exactly when there was no mistake`).toBe(num(r["mistakes"]) === 0);
      expect(r["T_D"], `${r["detector"]} detected the crash`).not.toBe("");
    }
    const [fixed, growing, phi, swim] = rows as [Record<string, string>, Record<string, string>, Record<string, string>, Record<string, string>];
    // "The fixed timeout detects fastest … some monitor was wrong about the same node twice"
    expect(Math.min(...rows.map((r) => num(r["T_D"])))).toBe(num(fixed["T_D"]));
    expect(num(fixed["worst pair"])).toBeGreaterThanOrEqual(2);
    // "The growing timeout … never twice about the same node … slower detection"
    expect(num(growing["mistakes"])).toBeGreaterThan(0);
    expect(num(growing["worst pair"])).toBe(1);
    expect(num(growing["T_D"])).toBeGreaterThan(num(fixed["T_D"]));
    // "φ accrual made no mistakes at all and detected the crash last"
    expect(num(phi["mistakes"])).toBe(0);
    expect(Math.max(...rows.map((r) => num(r["T_D"])))).toBe(num(phi["T_D"]));
    // "SWIM sends the fewest messages"
    expect(Math.min(...rows.map((r) => num(r["msgs/s"])))).toBe(num(swim["msgs/s"]));
  });
});

describe("04 The end-to-end argument", () => {
  test("per-packet checksums let damaged files through; the end-to-end check never does", async () => {
    const rows = table(await cellOutput("04-end-to-end", "checkWholeFile"), "30 transfers each: 10% packet loss, 10% packet corruption, 5% bad reads on B's disk");
    const [perPacket, endToEnd] = rows as [Record<string, string>, Record<string, string>];
    expect(num(perPacket["done, DAMAGED copy"])).toBeGreaterThan(0);
    expect(num(endToEnd["done, DAMAGED copy"])).toBe(0);
    expect(num(endToEnd["done, exact copy"])).toBeGreaterThan(0);
  });
});

describe("05 Delivery semantics", () => {
  const lesson = "05-delivery-semantics";

  test("ack-first loses payments, ack-last repeats them, dedup-then-ack applies each exactly once", async () => {
    const rows = table(await cellOutput(lesson, "ackFirst"), "240 payments per consumer (20 runs × 12), crashes and duplicates");
    const [ackFirst, ackLast, dedup] = rows as [Record<string, string>, Record<string, string>, Record<string, string>];
    expect(num(ackFirst["applied 0×"])).toBeGreaterThan(0);
    expect(num(ackLast["applied 0×"])).toBe(0);
    expect(num(ackLast["applied 2× or more"])).toBeGreaterThan(0);
    expect([dedup["applied 0×"], dedup["applied 1×"], dedup["applied 2× or more"]]).toEqual(["0", "240", "0"]);
  });

  test("at-least-once delivers once the partition heals, and never while it lasts", async () => {
    const rows = table(await cellOutput(lesson, "sim.partition([\"p\"], [\"c\"])"), "At-least-once through a partition");
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) expect(num(r["applied by t=5 s (of 12)"]), r["partition lasts"]).toBe(r["partition lasts"] === "for ever" ? 0 : 12);
    const forever = rows.find((r) => r["partition lasts"] === "for ever")!;
    expect(num(forever["sends by p"]), "the producer keeps trying").toBe(Math.max(...rows.map((r) => num(r["sends by p"]))));
  });
});

describe("06 Atomic commitment", () => {
  const lesson = "06-atomic-commit";

  test("2PC blocks: prepared participants wait and keep asking while the coordinator is down, and abort when it returns", async () => {
    const rows = table(await cellOutput(lesson, "status questions sent"), "Coordinator down from t=17 to t=2000: the participants wait, asking");
    const down = rows.filter((r) => r["coordinator"] === "down");
    expect(down.length).toBeGreaterThanOrEqual(2);
    for (const r of down) expect([r["p1"], r["p2"]]).toEqual(["prepared", "prepared"]);
    const asked = down.map((r) => num(r["status questions sent"]));
    expect(asked).toEqual([...asked].sort((a, b) => a - b));
    expect(asked.at(-1)!).toBeGreaterThan(asked[0]!);
    const last = rows.at(-1)!;
    expect([last["coordinator"], last["p1"], last["p2"]]).toEqual(["up", "aborted", "aborted"]);
  });

  test("3PC without partitions: whenever the coordinator crashes, the participants decide, and alike", async () => {
    const rows = table(await cellOutput(lesson, "begin3pc(s)"), "Coordinator crashes: the participants terminate on their own, and agree");
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(["commit", "abort"]).toContain(r["p1"]);
      expect([r["p2"], r["p3"]]).toEqual([r["p1"], r["p1"]]);
    }
  });
});

describe("07 Sagas", () => {
  const lesson = "07-sagas";

  test("the offline limit trades customers turned away for apologies, some of which need people", async () => {
    const rows = table(await cellOutput(lesson, "cashMachine(limit)"), "One cash machine, the bank out of reach from 3 s to 7 s");
    expect(rows[0]).toMatchObject({ limit: "0", "paid alone": "0", overdrawn: "0", owed: "0" });
    expect(num(rows[0]!["turned away"])).toBeGreaterThan(0);
    const col = (c: string) => rows.map((r) => num(r[c]));
    expect(col("limit")).toEqual([...col("limit")].sort((a, b) => a - b));
    expect(col("turned away")).toEqual([...col("turned away")].sort((a, b) => b - a));
    expect(col("overdrawn")).toEqual([...col("overdrawn")].sort((a, b) => a - b));
    for (const r of rows) expect(num(r["by letter"]) + num(r["by call"])).toBe(num(r["overdrawn"]));
    expect(Math.max(...col("by call")), "some apologies need a person").toBeGreaterThan(0);
  });

  test("a stable idempotency key books each service once; a fresh key per attempt books some twice", async () => {
    const rows = table(await cellOutput(lesson, "tripSaga({ freshKeys })"), "40% of messages lost; one trip each time");
    const booked = (r: Record<string, string>) => [r["flights booked"], r["hotels booked"], r["cars booked"]].map(num);
    for (const r of rows.filter((r) => r["orchestrator"] === "same key every attempt")) expect(booked(r)).toEqual([1, 1, 1]);
    expect(rows.filter((r) => r["orchestrator"] === "fresh key every attempt").some((r) => booked(r).some((n) => n > 1))).toBe(true);
  });
});

describe("08 Raft", () => {
  const lesson = "08-raft";

  test("a partitioned leader with a minority commits nothing: a, b and c are never applied", async () => {
    const out = await cellOutput(lesson, "const buddy");
    const applied = out.split("\n").find((l) => l.startsWith("applied anywhere:"))!;
    expect(applied).toMatch(/:x .*:y/);
    for (const cmd of ["a", "b", "c"]) expect(applied, applied).not.toMatch(new RegExp(`:${cmd}\\b`));
  });

  test("without the election restriction a stale node wins and replaces applied entries; with it, it cannot win", async () => {
    const out = await cellOutput(lesson, "anyCandidate: true");
    const [n2, n3] = table(out, "votes without the up-to-date check (the mistake): n3 won");
    expect(n2!["applied (index:command)"]).toMatch(/^1:a 2:b/);
    expect(n3!["applied (index:command)"]).toMatch(/^1:x/);
    expect(n2!["log"]).not.toMatch(/a@/);
    const [m2, m3] = table(out, "the election restriction (§5.4.1): n3 could not win");
    expect(m3!["log"]).toBe(m2!["log"]);
    expect(m2!["log"]).toMatch(/^a@\d+ b@\d+$/);
  });

  test("Figure 8: counting replicas of an old-term entry lets a committed entry be overwritten; the rule never does", async () => {
    const out = await cellOutput(lesson, "countOldTerms");
    const applied = (title: string) => {
      const lines = out.split("\n");
      const line = lines.slice(lines.findIndex((l) => l.trim() === title)).find((l) => l.startsWith("applied at index 2:"))!;
      return new Set(line.replace("applied at index 2: ", "").split(", ").map((x) => x.split(" ")[1]));
    };
    expect(applied("counting replicas of an old-term entry (the mistake)")).toEqual(new Set(["b", "c"]));
    expect(applied("counting replicas only for the leader's own term (§5.4.2)")).toEqual(new Set(["c"]));
    // The steps are the paper's: b of term 2 on s1, s2 in (a); c of term 3 on s5 in (b); d of term 5 everywhere in (d).
    const steps = table(out, "counting replicas of an old-term entry (the mistake)");
    expect(steps.map((r) => r["step"])).toEqual(["(a)", "(b)", "(c)", "(d)"]);
    expect(steps[0]!["s2"]).toMatch(/b@2/);
    expect(steps[1]!["s5"]).toMatch(/c@3 ★/);
    expect(steps[2]!["s1"]).toMatch(/b@2 \| ★/);
    expect(steps[3]!["s2"]).toMatch(/c@3 d@5/);
  });

  test("forgetting votedFor across a restart elects two leaders in one term; keeping it on disk, one", async () => {
    const out = await cellOutput(lesson, "voteInMemory: true");
    const leaders = (title: string) => table(out, title).filter((r) => r["role"] === "leader").map((r) => r["term"]);
    expect(leaders("votedFor kept only in memory (the mistake)")).toEqual(["1", "1"]);
    expect(leaders("votedFor on disk before the vote is sent (Figure 2)")).toEqual(["1"]);
  });
});

describe("09 A linearizable store", () => {
  test("the stranded leader cannot answer the read; after healing it reads the new value, and the history is linearizable", async () => {
    const out = await cellOutput("09-linearizable-kv", "kvStore()");
    expect(out).toMatch(/c1's read is still unanswered/);
    expect(out).toMatch(/checker: linearizable/);
    expect(out).toMatch(/c1 +\{"op":"get","key":"k"\} +\{"value":"new"\}/);
  });
});

describe("11 CRDTs", () => {
  test("the RGA cell's merge is the one the prose explains: both edits kept, concurrent inserts ordered by id, the c a tombstone", async () => {
    const out = await cellOutput("11-crdts", "growableArray");
    const texts = table(out, "Two editors, one text");
    expect(texts.find((r) => r["moment"] === "partitioned")).toMatchObject({ ann: "two cats", bob: "hat" });
    expect(texts.find((r) => r["moment"] === "healed")).toMatchObject({ ann: "two hats", bob: "two hats" });
    const chars = table(out, "ann's characters after the heal, in order");
    const at = (id: string) => chars.findIndex((c) => c["id"] === id);
    // "Ann's 't' of 'two' … has the greater id, so her word comes first" — before Bob's concurrent "h".
    expect(chars[at("5@ann")]!["char"]).toBe("t");
    expect(chars[at("4@bob")]!["char"]).toBe("h");
    expect(at("5@ann")).toBeLessThan(at("4@bob"));
    expect(chars.filter((c) => c["deleted"] === "yes").map((c) => c["char"])).toEqual(["c"]);
    expect(out).toContain("bob's are the same, in the same order.");
  });
});
