// Suite for `fd-adaptive`: an eventually perfect detector (◇P) under partial
// synchrony. Before a stabilisation time (GST) the learner is not told, delays
// grow without bound and messages are lost; after it, delays are bounded by a
// bound the learner is not told either. Graded on strong completeness and
// eventual strong accuracy, across pauses and restarts before GST.

import { expectEventualAccuracy, expectStrongCompleteness } from "../check/qos.ts";
import { expectThat } from "../check/violation.ts";
import { scheduleArb, type Cluster, type FaultOp, type MessageRule, type Schedule } from "../sim/index.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import { judge } from "./fd/support.ts";
import type * as Adaptive from "../../exercises/fd-adaptive/adaptive.ts";

const ex = await exercise<typeof Adaptive>("fd-adaptive", "adaptive.ts");
const { createDetector } = ex.impl;

/** The delay bound after GST: more than the initial timeout allows for, unknown to the learner. */
const BOUND_AFTER_GST = 450;
/** How long after GST the detector may still be learning. */
const SETTLE_MS = 5000;
/** "Eventually" made concrete: a crash after GST is suspected for good within this long. */
const COMPLETENESS_MS = 8000;

/** GST varies with the seed: 3000–5100 ms. */
const gstFor = (seed: number) => 3000 + (seed % 4) * 700;

/**
 * The network of a partially synchronous system. Delays come in waves: fast,
 * then suddenly slow (so the gap between two heartbeats is as long as the
 * jump), with some jitter on top. Before GST each wave's slow half is slower
 * than the last (150 ms more every 500 ms: no bound) and 10% of messages are
 * lost; from GST on every slow half takes BOUND_AFTER_GST, once a second.
 * Waves, rather than random delays, make the worst case happen often, so a
 * detector that has not learnt the bound is caught out quickly.
 */
function partialSynchrony(gst: number, now: () => number): { schedule: Schedule; messageRule: MessageRule } {
  const delayAt = (t: number): number => {
    if (t < gst) return t % 500 < 250 ? 1 : 150 * (Math.floor(t / 500) + 1);
    return (t - gst) % 1000 < 500 ? 1 : BOUND_AFTER_GST;
  };
  return {
    schedule: [
      { at: 0, op: "network", drop: 0.1 },
      { at: gst, op: "network", drop: 0 },
    ],
    messageRule: () => {
      const d = delayAt(now());
      return { delayMs: [d, d + 20] };
    },
  };
}

/** A cluster on the partially synchronous network, with extra faults. */
function partiallySynchronousCluster(lab: Lab, n: number, gst: number, faults: readonly FaultOp[]): Cluster {
  let sim: Cluster | undefined;
  const net = partialSynchrony(gst, () => sim!.now);
  sim = lab.cluster({ n, create: createDetector, messageRule: net.messageRule, schedule: [...net.schedule, ...faults] });
  return sim;
}

ex.scripted("after stabilisation, eventually no live node is suspected; a node that crashes after it is suspected for good", { runs: 6 }, (lab) => {
  const gst = gstFor(lab.seed);
  const sim = partiallySynchronousCluster(lab, 4, gst, [{ at: gst + 2000, op: "crash", node: "n4" }]);
  sim.runUntil(gst + 12_000);
  const { analysis } = judge(lab, sim);
  expectStrongCompleteness(analysis, COMPLETENESS_MS);
  expectEventualAccuracy(analysis, gst + SETTLE_MS, (n) => sim.isUp(n), gst);
});

ex.scripted("a node that crashes and restarts before stabilisation is trusted again afterwards", { runs: 4 }, (lab) => {
  const gst = gstFor(lab.seed);
  const sim = partiallySynchronousCluster(lab, 4, gst, [
    { at: 1000, op: "crash", node: "n2" },
    { at: gst - 500, op: "restart", node: "n2" },
  ]);
  sim.runUntil(gst + 10_000);
  const { analysis } = judge(lab, sim);
  expectEventualAccuracy(analysis, gst + SETTLE_MS, (n) => sim.isUp(n), gst);
  const heard = analysis.detections.filter((d) => d.target === "n2" && d.detectedAt === null && d.until - d.from >= 2000);
  expectThat(heard.length === 0, "strong completeness: a crashed node is suspected while it is down", () => heard.map((d) => `${d.monitor} never suspected n2 while it was down (t=${d.crashedAt}–${d.until} ms)`).join("; "));
});

ex.scripted("a node that crashes and restarts after stabilisation is trusted again within a second (its seq starts from 1 again)", { runs: 3 }, (lab) => {
  const gst = gstFor(lab.seed);
  const restart = gst + 7000;
  const sim = partiallySynchronousCluster(lab, 4, gst, [
    { at: gst + 6000, op: "crash", node: "n2" },
    { at: restart, op: "restart", node: "n2" },
  ]);
  sim.runUntil(restart + 6000);
  const { analysis } = judge(lab, sim);
  // Delays are at most BOUND_AFTER_GST + 20 ms now, so n2's first heartbeats arrive well within a second.
  const held = analysis.mistakes.filter((m) => m.target === "n2" && (m.end === null || m.end > restart + 1000));
  expectThat(held.length === 0, "a restarted node is trusted again as soon as its heartbeats arrive", () => held.map((m) => `${m.monitor} suspected n2 from t=${m.start} ms ${m.end === null ? "to the end of the run" : `until t=${m.end} ms`}, although n2 restarted at t=${restart} ms`).join("; "), restart);
});

ex.scripted("a node behind a slow link (its messages sometimes take 1.5 s) is eventually trusted for good", { runs: 3 }, (lab) => {
  // One node behind a slow link for the whole run: the bound is large, but it exists.
  let sim: Cluster | undefined;
  const slow = () => (sim!.now % 2000 < 1000 ? 1 : 1500);
  sim = lab.cluster({ n: 3, create: createDetector, messageRule: (from, to) => (from === "n3" || to === "n3" ? { delayMs: [slow(), slow() + 20] } : undefined) });
  sim.runUntil(20_000);
  const { analysis } = judge(lab, sim);
  expectEventualAccuracy(analysis, 12_000, (n) => sim.isUp(n), 0);
});

ex.generative(
  "across crashes, restarts and pauses before stabilisation: crashed nodes are suspected for good, live ones eventually trusted",
  { runs: 30, schedule: scheduleArb({ nodes: ["n1", "n2", "n3", "n4"], durationMs: 3000, kinds: ["crash", "restart", "pause", "resume"], maxOps: 8 }) },
  (lab, schedule) => {
    const gst = gstFor(lab.seed);
    // At GST every fault ends (paused nodes resume, crashed ones restart); then n5 crashes for good.
    const ends: FaultOp[] = ["n1", "n2", "n3", "n4"].flatMap((n): FaultOp[] => [
      { at: gst, op: "resume", node: n },
      { at: gst, op: "restart", node: n },
    ]);
    const sim = partiallySynchronousCluster(lab, 5, gst, [...schedule, ...ends, { at: gst + 2000, op: "crash", node: "n5" }]);
    sim.runUntil(gst + 12_000);
    const { analysis } = judge(lab, sim);
    expectStrongCompleteness(analysis, COMPLETENESS_MS);
    expectEventualAccuracy(analysis, gst + SETTLE_MS, (n) => sim.isUp(n), gst);
  },
);
