// `faultline run --cell N --edit / --restore`: the learner's editor changes a
// cell, the change is kept and run; restore brings the lesson's back. Works on
// a fixture lesson, with the notebook in a temporary state directory.

import { chmodSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { tempStateDir } from "../testState.ts";
import { editsPath } from "./edits.ts";
import { runLesson, RunLessonUsage, type RunLessonOptions } from "./runLesson.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const tmp = tempStateDir("run");
const lesson = { id: `test-run-${process.pid}`, title: "Sample", file: "runner/notebook/fixtures/sample.md", exercises: [] };
afterAll(() => rmSync(join(ROOT, ".faultline", "cells", lesson.id), { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = join(tmp, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

async function run(o: Partial<RunLessonOptions>) {
  const lines: string[] = [];
  const id = (t: string) => t;
  const code = await runLesson(ROOT, lesson, { columns: 80, color: false, ...o }, { out: (t = "") => lines.push(t), err: (t) => lines.push(t), style: { bold: id, bad: id, dim: id, warn: id } });
  return { code, text: lines.join("\n") };
}

test("--edit opens the cell in $EDITOR, keeps the new version and runs it; later runs use it; --restore brings the lesson's back", { timeout: 120_000 }, async () => {
  const editor = script("editor.sh", `sed -i 's/hello from cell 1/hello from the editor/' "$1"`);
  const edited = await run({ cell: 1, edit: true, env: { EDITOR: editor } });
  expect(edited.code).toBe(0);
  expect(edited.text).toMatch(/Your version of cell 1 is kept in/);
  expect(edited.text).toMatch(/cell 1 of 2 · edited/);
  expect(edited.text).toMatch(/^hello from the editor$/m);
  expect(existsSync(editsPath(ROOT, lesson.id))).toBe(true);

  const again = await run({ cell: 1 });
  expect(again.text).toMatch(/^hello from the editor$/m);

  const restored = await run({ cell: 1, restore: true });
  expect(restored.text).toMatch(/Cell 1 is the lesson's again \(your version is kept in/);
  expect(restored.text).toMatch(/^hello from cell 1$/m);
  expect(restored.text).not.toMatch(/edited/);

  const nothing = await run({ cell: 1, restore: true });
  expect(nothing.text).toMatch(/is the lesson's own: there is nothing to restore/);
});

test("an editor that fails, or changes nothing, leaves the cell as it was and runs nothing", { timeout: 60_000 }, async () => {
  const failing = await run({ cell: 2, edit: true, env: { EDITOR: script("fail.sh", "exit 3") } });
  expect(failing.code).toBe(1);
  expect(failing.text).toMatch(/exited with code 3, so the cell was left as it was/);
  const same = await run({ cell: 2, edit: true, env: { VISUAL: script("same.sh", "true"), EDITOR: "never-used" } });
  expect(same.text).toMatch(/^No change: the cell is as it was\.$/m);
  expect(same.text).not.toMatch(/cell 2 of 2/);
});

test("usage: --edit needs a cell and an editor; --edit and --restore do not mix; cells are counted", async () => {
  await expect(run({ edit: true, env: { EDITOR: "x" } })).rejects.toThrow(RunLessonUsage);
  await expect(run({ cell: 1, edit: true, env: {} })).rejects.toThrow(/Neither \$VISUAL nor \$EDITOR is set.*faultline lesson/);
  await expect(run({ cell: 1, edit: true, restore: true, env: { EDITOR: "x" } })).rejects.toThrow(/not both/);
  await expect(run({ cell: 3 })).rejects.toThrow(/has 2 cells: --cell takes 1 to 2/);
});
