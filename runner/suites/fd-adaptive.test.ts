// Suite for `fd-adaptive`: an eventually perfect detector (◇P) under partial
// synchrony. First the rules, one at a time, against puppet peers: those of
// every heartbeat detector (fd/heartbeatRules.ts) and ◇P's own — each mistake
// lengthens that peer's timeout, what was learnt is kept, and on a link far
// slower than the first guess the mistakes stop. Then clusters: before a
// stabilisation time (GST) the learner is not told, delays grow without bound
// and messages are lost; after it, delays are bounded by a bound the learner
// is not told either. Graded on strong completeness and eventual strong
// accuracy, across pauses, restarts and a healed partition.

import { expectEventualAccuracy, expectStrongCompleteness } from "../check/qos.ts";
import { expectThat } from "../check/violation.ts";
import { scheduleArb, type Cluster, type FaultOp, type MessageRule, type NodeId, type Schedule } from "../sim/index.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import { heartbeatRules, type Out } from "./fd/heartbeatRules.ts";
import { clusterScenarios } from "./fd/scenarios.ts";
import { Observer, RUNS, SUSPECTS } from "./fd/support.ts";
import { PuppetRig } from "./support/puppet.ts";
import type * as Adaptive from "../../exercises/fd-adaptive/adaptive.ts";

const ex = await exercise<typeof Adaptive>("fd-adaptive", "adaptive.ts");
const { createDetector } = ex.impl;

// The exercise's published contract (the stub's constants).
const HEARTBEAT_MS = 100;
const INITIAL_TIMEOUT_MS = 200;
/** After a few mistakes a peer's timeout may have grown well past the initial guess. */
const REDETECTION_MS = 2500;

heartbeatRules(ex, {
  create: createDetector,
  periodMs: HEARTBEAT_MS,
  heartbeat: (seq) => ({ type: "heartbeat", seq }),
  carriesSeq: true,
  patienceMs: INITIAL_TIMEOUT_MS,
  detectionMs: INITIAL_TIMEOUT_MS + HEARTBEAT_MS + 10,
  redetectionMs: REDETECTION_MS,
  quietGapMs: INITIAL_TIMEOUT_MS - 20,
});

clusterScenarios(ex, { create: createDetector, network: { delayMs: [1, 10] }, withdrawMs: HEARTBEAT_MS + 20, crashDetectionMs: REDETECTION_MS });

type Msg = Adaptive.AdaptiveMsg;
const hb = (seq: number): Msg => ({ type: "heartbeat", seq });
const SUBJECT = "zoe";
const DELAY = 5;

/** zoe watches alice (the peer the story is about) and two peers that heartbeat every period. Long stories ask zoe less often. */
function adaptiveRig(lab: Lab, until: number, askEveryMs = 50): { r: PuppetRig<Msg>; o: Observer } {
  const r = new PuppetRig<Msg>(lab, SUBJECT, createDetector, ["alice", "n12", "n7"]);
  for (const p of ["n12", "n7"]) r.every(p, 0, HEARTBEAT_MS, until, hb);
  return { r, o: new Observer(lab, r.sim, SUSPECTS, [SUBJECT], askEveryMs) };
}

const suspicionsOf = (r: PuppetRig<Msg>, p: NodeId, after = -1) => r.outputs<Out>().filter((o) => o.value.node === p && o.value.type === "suspect" && o.t > after);
const timeoutFor = (r: PuppetRig<Msg>, p: NodeId) => r.sim.call(SUBJECT, "timeoutFor", (d: Adaptive.Detector) => d.timeoutFor(p));

ex.scripted("◇P: each wrong suspicion lengthens that peer's timeout — and only that peer's — and timeoutFor() is the silence after which it is suspected", { runs: RUNS.rule }, (lab) => {
  const { r, o } = adaptiveRig(lab, 60_000);
  // alice is silent until suspected, then sends one heartbeat (a mistake found), and again, six times.
  const silences: { heard: number; suspected: number; timeout: number }[] = [];
  let heard = 0;
  let timeout = timeoutFor(r, "alice");
  for (let k = 1; k <= 6; k++) {
    const ok = r.sim.runUntilTrue(() => suspicionsOf(r, "alice", heard).length > 0, 30_000);
    expectThat(ok, "a silent peer is suspected once its timeout has passed", () => `alice sent nothing after t=${heard} ms and was not suspected within 30 s (timeoutFor(alice) said ${timeout} ms)`, r.sim.now);
    const suspected = suspicionsOf(r, "alice", heard)[0]!.t;
    silences.push({ heard, suspected, timeout });
    r.sim.runUntil(suspected + 50);
    r.say("alice", hb(k));
    heard = r.sim.now + DELAY;
    r.sim.runUntil(heard + 1);
    timeout = timeoutFor(r, "alice");
  }
  o.judge();
  for (const [k, s] of silences.entries()) {
    const waited = s.suspected - s.heard;
    expectThat(waited >= s.timeout && waited <= s.timeout + HEARTBEAT_MS + 10, "timeoutFor(peer) is the silence after which the peer is suspected", () => `timeoutFor(alice) said ${s.timeout} ms, and alice was suspected ${waited} ms after ${s.heard === 0 ? "zoe started" : `its heartbeat arrived at t=${s.heard} ms`}`, s.suspected);
    const prev = silences[k - 1];
    expectThat(prev === undefined || s.timeout > prev.timeout, "◇P: each wrong suspicion lengthens that peer's timeout", () => `alice's timeout was ${prev!.timeout} ms, zoe wrongly suspected alice, and the timeout was then ${s.timeout} ms`, s.heard);
  }
  for (const p of ["n12", "n7"]) {
    const t = timeoutFor(r, p);
    expectThat(t === INITIAL_TIMEOUT_MS && suspicionsOf(r, p).length === 0, "a mistake about one peer changes only that peer's timeout", () => `zoe made six mistakes about alice; timeoutFor(${p}) is now ${t} ms (it never wrongly suspected ${p})`, r.sim.now);
  }
});

ex.scripted("◇P eventual strong accuracy: on a link whose heartbeats come 2 s apart (10× the first guess), the mistakes stop", { runs: RUNS.rule }, (lab) => {
  const end = 200_000;
  const { r, o } = adaptiveRig(lab, end, 1000);
  r.every("alice", 0, 2000, end, hb);
  r.sim.runUntil(end);
  o.judge();
  const late = suspicionsOf(r, "alice", end - 60_000);
  const all = suspicionsOf(r, "alice");
  expectThat(late.length === 0, "◇P: once delays are bounded (even far above the first guess), the detector makes only finitely many mistakes", () => `alice's heartbeats came every 2000 ms for ${end / 1000} s; zoe wrongly suspected it ${all.length} times, the last at t=${late.at(-1)!.t} ms`, late[0]?.t);
});

ex.scripted("◇P: what was learnt is kept — a peer once slow for 700 ms is not suspected for the same gap after a minute of quick heartbeats", { runs: RUNS.rule }, (lab) => {
  const { r, o } = adaptiveRig(lab, 70_000, 500);
  // alice: four gaps of 700 ms (zoe learns), a minute of heartbeats every period, then 700 ms again.
  let t = 0;
  for (let i = 0; i < 4; i++) r.sayAt((t += 700), "alice", hb(i + 1));
  const quickFrom = t + HEARTBEAT_MS;
  r.every("alice", quickFrom, HEARTBEAT_MS, quickFrom + 60_000, (k) => hb(k + 4));
  const lastQuick = quickFrom + 60_000 - HEARTBEAT_MS;
  r.sayAt(lastQuick + 700, "alice", hb(1000));
  r.sim.runUntil(lastQuick + 1000);
  o.judge();
  const learnt = suspicionsOf(r, "alice", quickFrom);
  expectThat(learnt.length === 0, "◇P: timeouts only grow; a detector that forgets what it learnt makes mistakes forever", () => `alice had been 700 ms late four times; after a minute of heartbeats every ${HEARTBEAT_MS} ms it was late by 700 ms again, and zoe suspected it at t=${learnt[0]!.t} ms (timeoutFor(alice) is now ${timeoutFor(r, "alice")} ms)`, learnt[0]?.t);
});

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

ex.scripted("after stabilisation, eventually no live node is suspected; a node that crashes after it is suspected for good", { runs: RUNS.story }, (lab) => {
  const gst = gstFor(lab.seed);
  const sim = partiallySynchronousCluster(lab, 4, gst, [{ at: gst + 2000, op: "crash", node: "n4" }]);
  const o = new Observer(lab, sim, SUSPECTS);
  sim.runUntil(gst + 12_000);
  const { analysis } = o.judge();
  expectStrongCompleteness(analysis, COMPLETENESS_MS);
  expectEventualAccuracy(analysis, gst + SETTLE_MS, (n) => sim.isUp(n), gst);
});

ex.scripted("a node that crashes and restarts before stabilisation is trusted again afterwards", { runs: RUNS.story }, (lab) => {
  const gst = gstFor(lab.seed);
  const sim = partiallySynchronousCluster(lab, 4, gst, [
    { at: 1000, op: "crash", node: "n2" },
    { at: gst - 500, op: "restart", node: "n2" },
  ]);
  const o = new Observer(lab, sim, SUSPECTS);
  sim.runUntil(gst + 10_000);
  const { analysis } = o.judge();
  expectEventualAccuracy(analysis, gst + SETTLE_MS, (n) => sim.isUp(n), gst);
  const heard = analysis.detections.filter((d) => d.target === "n2" && d.detectedAt === null && d.until - d.from >= 2000);
  expectThat(heard.length === 0, "strong completeness: a crashed node is suspected while it is down", () => heard.map((d) => `${d.monitor} never suspected n2 while it was down (t=${d.crashedAt}–${d.until} ms)`).join("; "));
});

ex.scripted("a node that crashes and restarts after stabilisation is trusted again within a second (its seq starts from 1 again)", { runs: RUNS.story }, (lab) => {
  const gst = gstFor(lab.seed);
  const restart = gst + 7000;
  const sim = partiallySynchronousCluster(lab, 4, gst, [
    { at: gst + 6000, op: "crash", node: "n2" },
    { at: restart, op: "restart", node: "n2" },
  ]);
  const o = new Observer(lab, sim, SUSPECTS);
  sim.runUntil(restart + 6000);
  const { analysis } = o.judge();
  // Delays are at most BOUND_AFTER_GST + 20 ms now, so n2's first heartbeats arrive well within a second.
  const held = analysis.mistakes.filter((m) => m.target === "n2" && (m.end === null || m.end > restart + 1000));
  expectThat(held.length === 0, "a restarted node is trusted again as soon as its heartbeats arrive", () => held.map((m) => `${m.monitor} suspected n2 from t=${m.start} ms ${m.end === null ? "to the end of the run" : `until t=${m.end} ms`}, although n2 restarted at t=${restart} ms`).join("; "), restart);
});

ex.scripted("a node behind a slow link (its messages sometimes take 1.5 s) is eventually trusted for good", { runs: RUNS.story }, (lab) => {
  // One node behind a slow link for the whole run: the bound is large, but it exists.
  let sim: Cluster | undefined;
  const slow = () => (sim!.now % 2000 < 1000 ? 1 : 1500);
  sim = lab.cluster({ n: 3, create: createDetector, messageRule: (from, to) => (from === "n3" || to === "n3" ? { delayMs: [slow(), slow() + 20] } : undefined) });
  const o = new Observer(lab, sim, SUSPECTS);
  sim.runUntil(20_000);
  const { analysis } = o.judge();
  expectEventualAccuracy(analysis, 12_000, (n) => sim.isUp(n), 0);
});

ex.generative(
  "across crashes, restarts and pauses before stabilisation: crashed nodes are suspected for good, live ones eventually trusted",
  { runs: RUNS.generative, schedule: scheduleArb({ nodes: ["n1", "n2", "n3", "n4"], durationMs: 3000, kinds: ["crash", "restart", "pause", "resume"], maxOps: 8 }) },
  (lab, schedule) => {
    const gst = gstFor(lab.seed);
    // At GST every fault ends (paused nodes resume, crashed ones restart); then n5 crashes for good.
    const ends: FaultOp[] = ["n1", "n2", "n3", "n4"].flatMap((n): FaultOp[] => [
      { at: gst, op: "resume", node: n },
      { at: gst, op: "restart", node: n },
    ]);
    const sim = partiallySynchronousCluster(lab, 5, gst, [...schedule, ...ends, { at: gst + 2000, op: "crash", node: "n5" }]);
    const o = new Observer(lab, sim, SUSPECTS);
    sim.runUntil(gst + 12_000);
    const { analysis } = o.judge();
    expectStrongCompleteness(analysis, COMPLETENESS_MS);
    expectEventualAccuracy(analysis, gst + SETTLE_MS, (n) => sim.isUp(n), gst);
  },
);
