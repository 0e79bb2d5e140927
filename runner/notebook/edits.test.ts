// Edited cells follow their cell when the lesson changes: by hash, else by
// likeness (marked stale), else kept as orphans; restoring shelves an edit.

import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { tempStateDir } from "../testState.ts";
import { cellKey, editsPath, emptyEdits, loadEdits, notebookCells, saveEdits, similarity, withEdit, withRestored, withUnshelved, type EditsFile, type LessonCell } from "./edits.ts";

const cell = (index: number, code: string): LessonCell => ({ index, code, timeoutMs: 10_000 });
const A = 'const loss = 0.5;\nconst runs = 200;\nconsole.log("a", loss, runs);\n';
const B = 'console.log("b");\n';
const C = 'const seed = 7;\nconsole.log("c", seed);\n';
const at = new Date("2026-12-01T10:00:00Z");
const root = tempStateDir("edits");

/** The learner edits cell `index` of `cells` to `code`. */
function edited(cells: LessonCell[], index: number, code: string, file: EditsFile = emptyEdits()): EditsFile {
  return withEdit(file, notebookCells(cells, file).cells.find((c) => c.index === index)!, code, at);
}

describe("cell identity", () => {
  test("a cell's key ignores line endings and trailing blanks, and nothing else", () => {
    expect(cellKey("a;\r\nb;  \n\n")).toBe(cellKey("a;\nb;"));
    expect(cellKey("a;\nb;")).not.toBe(cellKey("a;\nc;"));
  });

  test("similarity is the share of non-blank lines in common", () => {
    expect(similarity(A, A)).toBe(1);
    expect(similarity(A, A.replace("0.5", "0.8"))).toBeCloseTo(2 / 3);
    expect(similarity(A, B)).toBe(0);
  });
});

describe("an edit finds its cell", () => {
  const lesson = [cell(1, A), cell(2, B)];
  const file = edited(lesson, 1, A.replace("0.5", "0.8"));

  test("in the same lesson: the edit runs, not stale", () => {
    const nb = notebookCells(lesson, file).cells[0]!;
    expect(nb).toMatchObject({ index: 1, code: A.replace("0.5", "0.8"), original: A, stale: false });
    expect(nb.edit).not.toBeNull();
    expect(notebookCells(lesson, file).cells[1]!.edit).toBeNull();
  });

  test("after a cell is added before it: by hash, at its new place", () => {
    const { cells, orphans } = notebookCells([cell(1, C), cell(2, A), cell(3, B)], file);
    expect(cells.map((c) => [c.index, c.edit !== null, c.stale])).toEqual([
      [1, false, false],
      [2, true, false],
      [3, false, false],
    ]);
    expect(orphans).toEqual([]);
  });

  test("after the lesson changed the cell: the most similar cell, marked stale", () => {
    const changed = A.replace("200", "500");
    const { cells } = notebookCells([cell(1, B), cell(2, changed)], file);
    expect(cells[1]).toMatchObject({ code: A.replace("0.5", "0.8"), original: changed, stale: true });
    expect(cells[0]!.edit).toBeNull();
  });

  test("after the cell was removed or rewritten beyond recognition: an orphan, kept", () => {
    const { cells, orphans } = notebookCells([cell(1, B), cell(2, C)], file);
    expect(cells.every((c) => c.edit === null)).toBe(true);
    expect(orphans.map((o) => o.code)).toEqual([A.replace("0.5", "0.8")]);
  });

  test("two identical cells keep their own edits (the same place wins)", () => {
    const twins = [cell(1, B), cell(2, B)];
    const f = edited(twins, 2, 'console.log("second");\n');
    const cells = notebookCells(twins, f).cells;
    expect(cells.map((c) => c.code)).toEqual([B, 'console.log("second");\n']);
  });

  test("saving a stale edit anchors it to the lesson's cell as it is now", () => {
    const changed = A.replace("200", "500");
    const now = [cell(1, changed)];
    const stale = notebookCells(now, file).cells[0]!;
    const f = withEdit(file, stale, stale.code, at);
    expect(f.edits).toHaveLength(1);
    expect(notebookCells(now, f).cells[0]).toMatchObject({ stale: false, code: A.replace("0.5", "0.8") });
  });
});

describe("saving and restoring", () => {
  const lesson = [cell(1, A)];

  test("an edit back to the lesson's code is no edit", () => {
    const f = edited(lesson, 1, A.replace("0.5", "0.8"));
    const back = withEdit(f, notebookCells(lesson, f).cells[0]!, A + "\n", at);
    expect(back.edits).toEqual([]);
  });

  test("restoring shelves the edit (newest first) and the lesson's code runs again; unshelving brings it back", () => {
    const f = edited(lesson, 1, A.replace("0.5", "0.8"));
    const r = withRestored(f, notebookCells(lesson, f).cells[0]!, at);
    expect(r.edits).toEqual([]);
    expect(r.shelved.map((e) => e.code)).toEqual([A.replace("0.5", "0.8")]);
    expect(notebookCells(lesson, r).cells[0]!.code).toBe(A);
    // …and comes back.
    const restored = notebookCells(lesson, r).cells[0]!;
    expect(restored.shelved?.code).toBe(A.replace("0.5", "0.8"));
    const back = withUnshelved(r, restored);
    expect(back.shelved).toEqual([]);
    expect(notebookCells(lesson, back).cells[0]).toMatchObject({ code: A.replace("0.5", "0.8"), stale: false, shelved: null });
  });

  test("edits persist per lesson; a damaged file is set aside with a warning, not lost", () => {
    const f = edited(lesson, 1, A.replace("0.5", "0.8"));
    saveEdits(root, "01-x", f);
    expect(loadEdits(root, "01-x")).toEqual({ file: f, warning: null });
    writeFileSync(editsPath(root, "01-x"), "{ not json");
    const r = loadEdits(root, "01-x", () => at);
    expect(r.file).toEqual(emptyEdits());
    expect(r.warning).toMatch(/could not be read.*moved to .*corrupt-2026-12-01/);
    expect(readFileSync(`${editsPath(root, "01-x")}.corrupt-2026-12-01T10-00-00-000Z`, "utf8")).toBe("{ not json");
  });
});
