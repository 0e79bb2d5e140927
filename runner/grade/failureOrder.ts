// Which failure to show first when several scenarios fail. The learner reads
// one counterexample closely, so lead with the one that explains the bug
// best: code that threw (it names the line), then a counterexample found by
// exhaustive search or by checking a law directly (short and complete), then
// the shortest story — the fewest fault operations after shrinking, then the
// fewest events; a scenario that only reached a todo() comes last. Ties keep
// the suite's order. Pure.

import type { ScenarioResult } from "./grade.ts";

type Failing = ScenarioResult & { failure: NonNullable<ScenarioResult["failure"]> };

function scheduleLength(s: unknown): number {
  return Array.isArray(s) ? s.length : 0;
}

function rank(sc: Failing): [number, number, number] {
  const f = sc.failure;
  const kind = sc.status === "error" ? 0 : sc.status === "not-started" ? 3 : f.evidence ? 1 : 2;
  return [kind, scheduleLength(f.minimizedSchedule), f.events ?? Number.POSITIVE_INFINITY];
}

/** The failing scenarios, the one to show first in front. */
export function failuresInOrder(scenarios: readonly ScenarioResult[]): Failing[] {
  const failing = scenarios.filter((s): s is Failing => s.failure !== null && s.status !== "pass");
  return failing
    .map((sc, i) => ({ sc, i, r: rank(sc) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.r[2] - b.r[2] || a.i - b.i)
    .map((x) => x.sc);
}
