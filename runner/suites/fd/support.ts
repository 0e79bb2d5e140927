// Shared by the failure-detector suites (fd-heartbeat, fd-adaptive, fd-phi,
// fd-swim): read a finished run as a detector history, report its QoS
// (Chen, Toueg & Aguilera 2002) as the scenario's metrics, and hand the
// analysis to the properties in runner/check/qos.ts.

import { analyse, detectorHistory, formatQoS, qos, type DetectorAnalysis, type QoS } from "../../check/qos.ts";
import type { NodeId, Simulation } from "../../sim/index.ts";
import type { Lab } from "../harness/exercise.ts";

export interface Judged {
  analysis: DetectorAnalysis;
  qos: QoS;
}

/** Analyses a finished run and reports its QoS figures on the scenario (grade --json shows them as `metrics`). */
export function judge(lab: Lab, sim: Simulation, nodes?: readonly NodeId[]): Judged {
  const analysis = analyse(detectorHistory(sim, nodes));
  const q = qos(analysis);
  lab.metrics({ T_D_max_ms: q.T_D_max, T_D_mean_ms: q.T_D_mean, T_MR_ms: q.T_MR, T_M_ms: q.T_M, P_A: q.P_A, mistakes: q.mistakes, undetected: q.undetected, qos: formatQoS(q) });
  return { analysis, qos: q };
}

/** Messages a node sent per period of `periodMs` over `durationMs`. */
export function perPeriod(sent: number, durationMs: number, periodMs: number): number {
  return sent / (durationMs / periodMs);
}
