// Reset of a stage of a shared worksheet (issue 16): only that stage's
// regions go back to the stub, or the whole worksheet if the learner asks;
// a file whose markers are gone is left alone with a message that says what
// to do. On a real copy of the Raft worksheet, in a temporary git checkout.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findExercise, loadCourse, worksheetStages } from "./course.ts";
import { resetExercise, ResetError, undoReset } from "./reset.ts";
import { parseRegions, stagedView } from "./worksheet.ts";
import { committedStub } from "../testEnv.ts";

// These tests make project roots of their own and look for .faultline/ inside
// them, even when npm test keeps its state elsewhere (FAULTLINE_STATE_DIR).
beforeAll(() => {
  vi.stubEnv("FAULTLINE_STATE_DIR", "");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const ROOT = join(import.meta.dirname, "..", "..");
const course = loadCourse(ROOT);
const ex = (id: string) => findExercise(course, id)!;
const ids = worksheetStages(course, ex("raft-log")).map((e) => e.id);
const reference = { text: readFileSync(join(ROOT, "solutions", "raft", "raft.ts"), "utf8"), file: "solutions/raft/raft.ts" };
const stub = (f: string) => committedStub(ROOT, `exercises/raft/${f}`);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A git checkout holding the worksheet as shipped, then the learner's raft.ts (and kv.ts). */
function checkout(raft: string, kv = stub("kv.ts")): string {
  const root = mkdtempSync(join(tmpdir(), "faultline-stage-reset-"));
  dirs.push(root);
  mkdirSync(join(root, "exercises", "raft"), { recursive: true });
  for (const f of ["raft.ts", "kv.ts"]) writeFileSync(join(root, "exercises", "raft", f), stub(f));
  const git = (...a: string[]) => execFileSync("git", a, { cwd: root, stdio: "ignore" });
  git("init", "-q");
  git("add", ".");
  git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "stub");
  writeFileSync(join(root, "exercises", "raft", "raft.ts"), raft);
  writeFileSync(join(root, "exercises", "raft", "kv.ts"), kv);
  return root;
}

const mine = (root: string, f = "raft.ts") => readFileSync(join(root, "exercises", "raft", f), "utf8");
const regions = (text: string, stage: string) =>
  parseRegions({ text, file: "x" })
    .filter((r) => r.stage === stage)
    .map((r) => text.split("\n").slice(r.open + 1, r.close).join("\n"));

// A learner through raft-log, with a helper of their own outside every region.
const throughLog = stagedView(reference, ids, "raft-log").replace("export function createRaft", "export const MY_HELPER = 1;\n\nexport function createRaft");

describe("reset of one Raft stage", () => {
  it("puts back only raft-log's regions: raft-election's answers and the learner's own lines stay", () => {
    const root = checkout(throughLog);
    const done = resetExercise(root, course, ex("raft-log"), "stage", new Date("2026-12-07T10:00:00Z"));
    expect(done.files).toEqual(["exercises/raft/raft.ts"]);
    const after = mine(root);
    expect(regions(after, "raft-log")).toEqual(regions(stub("raft.ts"), "raft-log"));
    expect(regions(after, "raft-election")).toEqual(regions(throughLog, "raft-election"));
    expect(after).toContain("export const MY_HELPER = 1;");
    expect(readFileSync(join(root, done.backup!, "raft.ts"), "utf8")).toBe(throughLog);
    expect(done.backup).toBe(join(".faultline", "backups", "raft", "2026-12-07T10-00-00-000Z"));
    expect(undoReset(root, ex("raft-log"))).toMatchObject({ from: done.backup, changed: true });
    expect(mine(root)).toBe(throughLog);
  });

  it("raft-kv's own part is kv.ts: it goes back whole, and raft.ts is not touched", () => {
    const root = checkout(throughLog, "// my server\n");
    const done = resetExercise(root, course, ex("raft-kv"), "stage");
    expect(done.files).toEqual(["exercises/raft/kv.ts"]);
    expect(mine(root, "kv.ts")).toBe(stub("kv.ts"));
    expect(mine(root)).toBe(throughLog);
  });

  it("refuses, changing nothing, when the stage's markers are gone, and names the way out", () => {
    const lost = throughLog.replace(/ *\/\/ #endregion raft-log\n/, "");
    const root = checkout(lost);
    let error: unknown;
    try {
      resetExercise(root, course, ex("raft-log"), "stage");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResetError);
    expect((error as Error).message).toMatch(/exercises\/raft\/raft\.ts:\d+: "#region raft-snapshot" opens before "#region raft-log"/);
    expect((error as Error).message).toMatch(/nothing was changed\. `faultline reset raft-log --worksheet` puts back the whole worksheet/);
    expect(mine(root)).toBe(lost);
    expect(existsSync(join(root, ".faultline"))).toBe(false);
  });

  it("--worksheet puts back every file of the worksheet, after a backup of each", () => {
    const root = checkout(throughLog, "// my server\n");
    const done = resetExercise(root, course, ex("raft-election"), "worksheet");
    expect(done.files.sort()).toEqual(["exercises/raft/kv.ts", "exercises/raft/raft.ts"]);
    expect(mine(root)).toBe(stub("raft.ts"));
    expect(mine(root, "kv.ts")).toBe(stub("kv.ts"));
    expect(readFileSync(join(root, done.backup!, "kv.ts"), "utf8")).toBe("// my server\n");
  });
});
