// A cell gets the learner's code only while their files are the ones that
// passed, loaded under the rules graded code lives by; the demo otherwise,
// with one line saying why.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { makeSandbox, removeSandbox } from "../bench/tui.ts";
import { exerciseDigest } from "../course/fingerprint.ts";
import { emptyProgress, progressFile, recordGrade, saveProgress } from "../course/progress.ts";
import { extractCells, runCell } from "./cells.ts";
import { LearnerCodeError, loadLearnerModule } from "./learnerCode.ts";
import { chooseImplementation, overDemo, yours } from "./yours.ts";

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A project with one exercise, `clock`, whose main file is `files["clock.ts"]`, and (optionally) a grade on record. */
function project(files: Record<string, string>, graded?: { status: string; digest?: "current" | "other" }): string {
  const root = mkdtempSync(join(tmpdir(), "faultline-yours-"));
  made.push(root);
  writeFileSync(join(root, "course.json"), JSON.stringify({ exercises: [{ id: "clock", files: ["clock.ts"] }] }));
  mkdirSync(join(root, "exercises", "clock"), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(root, "exercises", "clock", f), text);
  if (graded) {
    const digest = graded.digest === "current" ? exerciseDigest(root, "clock") : graded.digest === "other" ? "0".repeat(32) : undefined;
    const entry = { status: graded.status, attempts: 1, hintsShown: 0, lastGradedAt: null, passedAt: null, ...(digest ? { digest } : {}) };
    mkdirSync(join(root, ".faultline"), { recursive: true });
    writeFileSync(join(root, ".faultline", "progress.json"), JSON.stringify({ version: 1, exercises: { clock: entry }, lessons: {} }));
  }
  return root;
}

// These projects keep their progress in their own .faultline/ (npm test points
// FAULTLINE_STATE_DIR at a directory of its own, which is not theirs).
beforeAll(() => void vi.stubEnv("FAULTLINE_STATE_DIR", ""));
afterAll(() => void vi.unstubAllEnvs());

const learner = "export function tick(n: number): number { return n + 100; }\n";
const demo = { tick: (n: number) => n + 1, helper: () => "the demo's" };

describe("which implementation a cell gets", () => {
  test("the demo until the exercise passes; then the learner's while the files are the ones that passed", () => {
    expect(chooseImplementation("clock", undefined, "d").use).toBe("demo");
    const p = { status: "fail" as const, attempts: 1, hintsShown: 0, lastGradedAt: null, passedAt: null, digest: "d" };
    expect(chooseImplementation("clock", p, "d")).toMatchObject({ use: "demo", note: expect.stringMatching(/once `clock` passes/) });
    expect(chooseImplementation("clock", { ...p, status: "pass" }, "d").use).toBe("yours");
    expect(chooseImplementation("clock", { ...p, status: "pass" }, "e")).toMatchObject({ use: "demo", note: expect.stringMatching(/changed since it passed/) });
    // A pass recorded before fingerprints existed cannot vouch for the files now.
    expect(chooseImplementation("clock", { status: "pass", attempts: 1, hintsShown: 0, lastGradedAt: null, passedAt: null }, "d").use).toBe("demo");
  });

  test("the learner's exports replace the demo's names they share; the demo's helpers stay; a mismatch falls back", () => {
    const r = overDemo({ tick: (n: number) => n * 2 }, demo);
    expect(r.ok && r.value.tick(2)).toBe(4);
    expect(r.ok && r.value.helper()).toBe("the demo's");
    expect(overDemo({ tick: 3 }, demo)).toEqual({ ok: false, why: "its tick is a number, where the cell needs a function" });
    expect(overDemo({ other: () => 1 }, demo)).toMatchObject({ ok: false, why: expect.stringMatching(/exports none of tick, helper/) });
    // A name the demo sets to null has no demo: the learner's takes it, whatever it is.
    expect(overDemo({ Store: class {} }, { Store: null })).toMatchObject({ ok: true, value: { Store: expect.any(Function) } });
  });

  test("yours(): the learner's module after a pass of these very files, with a note", async () => {
    const notes: string[] = [];
    const m = await yours("clock", demo, { root: project({ "clock.ts": learner }, { status: "pass", digest: "current" }), note: (l) => notes.push(l) });
    expect(m.tick(1)).toBe(101);
    expect(notes).toEqual([expect.stringMatching(/^▸ clock: your code/)]);
  });

  test("yours(): the demo, saying why, when not passed, changed since, or not loadable", async () => {
    for (const [root, why] of [
      [project({ "clock.ts": learner }), /once `clock` passes/],
      [project({ "clock.ts": learner }, { status: "pass", digest: "other" }), /changed since it passed/],
      [project({ "clock.ts": `import { readFileSync } from "node:fs";\n${learner}\nexport const read = readFileSync;` }, { status: "pass", digest: "current" }), /could not be loaded here: .*"node:fs" is part of Node\.js/],
    ] as const) {
      const notes: string[] = [];
      const m = await yours("clock", demo, { root, note: (l) => notes.push(l) });
      expect(notes).toEqual([expect.stringMatching(why)]);
      expect(m).toBe(demo);
    }
  });
});

describe("learner code is loaded as graded code is", () => {
  const load = (files: Record<string, string>, extra?: (root: string) => void) => {
    const root = project(files);
    extra?.(root);
    return loadLearnerModule(root, "clock/clock.ts");
  };

  test("faultline/sim, type-only imports and files of its own folder are fine", async () => {
    const m = await load({ "clock.ts": 'import { todo, type Ctx } from "faultline/sim";\nimport type { X } from "../../elsewhere.ts";\nimport { h } from "./helper.ts";\nexport const a = () => [typeof todo, h];\n', "helper.ts": "export const h = 1;\n" });
    expect((m["a"] as () => unknown)()).toEqual(["function", 1]);
  });

  test("builtins, packages, the engine, files outside the folder and dynamic imports are refused, naming the file", async () => {
    await expect(load({ "clock.ts": 'import { spawn } from "node:child_process";\nexport const s = spawn;\n' })).rejects.toThrow(/exercises\/clock\/clock\.ts:1: "node:child_process" is part of Node\.js/);
    await expect(load({ "clock.ts": 'import x from "zod";\nexport const z = x;\n' })).rejects.toThrow(LearnerCodeError);
    await expect(load({ "clock.ts": 'export * from "faultline/runner/sim/simulation.ts";\n' })).rejects.toThrow(/"faultline\/runner\/sim\/simulation\.ts" cannot be imported by graded code/);
    await expect(load({ "clock.ts": 'import { h } from "./helper.ts";\nexport const a = h;\n', "helper.ts": 'export { x as h } from "../../solutions/clock/clock.ts";\n' }, (root) => {
      mkdirSync(join(root, "solutions", "clock"), { recursive: true });
      writeFileSync(join(root, "solutions", "clock", "clock.ts"), "export const x = 1;\n");
    })).rejects.toThrow(/helper\.ts:1: .*outside your exercise folder/);
    await expect(load({ "clock.ts": 'const name = "fs";\nexport const m = await import(name);\n' })).rejects.toThrow(LearnerCodeError);
  });

  test("a symlink out of the folder is judged by where it really points", async () => {
    await expect(load({ "clock.ts": 'import { h } from "./link.ts";\nexport const a = h;\n' }, (root) => {
      mkdirSync(join(root, "solutions"), { recursive: true });
      writeFileSync(join(root, "solutions", "real.ts"), "export const h = 1;\n");
      symlinkSync(join(root, "solutions", "real.ts"), join(root, "exercises", "clock", "link.ts"));
    })).rejects.toThrow(/outside your exercise folder/);
  });
});

test("lesson 02's cell runs the lesson's vector clock until the learner's passes, then the learner's", { timeout: 180_000 }, async () => {
  // A throwaway copy of the project, so the learner's own files and progress are never touched.
  const sandbox = makeSandbox("yours");
  try {
    const cell = extractCells(readFileSync(join(sandbox, "lessons", "02-time-and-order.md"), "utf8")).find((c) => c.code.includes('yours("vector-clock"'))!;
    const before = await runCell(sandbox, "test-yours", cell, { columns: 100 });
    expect(before.ok, before.output).toBe(true);
    expect(before.output.split("\n")[0]).toMatch(/^▸ vector-clock: the lesson's own stands in; yours takes its place once `vector-clock` passes/);
    // The learner's clock (here the reference's), graded as passing with these very files.
    copyFileSync(join(sandbox, "solutions", "vector-clock", "clock.ts"), join(sandbox, "exercises", "vector-clock", "clock.ts"));
    const p = emptyProgress();
    recordGrade(p, "vector-clock", "pass", new Date(), exerciseDigest(sandbox, "vector-clock"));
    saveProgress(sandbox, p);
    expect(progressFile(sandbox)).toBeTruthy();
    const after = await runCell(sandbox, "test-yours", cell, { columns: 100 });
    expect(after.ok, after.output).toBe(true);
    expect(after.output.split("\n")[0]).toBe("▸ vector-clock: your code, which passes (exercises/vector-clock/clock.ts)");
    // Every pair still judged right: the learner's clock is the one the table measures.
    expect(after.output).toMatch(/Every pair of events/);
  } finally {
    removeSandbox(sandbox);
  }
});
