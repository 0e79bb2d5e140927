// The grading contract of DESIGN §6, checked through the real `faultline`
// binary as users and CI call it: exit codes, the JSON document, seeds and
// trace hashes, replay of a mutant's failure.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { materializeStubs } from "../course/reset.ts";
import { materialize, loadMutants } from "../mutants/run.ts";
import { isolatedEnv } from "../testEnv.ts";
import type { GradeReport } from "./grade.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "faultline.js");
// Progress and traces go to a temporary directory: the learner's stay as they are.
const env = isolatedEnv();

function faultline(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", env, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function gradeJson(args: string[]): { code: number; report: GradeReport } {
  const r = faultline(["grade", ...args, "--json"]);
  return { code: r.code, report: JSON.parse(r.stdout) as GradeReport };
}

describe("faultline grade", () => {
  it("passes the reference solution with the §6 document, every scenario with a trace hash", () => {
    const { code, report } = gradeJson(["echo", "--target", "solutions"]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ version: 1, target: "solutions", passed: true });
    expect(typeof report.durationMs).toBe("number");
    const ex = report.exercises[0]!;
    expect(ex).toMatchObject({ id: "echo", status: "pass" });
    expect(ex.scenarios.length).toBeGreaterThanOrEqual(2);
    expect(ex.scenarios.some((s) => s.kind === "generative")).toBe(true);
    for (const s of ex.scenarios) {
      expect(s).toMatchObject({ status: "pass", failure: null });
      expect(s.traceHash).toMatch(/^[0-9a-f]{16}$/);
      expect(s.runs).toBeGreaterThan(0);
      expect(typeof s.seed).toBe("number");
    }
  });

  it("reports the untouched stub as not-started and exits 1", () => {
    // The stub as committed (the learner may have edited exercises/echo/).
    const stubs = mkdtempSync(join(tmpdir(), "faultline-stubs-"));
    expect(materializeStubs(ROOT, stubs)).toBeGreaterThan(0);
    const { code, report } = gradeJson(["echo", "--target", stubs]);
    expect(code).toBe(1);
    expect(report.passed).toBe(false);
    expect(report.exercises[0]!.status).toBe("not-started");
    const f = report.exercises[0]!.scenarios[0]!.failure!;
    expect(f.message).toMatch(/still a todo/);
    expect(f.location).toMatch(/(^|\/)echo\/echo\.ts:\d+$/);
  });

  it("gives identical trace hashes for the same seed, and different ones for another seed", () => {
    const a = gradeJson(["echo", "--target", "solutions", "--seed", "7"]).report;
    const b = gradeJson(["echo", "--target", "solutions", "--seed", "7"]).report;
    const c = gradeJson(["echo", "--target", "solutions", "--seed", "8"]).report;
    const hashes = (r: GradeReport) => r.exercises[0]!.scenarios.map((s) => s.traceHash);
    expect(hashes(a)).toEqual(hashes(b));
    expect(hashes(a)).not.toEqual(hashes(c));
  });

  it("exits 2 with a clear message on usage errors", () => {
    const unknown = faultline(["grade", "no-such-exercise"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/There is no exercise "no-such-exercise"/);
    const badTarget = faultline(["grade", "echo", "--target", "/nonexistent/dir"]);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toMatch(/no such directory/);
    const badSeed = faultline(["grade", "echo", "--seed", "x"]);
    expect(badSeed.code).toBe(2);
  });

  it("suggests the name meant for a typo: exercise, lesson, command", () => {
    expect(faultline(["grade", "ehco"]).stderr).toMatch(/There is no exercise "ehco"\. Did you mean `echo`\?/);
    expect(faultline(["lesson", "crdt", "--plain"]).stderr).toMatch(/Did you mean `crdts`\?/);
    expect(faultline(["lessons"]).stderr).toMatch(/Unknown command "lessons"\. Did you mean `lesson`\?/);
  });

  it("replay --scenario takes the start of a name (the README's example with …), and lists the names when it matches none", () => {
    const r = faultline(["replay", "echo", "--scenario", "under drops, duplicates and reordering …", "--seed", "1", "--target", "solutions"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^echo · under drops, duplicates and reordering every request is answered, correctly · seed 1 · ✓ pass/);
    const none = faultline(["replay", "echo", "--scenario", "no such scenario", "--seed", "1", "--target", "solutions"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/No scenario is named "no such scenario"\. The scenarios are:\n/);
    expect(none.stderr).toMatch(/^ {2}answers each request with its own id and body$/m);
  });

  it("replays a mutant's failure exactly: same failure, same trace hash", async () => {
    const set = await loadMutants(ROOT, "echo");
    const mutant = set.mutants.find((m) => m.name === "ignore-repeats")!;
    const dir = materialize(ROOT, "echo", mutant);
    const { code, report } = gradeJson(["echo", "--target", dir]);
    expect(code).toBe(1);
    // The generative failure: it carries a shrunk schedule (the rule scenarios that also catch this mutant have none).
    const failing = report.exercises[0]!.scenarios.find((s) => s.status === "fail" && s.kind === "generative")!;
    const f = failing.failure!;
    expect(f).toMatchObject({ seed: 1 });
    expect(f.replay).toContain("faultline replay echo");
    expect(Array.isArray(f.minimizedSchedule)).toBe(true);
    expect(f.traceFile).toBeTruthy();
    // Written where the state directory says, never into the learner's .faultline/.
    expect(resolve(ROOT, f.traceFile!).startsWith(env["FAULTLINE_STATE_DIR"]!)).toBe(true);
    expect(existsSync(resolve(ROOT, f.traceFile!))).toBe(true);
    const trace = JSON.parse(readFileSync(resolve(ROOT, f.traceFile!), "utf8")) as { trace: { hash: string } };
    expect(trace.trace.hash).toBe(failing.traceHash);

    // Run the printed replay command (minus "npx faultline") and compare.
    const argv = (f.replay.replace(/^npx faultline /, "").match(/'[^']*'|\S+/g) ?? []).map((a) => a.replace(/^'|'$/g, ""));
    const replay = faultline(argv);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(f.message);
    expect(replay.stdout).toContain(`trace hash: ${failing.traceHash}`);
  });

  it("a raft-kv run that is not linearizable draws its history: in the failure, in the trace file, on the replay's page", async () => {
    const set = await loadMutants(ROOT, "raft-kv");
    const dir = materialize(ROOT, "raft-kv", set.mutants.find((m) => m.name === "no-client-deduplication")!);
    const page = join(mkdtempSync(join(tmpdir(), "faultline-page-")), "raft-kv-history.html");
    const scenario = "under loss, duplication and delay, a retried operation takes effect once (deduplication by client and sequence number)";
    const r = faultline(["replay", "raft-kv", "--scenario", scenario, "--seed", "1", "--target", dir, "--html", page]);
    expect(r.code, r.stderr).toBe(1);
    // The message draws the operations around the failure, in 80 columns, and says where the whole picture is.
    expect(r.stdout).toMatch(/Linearizability: every operation appears to take effect at one instant/);
    expect(r.stdout).toMatch(/╞#\d+/);
    expect(r.stdout).toContain("press H, or add --html FILE");
    const traceFile = /trace: (\S+\.json)/.exec(r.stdout)![1]!;
    const saved = JSON.parse(readFileSync(resolve(ROOT, traceFile), "utf8")) as { failure: { histories?: { verdict: string; ops: unknown[] }[] } };
    expect(saved.failure.histories?.[0]).toMatchObject({ verdict: "not-linearizable" });
    const html = readFileSync(page, "utf8");
    expect(html).toContain('<section class="history-section"');
    expect(html.match(/<g class="op /g)!.length).toBe(saved.failure.histories![0]!.ops.length);
  }, 180_000);
});

describe("faultline list", () => {
  it("prints valid JSON listing lessons and exercises with status", () => {
    const out = execFileSync(process.execPath, [BIN, "list", "--json"], { cwd: ROOT, encoding: "utf8", env });
    const doc = JSON.parse(out) as { lessons: { id: string; exercises: { id: string; status: string; folder?: string }[] }[] };
    expect(doc.lessons[0]!.id).toBe("00-the-lab");
    expect(doc.lessons[0]!.exercises.map((e) => e.id)).toContain("echo");
    expect(["done", "in progress", "not started"]).toContain(doc.lessons[0]!.exercises[0]!.status);
    // The Raft stages name the worksheet folder they share; other exercises carry no such field.
    const all = doc.lessons.flatMap((l) => l.exercises);
    for (const id of ["raft-election", "raft-log", "raft-persist", "raft-snapshot", "raft-kv"]) expect(all.find((e) => e.id === id)?.folder).toBe("raft");
    expect(all.find((e) => e.id === "echo")).not.toHaveProperty("folder");
  });
});

describe("a workshop (FAULTLINE_WORKSHOP) scopes what the room sees", () => {
  const dir = mkdtempSync(join(tmpdir(), "faultline-workshop-"));
  const file = join(dir, "workshop.json");
  writeFileSync(file, JSON.stringify({ version: 1, title: "Failure in an afternoon", start: "13:30", steps: [{ lesson: "00-the-lab", minutes: 20 }, { exercise: "echo", minutes: 25 }, { break: "coffee", minutes: 10 }, { lesson: "01-two-generals", minutes: 15, exercises: [] }] }));
  const wenv = { ...env, FAULTLINE_WORKSHOP: file };
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", env: wenv, timeout: 120_000 });

  it("list and the piped outline show the plan's lessons and exercises only, in its order", () => {
    for (const args of [["list"], []]) {
      const r = run(args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^Failure in an afternoon/);
      expect(r.stdout).toMatch(/00-the-lab[\s\S]*echo[\s\S]*01-two-generals/);
      expect(r.stdout).not.toMatch(/^ +\S two-generals|raft|crdts/m);
    }
    const doc = JSON.parse(run(["list", "--json"]).stdout) as { lessons: { id: string }[]; workshop: { steps: { kind: string; clock: string }[] } };
    expect(doc.lessons.map((l) => l.id)).toEqual(["00-the-lab", "01-two-generals"]);
    expect(doc.workshop.steps.map((s) => `${s.kind} ${s.clock}`)).toEqual(["lesson 13:30", "exercise 13:50", "break 14:15", "lesson 14:25"]);
  });

  it("a lesson outside the plan opens with a line that says so (no crash)", () => {
    const lesson = run(["lesson", "11-crdts", "--plain"]);
    expect(lesson.status, lesson.stderr).toBe(0);
    expect(lesson.stdout).toMatch(/^Lesson 11-crdts is outside today's plan \(Failure in an afternoon\)/);
    // (The exercise screen says the same: runner/tui/screens.test.tsx; grading here would read the learner's exercises/.)
  });

  it("export --html writes the plan's lessons", () => {
    const site = mkdtempSync(join(tmpdir(), "faultline-site-"));
    const r = run(["export", "--html", site, "--no-run"]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(site, "00-the-lab.html"))).toBe(true);
    expect(existsSync(join(site, "01-two-generals.html"))).toBe(true);
    expect(existsSync(join(site, "08-raft.html"))).toBe(false);
  });

  it("class summary covers the plan's exercises, and skips a file that is not a report", () => {
    const reports = mkdtempSync(join(tmpdir(), "faultline-reports-"));
    writeFileSync(join(reports, "ada.json"), JSON.stringify({ version: 1, exercises: [{ id: "echo", status: "pass", scenarios: [] }, { id: "raft-log", status: "fail", scenarios: [] }] }));
    writeFileSync(join(reports, "bob.json"), "oops");
    const r = run(["class", "summary", join(reports, "ada.json"), join(reports, "bob.json")]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/bob\.json: not JSON/);
    expect(r.stdout).toMatch(/^1 learner · workshop "Failure in an afternoon"/);
    expect(r.stdout).toMatch(/echo\s+100%/);
    expect(r.stdout).not.toMatch(/raft-log/);
  });
});
