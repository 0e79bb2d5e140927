// Exhaustive search inside a scenario: explore every interleaving of a small
// cluster of the learner's nodes (sim/exploreCluster.ts) against properties
// stated like any other scenario's, report how far the search went, and turn
// a violation into the shortest sequence of events that reaches it
// (harness/exhaustive.ts).

import { exploreCluster, type ClusterExploreOptions, type ClusterExploreReport, type ClusterView } from "../../sim/exploreCluster.ts";
import type { Lab } from "../harness/exercise.ts";
import { expectExplorationSafe } from "../harness/exhaustive.ts";

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
  const report = explored.get(key) ?? exploreCluster({ ...opts, invariants: [{ name: "safety", check: (v) => check(v) ?? true }] });
  explored.set(key, report);
  expectExplorationSafe(lab, report);
}
