// For the project's own tests: the environment of a faultline process they
// start against this checkout. Its state (progress, traces, backups) goes to a
// fresh temporary directory (course/state.ts), so a test never reads or
// writes the learner's progress and traces, whatever it grades.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: "1", FAULTLINE_STATE_DIR: mkdtempSync(join(tmpdir(), "faultline-state-")), ...extra };
}
