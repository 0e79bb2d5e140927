// Cells the learner changed. An edit is kept per learner in
// .faultline/notebook/<lesson>.edits.json, never in the lesson itself, and is
// tied to the cell it started from by a hash of that cell's code (its key),
// with the cell's place in the lesson and its code kept beside it.
//
// When the lesson text changes (an upgrade of the course), each edit finds its
// cell again:
//   1. a cell whose code still hashes to the edit's key (the same place first,
//      for a lesson with two identical cells): the edit applies as before;
//   2. else the cell most like the code the edit started from (at least half
//      its lines in common; the nearest place breaks ties): the edit applies,
//      marked *stale* — the lesson's cell changed since — so the reader says so
//      and offers both (diff, keep yours, or restore the new original);
//   3. else the edit is an *orphan*: its cell is gone. It stays in the file
//      (nothing the learner wrote is thrown away) and `faultline run` says so.
// Restoring a cell moves its edit to `shelved` rather than deleting it, and
// `u` on that cell brings it back.

import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { diffLines } from "diff";
import { z } from "zod";
import { readStateFile, writeFileAtomic } from "../course/stateFile.ts";

/** A runnable cell as the lesson has it. */
export interface LessonCell {
  index: number;
  code: string;
  timeoutMs: number;
}

const editRecord = z.object({
  /** cellKey of the lesson's cell the edit started from. */
  key: z.string(),
  /** That cell's place then (1-based). */
  index: z.number().int().positive(),
  /** That cell's code then: what a stale edit is compared against. */
  original: z.string(),
  /** The learner's code. */
  code: z.string(),
  editedAt: z.string(),
});

const editsFile = z.object({
  version: z.literal(1),
  edits: z.array(editRecord),
  shelved: z.array(editRecord.extend({ restoredAt: z.string() })),
});

export type EditRecord = z.infer<typeof editRecord>;
export type EditsFile = z.infer<typeof editsFile>;

/** A cell as this learner's notebook has it. */
export interface NotebookCell {
  index: number;
  /** cellKey of the lesson's code. */
  key: string;
  /** The lesson's code now. */
  original: string;
  /** What runs: the learner's edit, or the lesson's code. */
  code: string;
  timeoutMs: number;
  edit: EditRecord | null;
  /** The lesson's cell changed since the learner edited it (edit.original is not `original`). */
  stale: boolean;
  /** For a cell the learner restored: their newest restored version of it, which `u` brings back. */
  shelved: EditRecord | null;
}

/** How many restored edits are kept, newest first. */
const SHELF = 20;

/** A cell's identity: a hash of its code, blind to line endings and trailing blanks. */
export function cellKey(code: string): string {
  const norm = code.replace(/\r\n?/g, "\n").replace(/[ \t]+$/gm, "").replace(/\s+$/, "");
  return createHash("sha256").update(norm).digest("hex").slice(0, 16);
}

/** The share of lines two pieces of code have in common (0–1). */
export function similarity(a: string, b: string): number {
  const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "").length;
  const total = Math.max(lines(a), lines(b));
  if (total === 0) return 1;
  const common = diffLines(a, b, { ignoreWhitespace: true })
    .filter((p) => !p.added && !p.removed)
    .reduce((n, p) => n + p.value.split("\n").filter((l) => l.trim() !== "").length, 0);
  return common / total;
}

export function emptyEdits(): EditsFile {
  return { version: 1, edits: [], shelved: [] };
}

/** The lesson's cells with this learner's edits applied, and the edits whose cell is gone. */
export function notebookCells(cells: readonly LessonCell[], file: EditsFile): { cells: NotebookCell[]; orphans: EditRecord[] } {
  const keys = cells.map((c) => cellKey(c.code));
  const owner = new Map<number, EditRecord>();
  const left: EditRecord[] = [];
  for (const e of file.edits) {
    const free = cells.filter((c, i) => keys[i] === e.key && !owner.has(c.index));
    const at = free.find((c) => c.index === e.index) ?? free[0];
    if (at) owner.set(at.index, e);
    else left.push(e);
  }
  const orphans: EditRecord[] = [];
  for (const e of left) {
    let best: { index: number; score: number } | null = null;
    for (const c of cells) {
      if (owner.has(c.index)) continue;
      const score = similarity(e.original, c.code);
      if (score < 0.5) continue;
      if (!best || score > best.score || (score === best.score && Math.abs(c.index - e.index) < Math.abs(best.index - e.index))) best = { index: c.index, score };
    }
    if (best) owner.set(best.index, e);
    else orphans.push(e);
  }
  return {
    cells: cells.map((c, i) => {
      const edit = owner.get(c.index) ?? null;
      const shelved = edit ? null : (file.shelved.find((e) => e.key === keys[i]) ?? null);
      return { index: c.index, key: keys[i]!, original: c.code, code: edit ? edit.code : c.code, timeoutMs: c.timeoutMs, edit, stale: edit !== null && edit.key !== keys[i], shelved };
    }),
    orphans,
  };
}

/** The file with `cell`'s edit set to `code` (anchored to the lesson's code now); code equal to the original removes the edit. */
export function withEdit(file: EditsFile, cell: NotebookCell, code: string, now: Date): EditsFile {
  const edits = file.edits.filter((e) => e !== cell.edit && !sameRecord(e, cell.edit));
  if (cellKey(code) !== cell.key) edits.push({ key: cell.key, index: cell.index, original: cell.original, code, editedAt: now.toISOString() });
  return { ...file, edits };
}

/** The file with `cell`'s edit moved to the shelf (the lesson's code runs again). */
export function withRestored(file: EditsFile, cell: NotebookCell, now: Date): EditsFile {
  if (!cell.edit) return file;
  const edit = cell.edit;
  return { ...file, edits: file.edits.filter((e) => !sameRecord(e, edit)), shelved: [{ ...edit, restoredAt: now.toISOString() }, ...file.shelved].slice(0, SHELF) };
}

/** The file with `cell`'s newest restored version back in force (`u` after a restore). */
export function withUnshelved(file: EditsFile, cell: NotebookCell): EditsFile {
  const back = cell.shelved;
  if (!back || cell.edit) return file;
  const { restoredAt: _at, ...edit } = file.shelved.find((e) => sameRecord(e, back)) ?? { ...back, restoredAt: "" };
  return { ...file, edits: [...file.edits, edit], shelved: file.shelved.filter((e) => !sameRecord(e, back)) };
}

function sameRecord(a: EditRecord, b: EditRecord | null): boolean {
  return b !== null && a.key === b.key && a.index === b.index && a.editedAt === b.editedAt;
}

// ---------------------------------------------------------------------------
// The file

/**
 * Where the learner's notebook state lives: beside progress.json, in the
 * state directory (.faultline/, or FAULTLINE_STATE_DIR, which tests point at a
 * temporary directory so they never touch a learner's notebook).
 */
export function notebookDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const state = env["FAULTLINE_STATE_DIR"];
  return join(state ? resolve(root, state) : join(root, ".faultline"), "notebook");
}

export function editsPath(root: string, lessonId: string): string {
  return join(notebookDir(root), `${lessonId}.edits.json`);
}

/** The learner's edits of a lesson; a damaged file is set aside with a warning (never lost, never a crash). */
export function loadEdits(root: string, lessonId: string, now: () => Date = () => new Date()): { file: EditsFile; warning: string | null } {
  const r = readStateFile(editsPath(root, lessonId), editsFile, now);
  if (!r.damaged) return { file: r.value ?? emptyEdits(), warning: null };
  return { file: emptyEdits(), warning: `Your edited cells of ${lessonId} could not be read (${r.damaged.why}); the file was moved to ${r.damaged.aside} and the lesson's cells show again.` };
}

export function saveEdits(root: string, lessonId: string, file: EditsFile): void {
  writeFileAtomic(editsPath(root, lessonId), JSON.stringify(file, null, 2) + "\n");
}
