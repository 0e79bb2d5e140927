// The Raft track's performance figure (DESIGN §9): every scenario of all five
// stages at grading defaults (each scenario's own runs and seed window: the
// seed policy in runner/suites/support/raftGenerative.ts), against the
// reference solution. `npm run bench` prints it as raft-track-ms (budget:
// 30,000 ms on a 2-core machine).

import { grade } from "../grade/grade.ts";

export const RAFT_TRACK = ["raft-election", "raft-log", "raft-persist", "raft-snapshot", "raft-kv"] as const;
export const RAFT_TRACK_BUDGET_MS = 30_000;

/** Grades the whole track at its defaults (runs = 0) against solutions/; returns wall-clock ms. Throws if the reference fails. */
export async function raftTrackMs(runs = 0): Promise<number> {
  const started = performance.now();
  const report = await grade({ ids: RAFT_TRACK, target: "solutions", runs });
  const ms = Math.round(performance.now() - started);
  if (!report.passed) {
    const bad = report.exercises.flatMap((e) => e.scenarios.filter((s) => s.status !== "pass").map((s) => `${e.id}: ${s.name}`));
    throw new Error(`the reference solution failed the Raft track with runs=${runs}: ${bad.join("; ") || report.exercises.map((e) => `${e.id} ${e.status}`).join(", ")}`);
  }
  return ms;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ms = await raftTrackMs(Number(process.argv[2] ?? 0));
  process.stdout.write(`raft-track-ms: ${ms}\n`);
}
