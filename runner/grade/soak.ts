// npm run soak [-- --seeds N --jobs J --twice] [id…]
//
// Runs every generative scenario of every suite against solutions/ for N
// seeds (default 1000), spread over J workers, and prints runs, failures and
// seconds per exercise, ending with `soak: R runs, F failures`. With --twice
// every case runs twice and the two trace hashes must match (the determinism
// audit). Zero failures is required: a failure here is a bug in a suite.

import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { exercisesInOrder, loadCourse } from "../course/course.ts";
import { formatFailure } from "./format.ts";
import { Grader, ROOT, type GradeProgress } from "./grade.ts";
import { JobProgress } from "../jobProgress.ts";
import { colorEnabled, makeStyler } from "./style.ts";

const s = makeStyler(colorEnabled());

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: { seeds: { type: "string", default: "1000" }, jobs: { type: "string" }, twice: { type: "boolean", default: false }, seed: { type: "string", default: "1" } },
  allowPositionals: true,
});

const seeds = Number(values.seeds);
const jobs = values.jobs ? Number(values.jobs) : availableParallelism();
if (!Number.isInteger(seeds) || seeds < 1 || !Number.isInteger(jobs) || jobs < 1) {
  process.stderr.write("usage: npm run soak -- [--seeds N] [--jobs J] [--twice] [--seed S] [id…]\n");
  process.exit(2);
}
const all = exercisesInOrder(loadCourse(ROOT)).map((e) => e.id);
const ids = positionals.length ? positionals : all;
for (const id of ids)
  if (!all.includes(id)) {
    process.stderr.write(`There is no exercise "${id}". Exercises: ${all.join(", ")}.\n`);
    process.exit(2);
  }

console.log(`soak: ${ids.length} exercises × every generative scenario × ${seeds} seeds${values.twice ? ", each run twice (determinism audit)" : ""}, ${jobs} workers`);
const grader = await Grader.open(ROOT, { workers: jobs });
// On a terminal, a live line (exercises done, those running, time); piped, the lines below say it all.
const progress = new JobProgress("soak", ids.length, { plain: "none" });
const running = new Set<string>();
const onProgress = (e: GradeProgress) => {
  if (e.phase === "start") running.add(e.id);
  else running.delete(e.id);
  if (e.phase === "end") progress.step();
  progress.start([...running].join(", "));
};
const log = (line: string) => progress.around(() => console.log(line));
let runs = 0;
let failures = 0;
try {
  // Each exercise is one suite file, and vitest runs files in parallel: so
  // exercises go to the workers in batches of `jobs`.
  for (let i = 0; i < ids.length; i += jobs) {
    const batch = ids.slice(i, i + jobs);
    const started = performance.now();
    const report = await grader.run({ ids: batch, target: "solutions", runs: seeds, seed: Number(values.seed), onlyGenerative: true, twice: values.twice, onProgress });
    const seconds = (performance.now() - started) / 1000;
    for (const ex of report.exercises) {
      const exRuns = ex.scenarios.reduce((n, sc) => n + sc.runs, 0);
      const exFails = ex.scenarios.filter((sc) => sc.status !== "pass").length + (ex.error ? 1 : 0);
      runs += exRuns;
      failures += exFails;
      const line = `${ex.id.padEnd(20)} ${String(ex.scenarios.length).padStart(3)} scenarios ${String(exRuns).padStart(8)} runs ${String(exFails).padStart(3)} failures ${(ex.durationMs / 1000).toFixed(1).padStart(7)} s`;
      log(exFails ? s.bad(line) : line);
      if (ex.error) log(s.bad(`  ${ex.error}`));
      for (const sc of ex.scenarios.filter((x) => x.failure)) log(formatFailure(sc, s));
    }
    if (batch.length > 1) log(s.dim(`  (batch of ${batch.length} in ${seconds.toFixed(1)} s)`));
  }
} finally {
  progress.finish();
  await grader.close();
}
console.log(`\nsoak: ${runs} runs, ${failures} failures`);
process.exitCode = failures === 0 ? 0 : 1;
