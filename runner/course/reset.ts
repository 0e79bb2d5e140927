// reset: put the stub back, after keeping a timestamped copy of the learner's
// files; --undo brings the newest copy back (keeping what it replaces, too,
// so nothing is ever lost).
//
// A stage of a shared worksheet (raft-log in exercises/raft/raft.ts) can be
// reset on its own: only its regions go back to the stub, the rest of the
// file stays the learner's (worksheet.ts). Or the whole worksheet, every
// stage at once: the learner chooses.

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { execFileSync } from "node:child_process";
import { exerciseFolder, worksheetStages, type Course, type Exercise } from "./course.ts";
import { parseRegions, RegionError, resetStage } from "./worksheet.ts";
import { writeFileAtomic } from "./stateFile.ts";

/** What to put back: the stage's own part of a shared worksheet, or every file of the exercise's folder. */
export type ResetScope = "stage" | "worksheet";

export interface ResetResult {
  /** Files put back, relative to the project (exercises/raft/raft.ts). */
  files: string[];
  /** Where the replaced files were saved (relative), or null when there was nothing to keep. */
  backup: string | null;
}

/** The learner's file no longer has the stage's regions: a per-stage reset cannot tell its part apart. */
export class ResetError extends Error {
  override name = "ResetError";
}

function backupRoot(root: string, folder: string): string {
  return join(root, ".faultline", "backups", folder);
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[:.]/g, "-");
}

/** A new, unused folder for a backup taken at `now`. */
export function backupDir(root: string, folder: string, now: Date): string {
  let dir = join(backupRoot(root, folder), stamp(now));
  for (let i = 2; existsSync(dir); i++) dir = join(backupRoot(root, folder), `${stamp(now)}-${i}`);
  return dir;
}

/** Copies the learner's present `files` of exercises/<folder>/ to a new timestamped folder; returns it (relative), or null when there was nothing to keep. */
export function backup(root: string, folder: string, files: readonly string[], now: Date): string | null {
  const present = files.filter((f) => existsSync(join(root, "exercises", folder, f)));
  if (present.length === 0) return null;
  const dir = backupDir(root, folder, now);
  for (const f of present) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(root, "exercises", folder, f), join(dir, f));
  }
  return relative(root, dir);
}

/** The stub as it was shipped: from git when available. */
export function stubSource(root: string, folder: string, f: string): Buffer {
  try {
    return execFileSync("git", ["show", `HEAD:exercises/${folder}/${f}`], { cwd: root, stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    throw new Error(`Could not find the original stub of exercises/${folder}/${f} in git (is this a git checkout?).`);
  }
}

/** Every file of the exercises that share `e`'s folder (just e's own files for an exercise of its own). */
export function folderFiles(c: Course, e: Exercise): string[] {
  return [...new Set(worksheetStages(c, e).flatMap((x) => x.files))];
}

/** The new contents of each file a reset of `e` with `scope` puts back. */
function resetPlan(root: string, c: Course, e: Exercise, scope: ResetScope): [string, Buffer][] {
  const folder = exerciseFolder(e);
  const stages = worksheetStages(c, e);
  if (stages.length < 2 || scope === "worksheet") return (stages.length < 2 ? e.files : folderFiles(c, e)).map((f) => [f, stubSource(root, folder, f)]);
  const plan: [string, Buffer][] = [];
  for (const f of e.files) {
    const stub = stubSource(root, folder, f);
    const stubText = { text: stub.toString("utf8"), file: `the worksheet's ${f}` };
    const mine = join(root, "exercises", folder, f);
    // A file only this stage edits goes back whole; a shared one, region by region.
    if (!parseRegions(stubText).some((r) => r.stage === e.id)) {
      if (!stages.some((x) => x !== e && x.files.includes(f))) plan.push([f, stub]);
      continue;
    }
    if (!existsSync(mine)) {
      plan.push([f, stub]);
      continue;
    }
    try {
      plan.push([f, Buffer.from(resetStage({ text: readFileSync(mine, "utf8"), file: `exercises/${folder}/${f}` }, stubText, e.id), "utf8")]);
    } catch (err) {
      if (!(err instanceof RegionError)) throw err;
      throw new ResetError(`${err.message} Without its "// #region ${e.id}" and "// #endregion ${e.id}" lines as the worksheet has them, ${e.id}'s part cannot be told from the rest, so nothing was changed. \`faultline reset ${e.id} --worksheet\` puts back the whole worksheet instead (every stage; your files are backed up first).`);
    }
  }
  return plan;
}

/**
 * Restores the stub: for an exercise of its own, its files; for a stage of a
 * shared worksheet, that stage's regions (scope "stage") or every file of the
 * worksheet (scope "worksheet"). The files it replaces are backed up first.
 * Throws a ResetError, changing nothing, when a per-stage reset cannot find
 * the stage's regions in the learner's file.
 */
export function resetExercise(root: string, c: Course, e: Exercise, scope: ResetScope = "stage", now = new Date()): ResetResult {
  const folder = exerciseFolder(e);
  const plan = resetPlan(root, c, e, scope);
  const kept = backup(root, folder, plan.map(([f]) => f), now);
  for (const [f, data] of plan) {
    mkdirSync(dirname(join(root, "exercises", folder, f)), { recursive: true });
    writeAtomic(join(root, "exercises", folder, f), data);
  }
  return { files: plan.map(([f]) => `exercises/${folder}/${f}`), backup: kept };
}

/** Restores the newest backup of `e`'s folder; the files it replaces are backed up first. */
export function undoReset(root: string, e: Exercise, now = new Date()): string | null {
  const folder = exerciseFolder(e);
  const dir = backupRoot(root, folder);
  if (!existsSync(dir)) return null;
  const newest = readdirSync(dir).sort().at(-1);
  if (!newest) return null;
  const from = join(dir, newest);
  const files = readdirSync(from, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(from, join(d.parentPath, d.name)));
  const data = files.map((f) => [f, readFileSync(join(from, f))] as const);
  backup(root, folder, files, now);
  for (const [f, d] of data) {
    mkdirSync(dirname(join(root, "exercises", folder, f)), { recursive: true });
    writeAtomic(join(root, "exercises", folder, f), d);
  }
  return relative(root, from);
}

export const writeAtomic: (file: string, data: Buffer) => void = writeFileAtomic;
