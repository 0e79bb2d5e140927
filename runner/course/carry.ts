// carry: start the next stage of a worksheet (the Raft track grows one file,
// raft.ts, through five exercises) from the learner's own files of the stage
// before it. The files it replaces are backed up first, as reset does, so
// `faultline reset --undo <id>` brings them back.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Course, Exercise } from "./course.ts";
import { backup, stubSource, writeAtomic } from "./reset.ts";

export class CarryError extends Error {}

export interface Carried {
  /** The stage the files came from. */
  from: string;
  /** The files copied, relative to the exercise folders. */
  files: string[];
  /** Where the replaced files were saved (relative), or null when there were none. */
  backup: string | null;
}

/** The files `e` takes over from the stage before it (those both have), and that stage. */
export function carrySource(c: Course, e: Exercise): { from: Exercise; files: string[] } {
  const from = e.continues ? c.exercises.find((x) => x.id === e.continues) : undefined;
  if (!from) {
    const later = c.exercises.find((x) => x.continues === e.id);
    throw new CarryError(later ? `${e.id} is the first stage: there is nothing to carry into it (\`faultline carry ${later.id}\` carries it forward).` : `${e.id} does not continue another exercise, so there is nothing to carry into it: only the later stages of a worksheet do (${c.exercises.filter((x) => x.continues).map((x) => x.id).join(", ") || "none in this course"}).`);
  }
  return { from, files: e.files.filter((f) => from.files.includes(f)) };
}

/** Whether the learner's file of `e` is still the stub as shipped (unknown outside a git checkout: false). */
function untouched(root: string, e: Exercise, f: string): boolean {
  try {
    return stubSource(root, e, f).equals(readFileSync(join(root, "exercises", e.id, f)));
  } catch {
    return false;
  }
}

/** Copies the learner's files of the stage before `e` into exercises/<e>/, after backing up what is there. */
export function carryForward(root: string, c: Course, e: Exercise, now = new Date()): Carried {
  const { from, files } = carrySource(c, e);
  for (const f of files) {
    const src = join(root, "exercises", from.id, f);
    if (!existsSync(src)) throw new CarryError(`There is no exercises/${from.id}/${f} to carry. \`faultline reset ${from.id}\` restores that stage's stub.`);
    if (untouched(root, from, f)) throw new CarryError(`exercises/${from.id}/${f} is still the stub: there is nothing of yours to carry yet. Work on ${from.id} first (\`faultline watch ${from.id}\`).`);
  }
  const data = files.map((f) => [f, readFileSync(join(root, "exercises", from.id, f))] as const);
  const kept = backup(root, e, now);
  for (const [f, d] of data) writeAtomic(join(root, "exercises", e.id, f), d);
  return { from: from.id, files, backup: kept };
}
