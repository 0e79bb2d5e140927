// How a suite reports an exhaustive search (runner/sim/exploreCluster.ts):
// the grade report says how far the search went and whether it exhausted the
// space; a violation fails the scenario with the property in words, the
// shortest sequence of events that leads there, and its diagram.

import { expectThat } from "../../check/violation.ts";
import { describeExploration, renderDiagram, type ClusterExploreReport } from "../../sim/index.ts";
import type { Lab } from "./exercise.ts";

export function expectExplorationSafe(lab: Lab, report: ClusterExploreReport): void {
  lab.metrics({ states: report.distinct, depth: report.depth, exhausted: report.exhausted, search: describeExploration(report) });
  const v = report.violation;
  expectThat(v === null, v?.property ?? "", () =>
    [
      `${v!.details}.`,
      `Exhaustive search found it after ${describeExploration(report)}; the shortest sequence of events that leads there:`,
      ...report.steps!.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s}`),
      "",
      renderDiagram(report.trace!, { width: 80 }),
    ].join("\n"),
  );
}
