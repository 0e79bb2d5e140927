// The grading-time budget for single exercises (issue 17, DESIGN §9): `grade`
// of any one exercise outside the Raft track (which has its own figure,
// raft-track-ms) takes at most 5 s on a 2-core machine. Measured as
// grade-echo-ms is: one in-process grade() per exercise against solutions/
// at its defaults, from opening vitest to closing it (the CLI's own start,
// about a second more, is the same for every exercise).

import { grade, ROOT } from "../grade/grade.ts";
import { loadCourse } from "../course/course.ts";
import { RAFT_TRACK } from "./raft.ts";

export const EXERCISE_BUDGET_MS = 5_000;

export interface ExerciseTimes {
  /** Every exercise measured, slowest first. */
  times: { id: string; ms: number }[];
}

/** Grades each non-Raft exercise once, alone; throws if a reference solution fails. */
export async function exerciseTimes(): Promise<ExerciseTimes> {
  const raft = new Set<string>(RAFT_TRACK);
  const times: { id: string; ms: number }[] = [];
  for (const { id } of loadCourse(ROOT).exercises) {
    if (raft.has(id)) continue;
    const started = performance.now();
    const report = await grade({ ids: [id], target: "solutions" });
    times.push({ id, ms: Math.round(performance.now() - started) });
    if (!report.passed) throw new Error(`the reference solution of ${id} did not pass`);
  }
  return { times: times.sort((a, b) => b.ms - a.ms) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const t of (await exerciseTimes()).times) process.stdout.write(`${t.id}: ${t.ms}\n`);
}
