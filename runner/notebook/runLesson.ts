// `faultline run <lesson> [--cell N] [--edit] [--restore]`: a lesson's cells
// without the TUI, as the learner's notebook has them (their edited versions
// where they made them), with each output kept for the reader. --edit opens a
// cell in $VISUAL/$EDITOR and keeps the new version; --restore puts the
// lesson's own cell back (the learner's version is shelved, not deleted).

import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Lesson } from "../course/course.ts";
import { JobProgress } from "../jobProgress.ts";
import { editInEditor, editorCommand, NO_EDITOR, unchangedMessage } from "./editor.ts";
import { editsPath, type NotebookCell } from "./edits.ts";
import { extractCells } from "./cells.ts";
import { openNotebook, restoreCell, runNotebookCell, saveCellEdit } from "./notebook.ts";

export interface RunLessonOptions {
  cell?: number;
  edit?: boolean;
  restore?: boolean;
  columns: number;
  color: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface RunLessonIo {
  out(text?: string): void;
  err(text: string): void;
  style: { bold(s: string): string; bad(s: string): string; dim(s: string): string; warn(s: string): string };
}

/** A usage problem (exit code 2), told in the learner's terms. */
export class RunLessonUsage extends Error {}

/** What the learner should know about a cell whose lesson text changed since they edited it. */
export function staleNote(lessonId: string, index: number): string {
  return `The lesson's cell ${index} has changed since you edited it; your version still runs. \`faultline run ${lessonId} --cell ${index} --restore\` takes the new one (yours is kept), or see both in the reader (d).`;
}

export async function runLesson(root: string, lesson: Lesson, o: RunLessonOptions, io: RunLessonIo): Promise<number> {
  const { out, err, style: s } = io;
  const nb = openNotebook(root, lesson.id, extractCells(readFileSync(join(root, lesson.file), "utf8")));
  if (nb.warning) err(s.warn(nb.warning));
  const all = nb.cells;
  if (o.cell !== undefined && (o.cell < 1 || o.cell > all.length)) throw new RunLessonUsage(`${lesson.id} has ${all.length} cell${all.length === 1 ? "" : "s"}: --cell takes 1 to ${all.length}.`);
  if (o.edit && o.restore) throw new RunLessonUsage("--edit or --restore, not both: --edit opens a cell in your editor, --restore puts the lesson's version back.");
  if (o.edit && o.cell === undefined) throw new RunLessonUsage(`Which cell? e.g. \`faultline run ${lesson.id} --cell 1 --edit\`.`);
  let chosen = o.cell === undefined ? all : all.filter((x) => x.index === o.cell);
  if (chosen.length === 0) {
    out(`${lesson.id} has no runnable cells.`);
    return 0;
  }
  // Shown relative to the project when inside it (FAULTLINE_STATE_DIR may put it elsewhere).
  const file = editsPath(root, lesson.id);
  const kept = relative(root, file).startsWith("..") ? file : relative(root, file);

  if (o.restore) {
    const edited = chosen.filter((c) => c.edit);
    if (edited.length === 0) {
      out(o.cell !== undefined ? `Cell ${o.cell} of ${lesson.id} is the lesson's own: there is nothing to restore.` : `${lesson.id} has no edited cells: there is nothing to restore.`);
      return 0;
    }
    chosen = edited.map((c) => restoreCell(root, lesson.id, c));
    out(`${chosen.length === 1 ? `Cell ${chosen[0]!.index} is` : `Cells ${chosen.map((c) => c.index).join(", ")} are`} the lesson's again (your version is kept in ${kept}).`);
  }

  if (o.edit) {
    const command = editorCommand(o.env);
    if (!command) throw new RunLessonUsage(`${NO_EDITOR} Or edit it in the reader: \`faultline lesson ${lesson.id}\`, select the cell, press E.`);
    const cell = chosen[0]!;
    if (cell.stale) out(s.warn(staleNote(lesson.id, cell.index)));
    const r = editInEditor(root, lesson.id, cell.index, cell.code, command);
    if (r.status === "failed") {
      err(s.bad(r.message));
      return 1;
    }
    if (r.status === "unchanged") {
      out(unchangedMessage(command));
      return 0;
    }
    chosen = [saveCellEdit(root, lesson.id, cell, r.code)];
    out(chosen[0]!.edit ? `Your version of cell ${cell.index} is kept in ${kept}; \`faultline run ${lesson.id} --cell ${cell.index} --restore\` puts the lesson's back.` : `Cell ${cell.index} is the lesson's own again (your text matched it).`);
  }

  let failed = 0;
  for (const cell of chosen) failed += (await runOne(root, lesson, cell, all.length, o, io)) ? 0 : 1;
  if (failed) out(s.bad(`${failed} of ${chosen.length} cell${chosen.length === 1 ? "" : "s"} failed.`));
  if (nb.orphans.length)
    out(s.dim(`${nb.orphans.length} of your edited cells belong to cells no longer in this lesson; they are kept in ${kept}.`));
  return failed ? 1 : 0;
}

async function runOne(root: string, lesson: Lesson, cell: NotebookCell, count: number, o: RunLessonOptions, { out, style: s }: RunLessonIo): Promise<boolean> {
  const mark = cell.edit ? " · edited" : "";
  out(s.bold(`── ${lesson.id} · cell ${cell.index} of ${count}${mark} ${"─".repeat(Math.max(0, 40 - lesson.id.length - mark.length))}`));
  if (cell.stale && !o.edit) out(s.warn(staleNote(lesson.id, cell.index)));
  // A slow cell shows that it is still running (on a terminal; nothing extra in a pipe).
  const progress = new JobProgress(`cell ${cell.index}`, null, { plain: "none" });
  progress.start("running");
  let r;
  try {
    r = await runNotebookCell(root, lesson.id, cell, { columns: o.columns, color: o.color });
  } finally {
    progress.finish();
  }
  if (r.output) out(r.output);
  if (!r.ok) out(s.bad(r.timedOut ? `cell ${cell.index} timed out` : `cell ${cell.index} failed (exit code ${r.exitCode})`));
  out("");
  return r.ok;
}
