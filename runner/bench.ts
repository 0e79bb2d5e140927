// npm run bench: performance figures as `name: value` lines, then how each
// compares with its budget (DESIGN §9). Measured here, never asserted in
// tests: these machines are shared and noisy.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { grade, ROOT } from "./grade/grade.ts";
import { measureThroughputIsolated, median, THROUGHPUT_BUDGET } from "./bench/throughput.ts";
import { EXERCISE_BUDGET_MS, exerciseTimes } from "./bench/exercises.ts";
import { benchLincheckKv, LINCHECK_ETCD_BUDGET_MS, LINCHECK_KV_BUDGET_MB, LINCHECK_KV_BUDGET_MS } from "./bench/lincheck.ts";

const lines: string[] = [];
const budgets: string[] = [];
const emit = (name: string, value: number, digits = 0) => {
  const line = `${name}: ${value.toFixed(digits)}`;
  lines.push(line);
  console.log(line);
};
const budget = (name: string, ok: boolean, text: string) => budgets.push(`# ${ok ? "ok  " : "OVER"} ${name} ${text}`);

async function optional(file: string, name: string, fn: string, target: number | null): Promise<void> {
  const path = join(ROOT, "runner", "bench", file);
  if (!existsSync(path)) return;
  try {
    const mod = (await import(pathToFileURL(path).href)) as Record<string, () => Promise<number | Record<string, number> | null>>;
    const v = await mod[fn]!();
    if (v === null) console.log(`# ${name}: skipped (its input data is not here)`);
    else if (typeof v === "number") {
      emit(name, v);
      if (target !== null) budget(name, v <= target, `${Math.round(v)} ≤ ${target}`);
    } else
      for (const [k, x] of Object.entries(v)) {
        emit(k, x);
      }
  } catch (e) {
    console.log(`# ${name}: could not measure: ${(e as Error).message}`);
  }
}

async function main(): Promise<void> {
  // Simulator and bare loop in the same process, in each of three fresh processes (see throughput.ts).
  const tp = measureThroughputIsolated(3);
  emit("sim-events-per-sec", tp.simEventsPerSec);
  emit("bare-heap-events-per-sec", tp.bareEventsPerSec);
  emit("sim-throughput-ratio", tp.ratio, 3);
  emit("node-start-us", tp.nodeStartUs, 1);
  budget("sim-throughput-ratio", tp.ratio >= THROUGHPUT_BUDGET, `${tp.ratio.toFixed(3)} ≥ ${THROUGHPUT_BUDGET} (median of 3 processes: ${tp.processes.map((r) => r.toFixed(3)).join(", ")}; each the median of its 7 paired rounds)`);

  const gradeTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const r = await grade({ ids: ["echo"], target: "solutions" });
    gradeTimes.push(performance.now() - started);
    if (!r.passed) console.log("# grade-echo: the reference solution did not pass!");
  }
  emit("grade-echo-ms", median(gradeTimes));

  try {
    const { times } = await exerciseTimes();
    const slowest = times[0]!;
    emit("grade-slowest-exercise-ms", slowest.ms);
    budget("grade-slowest-exercise-ms", slowest.ms <= EXERCISE_BUDGET_MS, `${slowest.ms} ≤ ${EXERCISE_BUDGET_MS} (${slowest.id}; then ${times.slice(1, 4).map((t) => `${t.id} ${t.ms}`).join(", ")}; every exercise outside the Raft track, graded alone)`);
  } catch (e) {
    console.log(`# grade-slowest-exercise-ms: could not measure: ${(e as Error).message}`);
  }

  await optional("tui.ts", "tui-first-frame-ms", "benchTuiFirstFrame", 500);
  await optional("tui.ts", "watch-regrade-ms", "benchWatchRegrade", 1500);
  await optional("tui.ts", "watch-raft-fail-ms", "benchWatchRaftFail", 3000);
  await optional("lincheck.ts", "lincheck-etcd-ms", "benchLincheckEtcd", LINCHECK_ETCD_BUDGET_MS);
  try {
    const kv = await benchLincheckKv();
    for (const [k, v] of Object.entries(kv)) emit(k, v);
    budget("lincheck-kv-ms", kv["lincheck-kv-ms"] <= LINCHECK_KV_BUDGET_MS, `${Math.round(kv["lincheck-kv-ms"])} ≤ ${LINCHECK_KV_BUDGET_MS} (a generated c50-shaped history: linearizable ${Math.round(kv["lincheck-kv-ok-ms"])} ms, with a stale read ${Math.round(kv["lincheck-kv-bad-ms"])} ms)`);
    budget("lincheck-kv-peak-mb", kv["lincheck-kv-peak-mb"] <= LINCHECK_KV_BUDGET_MB, `${Math.round(kv["lincheck-kv-peak-mb"])} ≤ ${LINCHECK_KV_BUDGET_MB} (peak resident memory of a process checking both)`);
  } catch (e) {
    console.log(`# lincheck-kv-ms: could not measure: ${(e as Error).message}`);
  }
  await optional("raft.ts", "raft-track-ms", "raftTrackMs", 30_000);

  console.log("");
  for (const b of budgets) console.log(b);
}

await main();
