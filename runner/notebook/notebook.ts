// A learner's notebook of one lesson: the lesson's cells with the learner's
// edits applied (edits.ts) and their kept outputs (outputs.ts). What the
// reader, `faultline run` and `export --html` share, so that all three run,
// edit, restore and keep cells the same way.

import type { CellResult } from "./cells.ts";
import { loadEdits, notebookCells, saveEdits, withEdit, withRestored, withUnshelved, type EditRecord, type LessonCell, type NotebookCell } from "./edits.ts";
import { keepOutput, keptOutputs, type KeptOutput } from "./outputs.ts";

export interface Notebook {
  lessonId: string;
  cells: NotebookCell[];
  /** Edits whose cell is no longer in the lesson (kept in the file). */
  orphans: EditRecord[];
  /** The last output of each cell's current code. */
  outputs: Map<number, KeptOutput>;
  warning: string | null;
}

/** The notebook of `lessonId` given its cells (from the parsed lesson). */
export function openNotebook(root: string, lessonId: string, cells: readonly LessonCell[]): Notebook {
  const { file, warning } = loadEdits(root, lessonId);
  const nb = notebookCells(cells, file);
  return { lessonId, ...nb, outputs: keptOutputs(root, lessonId, nb.cells), warning };
}

/** Runs the cell's current code (the learner's edit, if any) and keeps the output. */
export async function runNotebookCell(root: string, lessonId: string, cell: NotebookCell, opts: { columns?: number; color?: boolean; now?: () => Date } = {}): Promise<CellResult & { kept: KeptOutput }> {
  // cells.ts brings markdown-it: loaded when a cell first runs, not when the runner starts.
  const { runCell } = await import("./cells.ts");
  const r = await runCell(root, lessonId, { index: cell.index, code: cell.code, line: 0, timeoutMs: cell.timeoutMs }, { columns: opts.columns ?? 80, color: opts.color ?? false });
  // The colourless text is what is kept: a reopened lesson or a web page shows it anywhere.
  const kept = keepOutput(root, lessonId, cell, opts.color ? { ...r, output: r.output.replace(/\u001b\[[0-9;]*m/g, "") } : r, (opts.now ?? (() => new Date()))());
  return { ...r, kept };
}

/** Keeps `code` as the learner's version of the cell; returns the cell as it now is. */
export function saveCellEdit(root: string, lessonId: string, cell: NotebookCell, code: string, now = new Date()): NotebookCell {
  const { file } = loadEdits(root, lessonId);
  const next = withEdit(file, cell, code, now);
  saveEdits(root, lessonId, next);
  const edit = next.edits.find((e) => e.key === cell.key && e.index === cell.index && e.editedAt === now.toISOString()) ?? null;
  return { ...cell, code: edit ? edit.code : cell.original, edit, stale: false, shelved: null };
}

/** Puts the lesson's code back (the edit is shelved, not deleted); returns the cell as it now is. */
export function restoreCell(root: string, lessonId: string, cell: NotebookCell, now = new Date()): NotebookCell {
  const { file } = loadEdits(root, lessonId);
  saveEdits(root, lessonId, withRestored(file, cell, now));
  return { ...cell, code: cell.original, edit: null, stale: false, shelved: cell.edit && cell.edit.key === cell.key ? cell.edit : null };
}

/** Brings back the learner's version the cell had before a restore; returns the cell as it now is. */
export function unshelveCell(root: string, lessonId: string, cell: NotebookCell): NotebookCell {
  if (!cell.shelved) return cell;
  const { file } = loadEdits(root, lessonId);
  saveEdits(root, lessonId, withUnshelved(file, cell));
  const edit = cell.shelved;
  return { ...cell, code: edit.code, edit, stale: false, shelved: null };
}
