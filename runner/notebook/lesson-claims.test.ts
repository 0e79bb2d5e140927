// What a lesson says its cells show, they show; what a quiz marks right, the
// lab confirms. lessons-run.test.ts only proves that every cell runs; these
// tests read what the cells print (and what the lab computes) against the
// prose and the quiz answers around them, so that a lesson cannot drift into
// describing a run it no longer makes.

import { rmSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
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
  test("the quiz on the three-message protocol marks right exactly the single losses that split the generals", async () => {
    const { battle } = await import("../suites/support/two-generals.ts");
    const { threeMessageGeneral } = await import("../../lessons/support/generals.ts");
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
