// Suite for `fd-phi`: the φ accrual failure detector (Hayashibara, Défago,
// Yared & Katayama, "The φ Accrual Failure Detector", 2004). Part 1 checks the
// pure pieces against the test vectors published with Akka's implementation
// (PhiAccrualFailureDetectorSpec); part 2 drives the detector node rule by rule
// against puppet peers (fd/heartbeatRules.ts, and a heartbeat that lands just
// as φ crosses the threshold), then runs clusters with jittery heartbeats, GC
// pauses, crashes and a healed partition, and grades its QoS.

import { expectNoMistakes, expectStrongCompleteness, lifeEvents } from "../check/qos.ts";
import { expectThat } from "../check/violation.ts";
import { quiesce, scheduleArb } from "../sim/index.ts";
import { exercise } from "./harness/exercise.ts";
import { heartbeatRules, type Out } from "./fd/heartbeatRules.ts";
import { clusterScenarios } from "./fd/scenarios.ts";
import { Observer, RUNS, SUSPECTS } from "./fd/support.ts";
import { PuppetRig } from "./support/puppet.ts";
import type * as Phi from "../../exercises/fd-phi/phi.ts";

const ex = await exercise<typeof Phi>("fd-phi", "phi.ts");
const { phi, HeartbeatHistory, bootstrapHistory, PhiAccrual, createDetector } = ex.impl;

function near(actual: number, expected: number, tolerance: number, what: string): void {
  expectThat(Math.abs(actual - expected) <= tolerance, `${what} is ${expected} ± ${tolerance}`, () => `got ${actual}`);
}

const akkaDefaults = { threshold: 8, maxSampleSize: 1000, minStdDeviationMs: 10, acceptablePauseMs: 0, firstHeartbeatEstimateMs: 1000 };

// ---------------------------------------------------------------------------
// Part 1: the pure pieces.

ex.scripted("phi follows the normal distribution: with mean 0 and sd 10, 1 - 10^-phi is the normal CDF, and phi grows with elapsed time", { runs: RUNS.pure }, () => {
  const cdf: [number, number, number][] = [[0, 0.5, 0.001], [6, 0.7257, 0.001], [15, 0.9332, 0.001], [20, 0.97725, 0.001], [25, 0.99379, 0.001], [35, 0.99977, 0.001], [40, 0.99997, 0.0001]];
  for (const [x, p, tol] of cdf) near(1 - 10 ** -phi(x, 0, 10), p, tol, `1 - 10^-phi(${x}, 0, 10)`);
  let prev = -Infinity;
  for (let x = 0; x <= 40; x++) {
    const v = phi(x, 0, 10);
    expectThat(v > prev, "phi strictly increases with elapsed time", () => `phi(${x}, 0, 10) = ${v}, not above phi(${x - 1}, 0, 10) = ${prev}`);
    prev = v;
  }
});

ex.scripted("phi gives Akka's values for mean 1000 ms, sd 100 ms, far in the tail, and never -0", { runs: RUNS.pure }, () => {
  const vectors: [number, number][] = [[0, 0.0], [500, 0.1], [1000, 0.3], [1200, 1.6], [1400, 4.7], [1600, 10.8], [1700, 15.3]];
  for (const [x, want] of vectors) near(phi(x, 1000, 100), want, 0.1, `phi(${x}, 1000, 100)`);
  near(phi(10, 0, 1), 38, 1, "phi(10, 0, 1) (ten standard deviations late)");
  const early = phi(-25, 0, 1);
  expectThat(Object.is(early, 0), "phi(-25, 0, 1) is exactly 0 (a heartbeat that is early raises no suspicion; not -0, not NaN)", () => `got ${Object.is(early, -0) ? "-0" : String(early)}`);
});

ex.scripted("HeartbeatHistory keeps mean and variance of its window, forgetting the oldest interval when full", { runs: RUNS.pure }, () => {
  const h = new HeartbeatHistory(10);
  for (const x of [100, 200, 125, 340, 130]) h.add(x);
  expectThat(h.size === 5, "the history counts its intervals", () => `size is ${h.size} after 5 intervals`);
  near(h.mean, 179, 0.001, "mean of [100, 200, 125, 340, 130]");
  near(h.variance, 7584, 0.01, "variance of [100, 200, 125, 340, 130]");
  near(h.stdDeviation, Math.sqrt(7584), 0.01, "standard deviation of [100, 200, 125, 340, 130] (the square root of the variance)");
  const w = new HeartbeatHistory(3);
  for (const x of [100, 110, 90]) w.add(x);
  near(w.mean, 100, 0.001, "mean of [100, 110, 90] (window 3)");
  near(w.variance, 66.667, 0.01, "variance of [100, 110, 90] (window 3)");
  w.add(140);
  expectThat(w.size === 3, "a full window stays at maxSampleSize", () => `size is ${w.size} after 4 intervals with a window of 3`);
  near(w.mean, 113.333, 0.01, "mean after adding 140 (window now [110, 90, 140])");
  near(w.variance, 422.222, 0.01, "variance after adding 140");
  w.add(80);
  near(w.mean, 103.333, 0.01, "mean after adding 80 (window now [90, 140, 80])");
  near(w.variance, 688.889, 0.01, "variance after adding 80");
});

ex.scripted("the history starts from a guess: bootstrapHistory(e) has mean e and standard deviation e/4", { runs: RUNS.pure }, () => {
  const h = bootstrapHistory(100, 200);
  expectThat(h.size === 2, "a bootstrap history holds two intervals", () => `size is ${h.size}`);
  near(h.mean, 100, 0.001, "mean of bootstrapHistory(100)");
  near(h.stdDeviation, 25, 0.001, "standard deviation of bootstrapHistory(100)");
});

ex.scripted("PhiAccrual: phi is 0 before any heartbeat, then rises from the first-heartbeat guess", { runs: RUNS.pure }, () => {
  const fd = new PhiAccrual(akkaDefaults);
  const before = fd.phi(0);
  expectThat(Object.is(before, 0), "phi is 0 for a node never heard from", () => `got ${before}`);
  fd.heartbeat(0);
  near(fd.phi(1000), 0.3, 0.2, "phi 1000 ms after the only heartbeat (first-heartbeat estimate 1000 ms)");
  near(fd.phi(2000), 4.5, 0.3, "phi 2000 ms after the only heartbeat");
  const late = fd.phi(3000);
  expectThat(late > 15, "phi 3000 ms after the only heartbeat is above 15", () => `got ${late}`);
  const d = new PhiAccrual({ ...akkaDefaults, threshold: 3 });
  for (const t of [0, 1000, 1100, 1200]) d.heartbeat(t);
  expectThat(d.isAvailable(1300), "a node heard from 100 ms ago is available", () => `isAvailable(1300) is false after heartbeats at 0, 1000, 1100, 1200`);
  expectThat(!d.isAvailable(8200), "a node silent for 7 s is not available (threshold 3)", () => `isAvailable(8200) is true after heartbeats at 0, 1000, 1100, 1200`);
});

ex.scripted("PhiAccrual: minimum standard deviation, acceptable pause, and no learning from the heartbeat after a long silence", { runs: RUNS.pure }, () => {
  const regular = (acceptablePauseMs: number) => {
    const fd = new PhiAccrual({ ...akkaDefaults, maxSampleSize: 3, firstHeartbeatEstimateMs: 100, acceptablePauseMs });
    for (let t = 0; t <= 500; t += 100) fd.heartbeat(t); // the window now holds [100, 100, 100]: standard deviation 0
    return fd;
  };
  const fd = regular(0);
  near(fd.phi(620), 1.64, 0.1, "phi 120 ms after the last of perfectly regular 100 ms heartbeats (the 10 ms minimum standard deviation applies)");
  const paused = regular(50);
  near(paused.phi(620), 0, 0.01, "the same with a 50 ms acceptable pause (the mean is taken as 150 ms)");
  near(paused.phi(680), 2.91, 0.1, "phi 180 ms after the last heartbeat with a 50 ms acceptable pause");
  fd.heartbeat(5000); // after 4.5 s of silence: this interval must not enter the history
  near(fd.phi(5120), 1.64, 0.1, "phi 120 ms after a heartbeat that ended a long silence (the silence is not learnt as a normal interval)");
});

// ---------------------------------------------------------------------------
// Part 2: in the simulator.

/** Jittery network: every heartbeat takes 1–60 ms. */
const JITTER = { delayMs: [1, 60] as [number, number] };
/** Detection bound with these settings: mean (100) + acceptable pause (300) + ~5 standard deviations, plus the last heartbeat's delay and a check. */
const DETECTION_BOUND = 1000;
// The exercise's published settings (the stub's constants and OPTIONS).
const HEARTBEAT_MS = 100;
/** φ is 0.3 at mean + acceptable pause: no detector with these options suspects sooner. */
const PATIENCE_MS = 100 + 300;

heartbeatRules(ex, {
  create: createDetector,
  periodMs: HEARTBEAT_MS,
  heartbeat: () => ({ type: "heartbeat" }),
  carriesSeq: false,
  patienceMs: PATIENCE_MS,
  detectionMs: DETECTION_BOUND,
  redetectionMs: DETECTION_BOUND,
  quietGapMs: 250,
});

clusterScenarios(ex, { create: createDetector, network: JITTER, withdrawMs: HEARTBEAT_MS + 60 + 20, crashDetectionMs: DETECTION_BOUND });

ex.scripted("a restore answers a suspicion: a heartbeat that lands just as φ crosses the threshold, before the node has suspected anyone, restores nothing", { runs: RUNS.rule }, (lab) => {
  const r = new PuppetRig<Phi.PhiMsg>(lab, "zoe", createDetector, ["alice"]);
  const o = new Observer(lab, r.sim, SUSPECTS, ["zoe"]);
  // Forty cycles, each with a freshly restarted zoe (so every cycle starts from the same
  // history): ten regular heartbeats, then a late one. The late ones come 1 ms later in each
  // cycle, and each cycle shifts the heartbeats against zoe's checks, so they sweep across the
  // moment φ reaches the threshold (about 505 ms of silence here): on a check, and between two.
  const hb = { type: "heartbeat" } as const;
  const cycles = 40;
  let t = 0;
  for (let k = 0; k < cycles; k++) {
    const down = t;
    r.sim.at(down, () => r.sim.crash("zoe"));
    r.sim.at(down + 10, () => r.sim.restart("zoe"));
    let x = down + 10 + ((7 * k) % 20);
    for (let i = 0; i < 10; i++) r.sayAt((x += HEARTBEAT_MS), "alice", hb);
    r.sayAt((x += 490 + k), "alice", hb);
    t = x + 200;
  }
  r.sim.runUntil(t);
  o.judge();
  const suspicions = r.outputs<Out>().filter((x) => x.value.type === "suspect");
  expectThat(suspicions.length > 0 && suspicions.length < cycles, "the late heartbeats straddle the threshold (some gaps are suspected, some are not)", () => `alice was late ${cycles} times by 490–${490 + cycles - 1} ms and was suspected ${suspicions.length} times`);
});

ex.scripted(`a crashed node is suspected for good by every live node within ${DETECTION_BOUND} ms, despite jitter`, { runs: RUNS.story }, (lab) => {
  const sim = lab.cluster({ n: 4, create: createDetector, network: JITTER });
  sim.at(4000, () => sim.crash("n2"));
  sim.at(6000, () => sim.crash("n4"));
  const o = new Observer(lab, sim, SUSPECTS);
  sim.runUntil(9000);
  const { analysis } = o.judge();
  expectStrongCompleteness(analysis, DETECTION_BOUND);
  expectNoMistakes(analysis, 0, "no live node is suspected (jitter only)");
});

ex.scripted("no false suspicion from jitter or GC pauses shorter than the acceptable pause (300 ms)", { runs: RUNS.story }, (lab) => {
  const sim = lab.cluster({ n: 4, create: createDetector, network: JITTER });
  const pauses: [string, number, number][] = [["n2", 2000, 250], ["n3", 4000, 200], ["n1", 6000, 250], ["n4", 8000, 150], ["n2", 8500, 250]];
  for (const [n, at, ms] of pauses) {
    sim.at(at, () => sim.pause(n));
    sim.at(at + ms, () => sim.resume(n));
  }
  const o = new Observer(lab, sim, SUSPECTS);
  sim.runUntil(10_000);
  const { analysis } = o.judge();
  expectNoMistakes(analysis, 0, "a node that pauses for less than the acceptable pause is never suspected");
});

ex.scripted("a node back from a long pause or a restart is trusted again at its first heartbeat", { runs: RUNS.story }, (lab) => {
  const sim = lab.cluster({ n: 4, create: createDetector, network: JITTER });
  sim.at(3000, () => sim.crash("n3"));
  sim.at(4500, () => sim.restart("n3"));
  sim.at(6000, () => sim.pause("n2"));
  sim.at(7500, () => sim.resume("n2"));
  const o = new Observer(lab, sim, SUSPECTS);
  sim.runUntil(9000);
  const { analysis } = o.judge();
  expectStrongCompleteness(analysis, DETECTION_BOUND);
  const pausedSeen = analysis.mistakes.filter((m) => m.target === "n2");
  expectThat(pausedSeen.length >= 3, "a node silent for 1.5 s is suspected by everyone (a long pause looks like a crash)", () => `only ${pausedSeen.map((m) => m.monitor).join(", ") || "nobody"} suspected n2 during its 1.5 s pause`);
  for (const m of analysis.mistakes) {
    // Wrong suspicions of the silent nodes, or by n2 itself as it wakes up (its checks ran before the heartbeats that queued up during its pause).
    const backAt = m.target === "n2" || m.monitor === "n2" ? 7500 : m.target === "n3" ? 4500 : null;
    expectThat(backAt !== null, "only a node that fell silent is suspected", () => `${m.monitor} suspected ${m.target} at t=${m.start} ms`, m.start);
    expectThat(m.end !== null && m.end <= backAt + 100 + 60 + 20, "a suspicion is withdrawn at the first heartbeat from the node", () => `${m.monitor} suspected ${m.target} from t=${m.start} ms ${m.end === null ? "to the end of the run" : `until t=${m.end} ms`}; ${m.target} was back at t=${backAt} ms`, m.start);
  }
});

ex.generative(
  "under random crashes and restarts: bounded detection, and everyone trusted once all are back",
  { runs: RUNS.generative, schedule: scheduleArb({ nodes: ["n1", "n2", "n3", "n4"], durationMs: 5000, kinds: ["crash", "restart"], maxOps: 6 }) },
  (lab, schedule) => {
    const sim = lab.cluster({ n: 4, create: createDetector, network: JITTER, schedule: [...schedule, ...quiesce(5000, ["n1", "n2", "n3", "n4"], {}, schedule)] });
    const o = new Observer(lab, sim, SUSPECTS);
    sim.runUntil(6500);
    const { analysis } = o.judge();
    expectStrongCompleteness(analysis, DETECTION_BOUND);
    expectThat(analysis.finalSuspicions.length === 0, "once every node is back, nobody is suspected", () => analysis.finalSuspicions.map((s) => `${s.monitor} still suspects ${s.target}`).join("; "));
    // A live node may be suspected only if its crash is noticed just as it restarts, and only until its first heartbeat.
    const life = lifeEvents(sim.trace.all());
    for (const m of analysis.mistakes) {
      const restart = life.filter((e) => e.up && e.node === m.target && e.t <= m.start).at(-1)?.t;
      expectThat(restart !== undefined && m.start - restart <= DETECTION_BOUND, "no live node is suspected (unless its crash is noticed just as it restarts)", () => `${m.monitor} suspected ${m.target} at t=${m.start} ms while ${m.target} was up`, m.start);
    }
  },
);
