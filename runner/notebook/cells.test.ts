import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { cellForLearner, extractCells, runCell, solutionsUsed } from "./cells.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const lesson = `test-cells-${process.pid}`;
afterAll(() => rmSync(join(ROOT, ".faultline", "cells", lesson), { recursive: true, force: true }));

test("extractCells numbers ts cells in order and reads their time limits", () => {
  const cells = extractCells("```ts cell\na\n```\n\n```ts\nnot a cell\n```\n\n- item\n\n  ```ts cell timeout=30000\n  b\n  ```\n");
  expect(cells.map((c) => [c.index, c.code.trim(), c.timeoutMs])).toEqual([
    [1, "a", 10_000],
    [2, "b", 30_000],
  ]);
});

test("a cell runs in its own process: output, failure and a time limit, never a hang", { timeout: 60_000 }, async () => {
  const ok = await runCell(ROOT, lesson, { index: 1, code: 'console.log("hi from a cell");\n', line: 0, timeoutMs: 20_000 });
  expect(ok).toMatchObject({ ok: true, output: "hi from a cell", timedOut: false });
  const bad = await runCell(ROOT, lesson, { index: 2, code: 'throw new Error("boom");\n', line: 0, timeoutMs: 20_000 });
  expect(bad.ok).toBe(false);
  expect(bad.output).toMatch(/boom/);
  const hung = await runCell(ROOT, lesson, { index: 3, code: "while (true) {}\n", line: 0, timeoutMs: 1500 });
  expect(hung).toMatchObject({ ok: false, timedOut: true });
  expect(hung.output).toMatch(/did not finish within 1.5 s/);
});

test("in a learner's copy (solutions withheld), a cell that imports a solution runs the learner's passing exercise, or says what to do", () => {
  const code = 'import { createNode } from "faultline/solutions/echo/echo.ts";\nimport { x } from \'faultline/solutions/two-generals/generals.ts\';\nimport { y } from "faultline/sim";\n';
  expect(solutionsUsed(code)).toEqual(["echo", "two-generals"]);
  const waiting = cellForLearner(3, code, new Set(["echo"]));
  expect(waiting).toEqual({ message: expect.stringMatching(/^Cell 3 runs a working echo and two-generals\. .*withheld.*`faultline watch two-generals`\.$/) });
  const runs = cellForLearner(3, code, new Set(["echo", "two-generals"]));
  expect(runs).toEqual({ code: 'import { createNode } from "faultline/exercises/echo/echo.ts";\nimport { x } from \'faultline/exercises/two-generals/generals.ts\';\nimport { y } from "faultline/sim";\n' });
});

test("a cell that needs a withheld solution answers without running (no failed import)", async () => {
  const copy = mkdtempSync(join(tmpdir(), "faultline-copy-"));
  const r = await runCell(copy, lesson, { index: 2, code: 'import { createNode } from "faultline/solutions/echo/echo.ts";\n', line: 0, timeoutMs: 5000 });
  expect(r).toMatchObject({ ok: true, timedOut: false, output: expect.stringMatching(/runs your own code once it passes: `faultline watch echo`/) });
});
