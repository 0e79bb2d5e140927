// Type errors in the learner's files, found with the TypeScript compiler API
// on just those files (plus what they may import), using the project's
// tsconfig.
//
// Why only when an exercise does not pass, and as advice rather than a gate:
// tsx runs code that does not type-check, and a learner mid-way through an
// exercise often has a half-typed helper that is never reached; refusing to
// grade would hide the feedback they need. But when a scenario fails or the
// code cannot run, a type error is the likeliest cause (a misspelt field is
// `undefined` at run time), so the grader shows the type errors first.
//
// The learner's files are untrusted input to the compiler: it runs in a
// worker (typecheckWorker.mjs) whose compiler host opens only the exercise's
// folder, the standard library and what `faultline/sim` brings (so no type
// error can print an answer's types or any other file's), with a heap limit
// and a time limit (so a type that explodes cannot take the grader with it).
// When a limit is hit there are no hints, and the verdict stands.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

/** The .ts files of one exercise folder (e.g. <target>/raft). */
export function learnerFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.tsx?$/.test(d.name) && !d.name.endsWith(".d.ts"))
    .map((d) => join(d.parentPath, d.name));
}

/** How long one check may take (the first also loads the compiler and the standard library: about 2 s here). */
export const TYPECHECK_TIMEOUT_MS = 20_000;
/** The worker's heap: a real exercise needs about 150 MB. */
const TYPECHECK_HEAP_MB = 768;

interface Job {
  worker: Worker;
  resolve: (errors: string[]) => void;
  timer: NodeJS.Timeout;
}

let worker: Worker | null = null;
const jobs = new Map<number, Job>();
let nextId = 1;

/** The worker goes, and every check waiting on it ends with no hints (a new worker starts for the next check). */
function stop(w: Worker): void {
  if (worker === w) worker = null;
  void w.terminate();
  for (const [id, job] of jobs) {
    if (job.worker !== w) continue;
    clearTimeout(job.timer);
    job.resolve([]);
    jobs.delete(id);
  }
}

function checker(root: string): Worker {
  if (worker) return worker;
  // From the project root, not import.meta.url: the CLI and the sandbox's child run from bundles elsewhere.
  const w = new Worker(join(root, "runner", "grade", "typecheckWorker.mjs"), { resourceLimits: { maxOldGenerationSizeMb: TYPECHECK_HEAP_MB } });
  w.on("message", (m: { id: number; errors: string[] }) => {
    const job = jobs.get(m.id);
    if (!job) return;
    jobs.delete(m.id);
    clearTimeout(job.timer);
    job.resolve(m.errors);
  });
  // Out of memory (ERR_WORKER_OUT_OF_MEMORY), or any other end.
  w.on("error", () => stop(w));
  w.on("exit", () => stop(w));
  // An idle checker does not keep the process alive (unref after the listeners: adding one refs the worker again).
  w.unref();
  worker = w;
  return w;
}

/**
 * "file:line:col message" for each type error in `files` (at most `max`),
 * the files of the exercise folder `folder`; none when the check runs out of
 * time (`timeoutMs`) or memory.
 */
export function typeErrors(root: string, folder: string, files: readonly string[], { max = 8, timeoutMs = TYPECHECK_TIMEOUT_MS }: { max?: number; timeoutMs?: number } = {}): Promise<string[]> {
  if (files.length === 0) return Promise.resolve([]);
  let w: Worker;
  try {
    w = checker(root);
  } catch {
    return Promise.resolve([]); // no worker here: no hints, no harm
  }
  const id = nextId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => stop(w), timeoutMs);
    jobs.set(id, { worker: w, resolve, timer });
    w.postMessage({ id, root, folder, files: [...files], max });
  });
}
