// Kept outputs belong to the code that made them: an edit, a restore or a
// new lesson text never shows another code's output.

import { expect, test } from "vitest";
import { tempStateDir } from "../testState.ts";
import type { CellResult } from "./cells.ts";
import { emptyEdits, notebookCells, withEdit, type LessonCell } from "./edits.ts";
import { keepOutput, keptOutputs } from "./outputs.ts";

const root = tempStateDir("outputs");

const result = (output: string): CellResult => ({ index: 1, ok: true, output, exitCode: 0, timedOut: false, durationMs: 5 });
const lesson: LessonCell[] = [{ index: 1, code: 'console.log("lesson");\n', timeoutMs: 10_000 }];

test("each version of a cell keeps its own last output, with when it ran and whether it was an edit", () => {
  const original = notebookCells(lesson, emptyEdits()).cells[0]!;
  keepOutput(root, "01-x", original, result("lesson output"), new Date("2026-12-01T10:00:00Z"));
  const edits = withEdit(emptyEdits(), original, 'console.log("mine");\n', new Date());
  const mine = notebookCells(lesson, edits).cells[0]!;
  expect(keptOutputs(root, "01-x", [mine]).size).toBe(0);
  keepOutput(root, "01-x", mine, result("my output"), new Date("2026-12-01T11:00:00Z"));
  expect(keptOutputs(root, "01-x", [mine]).get(1)).toMatchObject({ output: "my output", edited: true, ranAt: "2026-12-01T11:00:00.000Z" });
  // Restored: the lesson's code shows its own last output again.
  expect(keptOutputs(root, "01-x", [original]).get(1)).toMatchObject({ output: "lesson output", edited: false });
  // A new lesson text: no output of the old code.
  const changed = notebookCells([{ index: 1, code: 'console.log("new lesson");\n', timeoutMs: 10_000 }], emptyEdits()).cells;
  expect(keptOutputs(root, "01-x", changed).size).toBe(0);
});

test("running a version again replaces its output", () => {
  const cell = notebookCells(lesson, emptyEdits()).cells[0]!;
  keepOutput(root, "02-y", cell, result("first"), new Date());
  keepOutput(root, "02-y", cell, result("second"), new Date());
  expect(keptOutputs(root, "02-y", [cell]).get(1)?.output).toBe("second");
});
