// Where faultline keeps the learner's state: progress, the traces of failures,
// the backups reset and carry make. By default <root>/.faultline/ (git-ignored);
// FAULTLINE_STATE_DIR puts it elsewhere, which is how the project's own tests
// (npm test) grade and record without touching a learner's real progress.
//
// Scratch that must live inside the project (lesson cells and mutant copies
// import `faultline/...`, which resolves only from files inside the package)
// stays under <root>/.faultline/ whatever this says.

import { isAbsolute, join, relative, resolve } from "node:path";

export function stateDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env["FAULTLINE_STATE_DIR"];
  return dir ? resolve(root, dir) : join(root, ".faultline");
}

/** Failing runs' traces. */
export function traceDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(root, env), "traces");
}

/** A path as the learner should see it: relative to the project when inside it, else absolute. */
export function shownPath(root: string, p: string): string {
  const abs = resolve(root, p);
  const rel = relative(root, abs);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
}
