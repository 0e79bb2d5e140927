// Cell outputs kept between sessions: the last output of each version of a
// cell the learner ran (the lesson's code, or their edit), with when it ran.
// Reopening a lesson shows them; `export --html` writes the same ones. Kept
// per learner in .faultline/notebook/<lesson>.outputs.json.
//
// An output belongs to the code that produced it (a hash of that code), so a
// cell whose code changed — an edit, a restore, a new version of the lesson —
// never shows an output of other code. A few versions per cell are kept, so
// restoring the original brings back the original's last output.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../course/stateFile.ts";
import type { CellResult } from "./cells.ts";
import { cellKey, notebookDir, type NotebookCell } from "./edits.ts";

const keptOutput = z.object({
  /** The cell's key (cellKey of the lesson's code). */
  key: z.string(),
  index: z.number().int().positive(),
  /** cellKey of the code that ran. */
  code: z.string(),
  /** It ran the learner's edit, not the lesson's code. */
  edited: z.boolean(),
  ranAt: z.string(),
  ok: z.boolean(),
  output: z.string(),
  exitCode: z.number().int().nullable(),
  timedOut: z.boolean(),
  durationMs: z.number().nonnegative(),
});

const outputsFile = z.object({ version: z.literal(1), outputs: z.array(keptOutput) });

export type KeptOutput = z.infer<typeof keptOutput>;
type OutputsFile = z.infer<typeof outputsFile>;

/** Versions kept per cell, and outputs kept per lesson. */
const PER_CELL = 3;
const PER_LESSON = 120;

export function outputsPath(root: string, lessonId: string): string {
  return join(notebookDir(root), `${lessonId}.outputs.json`);
}

function load(root: string, lessonId: string): OutputsFile {
  const path = outputsPath(root, lessonId);
  if (!existsSync(path)) return { version: 1, outputs: [] };
  try {
    const parsed = outputsFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
    // Outputs can always be made again by running the cell: a damaged file is simply replaced.
    return parsed.success ? parsed.data : { version: 1, outputs: [] };
  } catch {
    return { version: 1, outputs: [] };
  }
}

/** The outputs kept for these cells, by cell index: each cell's output of the code it has now. */
export function keptOutputs(root: string, lessonId: string, cells: readonly NotebookCell[]): Map<number, KeptOutput> {
  const all = load(root, lessonId).outputs;
  const found = new Map<number, KeptOutput>();
  for (const c of cells) {
    const code = cellKey(c.code);
    const mine = all.filter((o) => o.code === code);
    const o = mine.find((x) => x.key === c.key) ?? mine.find((x) => x.index === c.index) ?? mine[0];
    if (o) found.set(c.index, o);
  }
  return found;
}

/** Keeps `result` as the last output of `cell`'s current code. */
export function keepOutput(root: string, lessonId: string, cell: NotebookCell, result: CellResult, ranAt: Date): KeptOutput {
  const kept: KeptOutput = {
    key: cell.key,
    index: cell.index,
    code: cellKey(cell.code),
    edited: cell.edit !== null,
    ranAt: ranAt.toISOString(),
    ok: result.ok,
    output: result.output,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
  };
  const others = load(root, lessonId).outputs.filter((o) => !(o.key === kept.key && o.code === kept.code));
  const sameCell = others.filter((o) => o.key === kept.key).slice(0, PER_CELL - 1);
  const outputs = [kept, ...sameCell, ...others.filter((o) => o.key !== kept.key)].slice(0, PER_LESSON);
  writeFileAtomic(outputsPath(root, lessonId), JSON.stringify({ version: 1, outputs } satisfies OutputsFile) + "\n");
  return kept;
}
