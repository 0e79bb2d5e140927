// For the project's own tests: a temporary directory, removed afterwards, in
// which this test file's faultline state (FAULTLINE_STATE_DIR: progress, the
// notebook) lives, so that a test never reads or writes a learner's own.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/** A fresh temporary directory; FAULTLINE_STATE_DIR points at <it>/state until the file's tests end. */
export function tempStateDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `faultline-${name}-`));
  const prev = process.env["FAULTLINE_STATE_DIR"];
  process.env["FAULTLINE_STATE_DIR"] = join(dir, "state");
  afterAll(() => {
    if (prev === undefined) delete process.env["FAULTLINE_STATE_DIR"];
    else process.env["FAULTLINE_STATE_DIR"] = prev;
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
