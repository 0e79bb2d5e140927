// For the project's own tests, which must never read or write a learner's
// work: the environment of a faultline process they start against this
// checkout (its progress, traces and backups go to a fresh temporary
// directory, course/state.ts), and the course's files as committed.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: "1", FAULTLINE_STATE_DIR: mkdtempSync(join(tmpdir(), "faultline-state-")), ...extra };
}

/**
 * A course file as committed (`exercises/raft/raft.ts` at HEAD), for tests
 * that compare with the shipped stubs: the working tree may hold a learner's
 * edits. Outside a git checkout, the file as it is.
 */
export function committedStub(root: string, path: string): string {
  try {
    return execFileSync("git", ["show", `HEAD:${path}`], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return readFileSync(join(root, path), "utf8");
  }
}
