// Where the implementation under test lives. Kept free of vitest imports so
// the grader (outside the test workers) can use it too.

import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/** "exercises" and "solutions" are the project's own folders; anything else is a directory path. */
export function resolveTarget(root: string, arg: string): string {
  if (arg === "exercises" || arg === "solutions") return join(root, arg);
  return isAbsolute(arg) ? arg : resolve(process.cwd(), arg);
}

/**
 * The folder under a target that exercise `id` grades: course.json's
 * `folder` (the Raft stages share "raft"), else the id itself. Read straight
 * from the manifest, which runner/course/course.ts validates: suites sit
 * below the course layer and do not load it.
 */
export function exerciseFolder(root: string, id: string): string {
  let exercises: { id?: unknown; folder?: unknown }[] = [];
  try {
    exercises = (JSON.parse(readFileSync(join(root, "course.json"), "utf8")) as { exercises?: typeof exercises }).exercises ?? [];
  } catch {
    // No readable manifest (a suite run on its own): every exercise has its own folder.
  }
  const folder = exercises.find((e) => e.id === id)?.folder;
  return typeof folder === "string" ? folder : id;
}
