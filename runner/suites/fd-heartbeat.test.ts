// Suite for `fd-heartbeat`: periodic heartbeats and a fixed timeout. First the
// detector's rules one at a time, against puppet peers (fd/heartbeatRules.ts);
// then clusters: strong completeness within a stated bound, strong accuracy
// while the network is synchronous, withdrawing mistakes after pauses,
// restarts and healed partitions, and random faults with late and duplicated
// messages. Every scenario also checks that each output is one change of mind
// that means what it says, and that suspects() agrees with the outputs.

import { expectNoMistakes, expectStrongCompleteness, lifeEvents } from "../check/qos.ts";
import { expectThat } from "../check/violation.ts";
import { quiesce, scheduleArb } from "../sim/index.ts";
import { exercise } from "./harness/exercise.ts";
import { heartbeatRules } from "./fd/heartbeatRules.ts";
import { clusterScenarios } from "./fd/scenarios.ts";
import { Observer, RUNS, SUSPECTS } from "./fd/support.ts";
import type * as Heartbeat from "../../exercises/fd-heartbeat/heartbeat.ts";

const ex = await exercise<typeof Heartbeat>("fd-heartbeat", "heartbeat.ts");
const { createDetector } = ex.impl;

// The exercise's published contract (the stub's constants): the grader holds you to these numbers.
const HEARTBEAT_MS = 100;
const TIMEOUT_MS = 300;

/** A synchronous network: every message arrives within 10 ms. */
const SYNC = { delayMs: [1, 10] as [number, number] };
const MAX_DELAY = 10;
/** The last heartbeat can arrive MAX_DELAY after the crash; a timer or a periodic check adds at most one period. */
const DETECTION_BOUND = TIMEOUT_MS + HEARTBEAT_MS + MAX_DELAY;

heartbeatRules(ex, {
  create: createDetector,
  periodMs: HEARTBEAT_MS,
  heartbeat: (seq) => ({ type: "heartbeat", seq }),
  carriesSeq: true,
  patienceMs: TIMEOUT_MS,
  detectionMs: TIMEOUT_MS + HEARTBEAT_MS + 10,
  redetectionMs: TIMEOUT_MS + HEARTBEAT_MS + 10,
  quietGapMs: TIMEOUT_MS - 20,
});

clusterScenarios(ex, { create: createDetector, network: SYNC, withdrawMs: HEARTBEAT_MS + MAX_DELAY + 10, crashDetectionMs: DETECTION_BOUND });

ex.scripted(`every crashed node is suspected by every live node within ${DETECTION_BOUND} ms, and stays suspected`, { runs: RUNS.story }, (lab) => {
  const sim = lab.cluster({ n: 5, create: createDetector, network: SYNC });
  const o = new Observer(lab, sim, SUSPECTS);
  sim.at(1000, () => sim.crash("n2"));
  sim.at(2500, () => sim.crash("n4"));
  sim.runUntil(5000);
  const { analysis } = o.judge();
  expectStrongCompleteness(analysis, DETECTION_BOUND);
  expectThat(analysis.detections.length === 6, "every live node reports on every crashed node", () => `expected 6 (monitor, crashed node) pairs, found ${analysis.detections.length}`);
});

ex.scripted("while the network is synchronous, no live node is ever suspected (delays up to 150 ms)", { runs: RUNS.story }, (lab) => {
  // Slow but bounded: the longest gap between two heartbeats is HEARTBEAT_MS + 149 ms, under the timeout.
  const sim = lab.cluster({ n: 4, create: createDetector, network: { delayMs: [1, 150] } });
  const o = new Observer(lab, sim, SUSPECTS);
  sim.runUntil(8000);
  const { analysis } = o.judge();
  expectNoMistakes(analysis, 0, "strong accuracy: while every heartbeat arrives in time, no live node is suspected");
});

ex.scripted("a paused node is suspected, and trusted again once its heartbeats return", { runs: RUNS.story }, (lab) => {
  const sim = lab.cluster({ n: 4, create: createDetector, network: SYNC });
  const o = new Observer(lab, sim, SUSPECTS);
  sim.at(1000, () => sim.pause("n3"));
  sim.at(2000, () => sim.resume("n3"));
  sim.runUntil(3000);
  const { analysis } = o.judge();
  for (const q of ["n1", "n2", "n4"]) {
    const m = analysis.mistakes.filter((x) => x.monitor === q && x.target === "n3");
    expectThat(m.length > 0, "a node silent for longer than the timeout is suspected (the detector cannot tell a pause from a crash)", () => `${q} never suspected n3, which sent nothing from t=1000 to t=2000 ms`);
    expectThat(m.every((x) => x.endedBy === "restore" && x.end! <= 2000 + HEARTBEAT_MS + MAX_DELAY), "a suspicion is withdrawn as soon as a heartbeat proves the node alive", () => `${q} suspected n3 from t=${m[0]!.start} ms and ${m[0]!.end === null ? "never withdrew it" : `withdrew it only at t=${m[0]!.end} ms`}; n3 resumed at t=2000 ms`, 2000);
  }
  expectThat(analysis.finalSuspicions.length === 0, "once everyone is heard from again, nobody is suspected", () => analysis.finalSuspicions.map((s) => `${s.monitor} still suspects ${s.target}`).join("; "));
});

ex.scripted("a node that crashes and restarts is trusted again (its heartbeats count from 1 again)", { runs: RUNS.story }, (lab) => {
  const sim = lab.cluster({ n: 4, create: createDetector, network: SYNC });
  const o = new Observer(lab, sim, SUSPECTS);
  sim.at(1500, () => sim.crash("n2"));
  sim.at(2500, () => sim.restart("n2"));
  sim.runUntil(4000);
  const { analysis } = o.judge();
  expectStrongCompleteness(analysis, DETECTION_BOUND);
  expectThat(analysis.finalSuspicions.length === 0, "a restarted node is trusted again once its heartbeats arrive", () => analysis.finalSuspicions.map((s) => `${s.monitor} still suspects ${s.target} (since t=${s.since} ms), although ${s.target} restarted at t=2500 ms`).join("; "), 2500);
  expectNoMistakes(analysis, 2500 + HEARTBEAT_MS + MAX_DELAY, "after the restart, no live node is suspected");
});

ex.generative(
  "under random crashes and restarts on a synchronous network: bounded detection, no mistakes, everyone trusted at the end",
  { runs: 40, schedule: scheduleArb({ nodes: ["n1", "n2", "n3", "n4"], durationMs: 4000, kinds: ["crash", "restart"], maxOps: 6 }) },
  (lab, schedule) => {
    const nodes = ["n1", "n2", "n3", "n4"];
    const sim = lab.cluster({ n: 4, create: createDetector, network: SYNC, schedule: [...schedule, ...quiesce(4000, nodes, {}, schedule)] });
    const o = new Observer(lab, sim, SUSPECTS);
    sim.runUntil(5000);
    const { analysis } = o.judge();
    expectStrongCompleteness(analysis, DETECTION_BOUND);
    expectNoMistakes(analysis, 4000 + HEARTBEAT_MS + MAX_DELAY, "after every node is back, no live node is suspected");
    // The only excusable suspicion of a live node: its crash was noticed just after it restarted
    // (the timer ran out before its first new heartbeat arrived). It must end when that heartbeat does.
    const life = lifeEvents(sim.trace.all());
    for (const m of analysis.mistakes) {
      const restart = life.filter((e) => e.up && e.node === m.target && e.t <= m.start).at(-1)?.t;
      expectThat(restart !== undefined && m.start - restart <= DETECTION_BOUND, "on a synchronous network a live node is never suspected (unless its crash is noticed just as it restarts)", () => `${m.monitor} suspected ${m.target} at t=${m.start} ms while ${m.target} was up${restart === undefined ? "" : ` (it restarted at t=${restart} ms)`}`, m.start);
      const by = Math.max(m.start, restart + HEARTBEAT_MS + MAX_DELAY);
      expectThat(m.end !== null && m.end <= by, "a suspicion is withdrawn as soon as a heartbeat proves the node alive", () => `${m.monitor} suspected ${m.target} at t=${m.start} ms; ${m.target} had restarted at t=${restart} ms, so its heartbeats arrived by t=${by} ms, but the suspicion ${m.end === null ? "was never withdrawn" : `lasted until t=${m.end} ms`}`, m.start);
    }
    expectThat(analysis.finalSuspicions.length === 0, "once every node is back, nobody is suspected", () => analysis.finalSuspicions.map((s) => `${s.monitor} still suspects ${s.target}`).join("; "));
  },
);

const ODD = ["n3", "n12", "n100", "zed", "n7", "amy"];
/** Delays in this scenario reach LATE_MS, five times the timeout. */
const LATE_MS = 1500;

ex.generative(
  `under partitions, crashes, loss, duplication and delays up to ${LATE_MS} ms (6 nodes): crashes detected, and after the faults end every suspicion is withdrawn`,
  { runs: RUNS.generative, schedule: scheduleArb({ nodes: ODD, durationMs: 4000, kinds: ["crash", "restart", "partition", "heal", "isolate", "network"], maxOps: 8, maxDrop: 0.3, maxDuplicate: 0.5, maxDelayMs: LATE_MS }) },
  (lab, schedule) => {
    const calm = 4000;
    const sim = lab.simulation({ nodes: Object.fromEntries(ODD.map((id) => [id, createDetector])), network: SYNC, schedule: [...schedule, ...quiesce(calm, ODD)] });
    const o = new Observer(lab, sim, SUSPECTS);
    sim.runUntil(calm + LATE_MS + 2000);
    const { analysis } = o.judge();
    // A crashed node's last heartbeats may still be on their way for LATE_MS; after the last one, the timeout.
    expectStrongCompleteness(analysis, LATE_MS + DETECTION_BOUND);
    expectNoMistakes(analysis, calm + HEARTBEAT_MS + MAX_DELAY, "once every fault has ended, no live node is suspected");
    expectThat(analysis.finalSuspicions.length === 0, "once every node is back and the network is calm, nobody is suspected", () => analysis.finalSuspicions.map((s) => `${s.monitor} still suspects ${s.target}`).join("; "));
  },
);
