// Where the implementation under test lives. Kept free of vitest imports so
// the grader (outside the test workers) can use it too.

import { isAbsolute, join, resolve } from "node:path";

/** "exercises" and "solutions" are the project's own folders; anything else is a directory path. */
export function resolveTarget(root: string, arg: string): string {
  if (arg === "exercises" || arg === "solutions") return join(root, arg);
  return isAbsolute(arg) ? arg : resolve(process.cwd(), arg);
}

/**
 * Marks an error thrown while loading the learner's module whose message is
 * already written for the learner: the grader shows it as it is.
 */
export const LOAD_ERROR_MARK = "[faultline] ";
