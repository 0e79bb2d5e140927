// Exhaustive search inside a scenario: explore every interleaving of a small
// cluster of the learner's nodes (sim/exploreCluster.ts) against properties
// stated like any other scenario's, report how far the search went, and turn
// a violation into the shortest sequence of events that reaches it.

import { expectThat } from "../../check/violation.ts";
import { describeExploration } from "../../sim/explore.ts";
import { exploreCluster, type ClusterExploreOptions, type ClusterExploreReport, type ClusterView } from "../../sim/exploreCluster.ts";
import { renderDiagram } from "../../sim/index.ts";
import type { Lab } from "../harness/exercise.ts";

/** A property of every reachable state: null when it holds, else the property in words and what happened. */
export type StateCheck = (v: ClusterView) => { property: string; details: string } | null;

export type ExpectEveryStateSafe = (lab: Lab, key: string, opts: Omit<ClusterExploreOptions, "invariants">, check: StateCheck) => void;

/**
 * A suite's searches. The returned function explores configuration `key` (or
 * reuses its exploration: the search does not depend on the seed, so it runs
 * once however many runs are asked for) and requires `check` to hold in every
 * state it reaches. Call this at the top of a suite, so the explorations live
 * and die with the suite's own module (and the code under test).
 */
export function exhaustiveSearches(): ExpectEveryStateSafe {
  const explored = new Map<string, ClusterExploreReport>();
  return (lab, key, opts, check) => expectSafeSearch(explored, lab, key, opts, check);
}

function expectSafeSearch(explored: Map<string, ClusterExploreReport>, lab: Lab, key: string, opts: Omit<ClusterExploreOptions, "invariants">, check: StateCheck): void {
  const report =
    explored.get(key) ??
    exploreCluster({
      ...opts,
      // The explorer's invariants speak in one string; the property and its details travel in it, split below.
      invariants: [{ name: "safety", check: (v) => { const bad = check(v); return bad ? JSON.stringify(bad) : true; } }],
    });
  explored.set(key, report);
  // The grade report says how far the search went, and whether it exhausted the space.
  lab.metrics({ states: report.distinct, depth: report.depth, exhausted: report.exhausted, search: describeExploration(report) });
  const v = report.violation;
  const bad = v ? (JSON.parse(v.details) as { property: string; details: string }) : null;
  expectThat(bad === null, bad?.property ?? "", () =>
    [
      `${bad!.details}.`,
      `Exhaustive search found it after ${describeExploration(report)}; the shortest sequence of events that leads there:`,
      ...report.steps!.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s}`),
      "",
      renderDiagram(report.trace!, { width: 80 }),
    ].join("\n"),
  );
}
