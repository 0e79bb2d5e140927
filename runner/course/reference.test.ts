// Answers a stage at a time (issue 16): each staged view of the Raft
// reference — the answers up to one stage, the worksheet's todo()s after it —
// is graded as a learner's worksheet would be. It must pass its own stage's
// suite (which re-runs every earlier stage's scenarios, so it passes theirs
// too) and must not pass the next stage, where it simply stops at that
// stage's todo()s: not started (raft-election's view on raft-log), or "fail"
// with nothing failing when a few of the stage's scenarios need none of its
// code (raft-log's view passes UnreliableAgree of raft-persist).
// The views are written to a temporary target under .faultline/ (inside the
// project, so `faultline/sim` resolves) and removed afterwards.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Grader } from "../grade/grade.ts";
import { exerciseFolder, findExercise, loadCourse, worksheetStages, type Exercise } from "./course.ts";
import { referenceFiles } from "./reference.ts";
import { parseRegions } from "./worksheet.ts";
import { committedStub } from "../testEnv.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const course = loadCourse(ROOT);
const stages = worksheetStages(course, findExercise(course, "raft-election")!);
const ids = stages.map((e) => e.id);
const folder = exerciseFolder(stages[0]!);
const files = [...new Set(stages.flatMap((e) => e.files))];
// Stubs as committed (the working tree may hold a learner's answers); the reference as it is.
const read = (dir: string, f: string) => ({ text: dir === "exercises" ? committedStub(ROOT, `exercises/${folder}/${f}`) : readFileSync(join(ROOT, dir, folder, f), "utf8"), file: `${dir}/${folder}/${f}` });
const TARGET = join(ROOT, ".faultline", `views-${process.pid}`);
// The views' failing scenarios (later stages are todos) write traces: never into the learner's .faultline/traces.
const TRACES = mkdtempSync(join(tmpdir(), "faultline-views-"));

/**
 * Every file of the worksheet as it stands after stage `e`: what `faultline
 * solution` shows for the files with stages; for a file of a later stage's
 * own (kv.ts before raft-kv), the worksheet's stub.
 */
function materializeView(e: Exercise): string {
  const dir = join(TARGET, e.id);
  mkdirSync(join(dir, folder), { recursive: true });
  const shown = new Map(referenceFiles(ROOT, course, e).map((f) => [f.file, f.code]));
  for (const f of files) writeFileSync(join(dir, folder, f), shown.get(f) ?? read("exercises", f).text);
  return dir;
}

let grader: Grader;
beforeAll(async () => {
  grader = await Grader.open(ROOT);
}, 120_000);
afterAll(async () => {
  await grader?.close();
  rmSync(TARGET, { recursive: true, force: true });
  rmSync(TRACES, { recursive: true, force: true });
});

describe("the staged views of the Raft reference", () => {
  it("show a stage's answers and, after it, exactly the worksheet's code: raft-election's view holds no log, persistence or snapshot answer", () => {
    const view = referenceFiles(ROOT, course, stages[0]!).find((f) => f.file === "raft.ts")!;
    expect(view.view).toMatch(/answers up to raft-election; raft-log, raft-persist, raft-snapshot still as in the worksheet/);
    const stub = read("exercises", "raft.ts");
    const mine = { text: view.code, file: "view" };
    const regionText = (src: { text: string; file: string }, stage: string) =>
      parseRegions(src)
        .filter((r) => r.stage === stage)
        .map((r) => src.text.split("\n").slice(r.open + 1, r.close).join("\n"));
    for (const later of ids.slice(1)) expect(regionText(mine, later), later).toEqual(regionText(stub, later));
    expect(regionText(mine, "raft-election").join("\n")).not.toMatch(/todo\(/);
    expect(view.code).not.toMatch(/#worksheet|InstallSnapshot", term|ctx\.disk\.set\("state"|count >= majority|lastLogTerm > lastTerm/);
  });

  for (const [k, e] of stages.entries()) {
    const next = stages[k + 1];
    it(`the ${e.id} view passes ${e.id}, earlier stages' scenarios included${next ? `, and does not pass ${next.id}, where it stops at the todos (nothing fails)` : ""}`, { timeout: 600_000 }, async () => {
      const report = await grader.run({ ids: next ? [e.id, next.id] : [e.id], target: materializeView(e), typecheck: false, traceDir: TRACES });
      const [own, after] = report.exercises;
      const failing = own!.scenarios.filter((s) => s.status !== "pass").map((s) => `${s.name}: ${s.failure?.message ?? s.status}`);
      expect(failing, `the ${e.id} view fails its own stage`).toEqual([]);
      expect(own!.status).toBe("pass");
      expect(new Set(own!.scenarios.map((s) => s.stage ?? e.id))).toEqual(new Set(ids.slice(0, k + 1)));
      if (!next) return;
      // The next stage re-runs this one's scenarios (they pass) and stops at its own todo()s.
      expect(after!.status).not.toBe("pass");
      expect(after!.scenarios.filter((s) => s.stage).every((s) => s.status === "pass")).toBe(true);
      const nextOwn = after!.scenarios.filter((s) => !s.stage);
      expect(nextOwn.some((s) => s.status === "not-started")).toBe(true);
      expect(nextOwn.filter((s) => s.status === "fail" || s.status === "error").map((s) => `${s.name}: ${s.failure?.message}`)).toEqual([]);
    });
  }
});
