// reset: put the stub back, after keeping a timestamped copy of the learner's
// files; --undo brings the newest copy back (keeping what it replaces, too,
// so nothing is ever lost).

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execFileSync } from "node:child_process";
import { committedFiles } from "./committed.ts";
import type { Exercise } from "./course.ts";
import { shownPath, stateDir } from "./state.ts";

function backupRoot(root: string, id: string): string {
  return join(stateDir(root), "backups", id);
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, "-");
}

/** Backups that `reset --undo` itself made: kept, but never what a later undo restores. */
const BEFORE_UNDO = "-before-undo";

/** Copies the learner's present files of `e` to a new timestamped folder; returns it (as shown to the learner), or null when there was nothing to keep. */
export function backup(root: string, e: Exercise, now: Date, suffix = ""): string | null {
  const present = e.files.filter((f) => existsSync(join(root, "exercises", e.id, f)));
  if (present.length === 0) return null;
  let dir = join(backupRoot(root, e.id), stamp(now) + suffix);
  for (let i = 2; existsSync(dir); i++) dir = join(backupRoot(root, e.id), `${stamp(now)}-${i}${suffix}`);
  for (const f of present) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(root, "exercises", e.id, f), join(dir, f));
  }
  return shownPath(root, dir);
}

/** The stub as it was first shipped: from git when available, else the file as it is. */
export function stubSource(root: string, e: Exercise, f: string): Buffer {
  try {
    return execFileSync("git", ["show", `HEAD:exercises/${e.id}/${f}`], { cwd: root, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    throw new Error(`Could not find the original stub of exercises/${e.id}/${f} in git (is this a git checkout?).`);
  }
}

/**
 * Writes the committed stubs of every exercise (exercises/ at HEAD) into
 * `dir`, laid out like exercises/, without touching the learner's copies:
 * what `npm test` grades to check that each untouched stub is "not started".
 * Returns the number of files written, or null outside a git checkout (there
 * the committed stubs cannot be told from the learner's edits).
 */
export function materializeStubs(root: string, dir: string): number | null {
  const files = committedFiles(root, "exercises/");
  if (!files?.length) return null;
  for (const f of files) {
    const file = join(dir, f.path.slice("exercises/".length));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, f.data);
  }
  return files.length;
}

/** Restores the stub; returns the backup directory (as shown), or null when there was nothing to keep. */
export function resetExercise(root: string, e: Exercise, now = new Date()): string | null {
  const stubs = e.files.map((f) => [f, stubSource(root, e, f)] as const);
  const kept = backup(root, e, now);
  for (const [f, data] of stubs) {
    mkdirSync(dirname(join(root, "exercises", e.id, f)), { recursive: true });
    writeAtomic(join(root, "exercises", e.id, f), data);
  }
  return kept;
}

export interface Undone {
  /** The backup brought back (as shown). */
  from: string;
  /** False when the exercise already held exactly those files: nothing was written. */
  changed: boolean;
  /** Where the files it replaced were saved, when it replaced any. */
  saved: string | null;
}

/**
 * Restores the newest backup that reset or carry made (the learner's files
 * before it); the files it replaces are backed up first. Undo's own backups
 * are never restored by a later undo: a second undo would otherwise put back
 * whatever the first one replaced (often the stub).
 */
export function undoReset(root: string, e: Exercise, now = new Date()): Undone | null {
  const dir = backupRoot(root, e.id);
  if (!existsSync(dir)) return null;
  const newest = readdirSync(dir).filter((d) => !d.endsWith(BEFORE_UNDO)).sort().at(-1);
  if (!newest) return null;
  const from = join(dir, newest);
  const data = e.files.filter((f) => existsSync(join(from, f))).map((f) => [f, readFileSync(join(from, f))] as const);
  const current = (f: string) => join(root, "exercises", e.id, f);
  if (data.every(([f, d]) => existsSync(current(f)) && readFileSync(current(f)).equals(d))) return { from: shownPath(root, from), changed: false, saved: null };
  const saved = backup(root, e, now, BEFORE_UNDO);
  for (const [f, d] of data) {
    mkdirSync(dirname(current(f)), { recursive: true });
    writeAtomic(current(f), d);
  }
  return { from: shownPath(root, from), changed: true, saved };
}
export function writeAtomic(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
