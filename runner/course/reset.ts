// reset: put the stub back, after keeping a timestamped copy of the learner's
// files; --undo brings the newest copy back (keeping what it replaces, too,
// so nothing is ever lost).

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { execFileSync } from "node:child_process";
import type { Exercise } from "./course.ts";

function backupRoot(root: string, id: string): string {
  return join(root, ".faultline", "backups", id);
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, "-");
}

/** Copies the learner's present files of `e` to a new timestamped folder; returns it (relative), or null when there was nothing to keep. */
export function backup(root: string, e: Exercise, now: Date): string | null {
  const present = e.files.filter((f) => existsSync(join(root, "exercises", e.id, f)));
  if (present.length === 0) return null;
  let dir = join(backupRoot(root, e.id), stamp(now));
  for (let i = 2; existsSync(dir); i++) dir = join(backupRoot(root, e.id), `${stamp(now)}-${i}`);
  for (const f of present) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(root, "exercises", e.id, f), join(dir, f));
  }
  return relative(root, dir);
}

/** The stub as it was first shipped: from git when available, else the file as it is. */
export function stubSource(root: string, e: Exercise, f: string): Buffer {
  try {
    return execFileSync("git", ["show", `HEAD:exercises/${e.id}/${f}`], { cwd: root, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    throw new Error(`Could not find the original stub of exercises/${e.id}/${f} in git (is this a git checkout?).`);
  }
}

/** Restores the stub; returns the backup directory (relative), or null when there was nothing to keep. */
export function resetExercise(root: string, e: Exercise, now = new Date()): string | null {
  const stubs = e.files.map((f) => [f, stubSource(root, e, f)] as const);
  const kept = backup(root, e, now);
  for (const [f, data] of stubs) {
    mkdirSync(dirname(join(root, "exercises", e.id, f)), { recursive: true });
    writeAtomic(join(root, "exercises", e.id, f), data);
  }
  return kept;
}

/** Restores the newest backup; the files it replaces are backed up first. */
export function undoReset(root: string, e: Exercise, now = new Date()): string | null {
  const dir = backupRoot(root, e.id);
  if (!existsSync(dir)) return null;
  const newest = readdirSync(dir).sort().at(-1);
  if (!newest) return null;
  const from = join(dir, newest);
  const data = e.files.filter((f) => existsSync(join(from, f))).map((f) => [f, readFileSync(join(from, f))] as const);
  backup(root, e, now);
  for (const [f, d] of data) writeAtomic(join(root, "exercises", e.id, f), d);
  return relative(root, from);
}

export function writeAtomic(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}
