// How a notebook cell loads a learner's exercise code: exactly as the grader
// does (runner/learner/): compiled by real path (only `faultline/sim` and
// files of the exercise's own folder may be imported), evaluated in a
// hardened compartment of the cell's own child process, one module instance
// per node, every value handed back taken as data. The cell's time limit
// (cells.ts) bounds how long it may run.

import { join, relative } from "node:path";
import { bundleLearnerFiles } from "../learner/bundle.ts";
import { LearnerModule } from "../learner/compartment.ts";
import { hardenRealm } from "../learner/lockdown.ts";
import { membraneExports } from "../learner/membrane.ts";

export class LearnerCodeError extends Error {
  override name = "LearnerCodeError";
}

/** The learner's module `exercises/<folder>/<file>` (`path` is "<folder>/<file>"), compiled and loaded as graded code is. */
export async function loadLearnerModule(root: string, path: string): Promise<Record<string, unknown>> {
  const [folder, ...rest] = path.split("/");
  const dir = join(root, "exercises", folder!);
  const entry = join(dir, ...rest);
  const [b] = await bundleLearnerFiles({ root, folder: dir, entries: [entry], solutions: join(root, "solutions") });
  if (!b || !b.ok) throw new LearnerCodeError(b && !b.ok ? b.error : `could not compile ${path}`);
  hardenRealm();
  const mod = new LearnerModule(b, relative(root, entry));
  let first: Record<string, unknown>;
  try {
    first = mod.instantiate();
  } catch (e) {
    throw new LearnerCodeError(`exercises/${path} threw while loading: ${(e as Error)?.message ?? String(e)}`);
  }
  return membraneExports(mod, first);
}
