// Suite for `fd-heartbeat`: periodic heartbeats and a fixed timeout. Graded on
// strong completeness within a stated bound, strong accuracy while the network
// is synchronous, withdrawing mistakes, and bounded message cost.

import { expectNoMistakes, expectStrongCompleteness, lifeEvents } from "../check/qos.ts";
import { expectThat } from "../check/violation.ts";
import { quiesce, scheduleArb } from "../sim/index.ts";
import { exercise } from "./harness/exercise.ts";
import { judge } from "./fd/support.ts";
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

ex.scripted(`every crashed node is suspected by every live node within ${DETECTION_BOUND} ms, and stays suspected`, { runs: 5 }, (lab) => {
  const sim = lab.cluster({ n: 5, create: createDetector, network: SYNC });
  sim.at(1000, () => sim.crash("n2"));
  sim.at(2500, () => sim.crash("n4"));
  sim.runUntil(5000);
  const { analysis } = judge(lab, sim);
  expectStrongCompleteness(analysis, DETECTION_BOUND);
  expectThat(analysis.detections.length === 6, "every live node reports on every crashed node", () => `expected 6 (monitor, crashed node) pairs, found ${analysis.detections.length}`);
});

ex.scripted("while the network is synchronous, no live node is ever suspected (delays up to 150 ms)", { runs: 5 }, (lab) => {
  // Slow but bounded: the longest gap between two heartbeats is HEARTBEAT_MS + 149 ms, under the timeout.
  const sim = lab.cluster({ n: 4, create: createDetector, network: { delayMs: [1, 150] } });
  sim.runUntil(8000);
  const { analysis } = judge(lab, sim);
  expectNoMistakes(analysis, 0, "strong accuracy: while every heartbeat arrives in time, no live node is suspected");
});

ex.scripted("a paused node is suspected, and trusted again once its heartbeats return", { runs: 3 }, (lab) => {
  const sim = lab.cluster({ n: 4, create: createDetector, network: SYNC });
  sim.at(1000, () => sim.pause("n3"));
  sim.at(2000, () => sim.resume("n3"));
  sim.runUntil(3000);
  const { analysis } = judge(lab, sim);
  for (const q of ["n1", "n2", "n4"]) {
    const m = analysis.mistakes.filter((x) => x.monitor === q && x.target === "n3");
    expectThat(m.length > 0, "a node silent for longer than the timeout is suspected (the detector cannot tell a pause from a crash)", () => `${q} never suspected n3, which sent nothing from t=1000 to t=2000 ms`);
    expectThat(m.every((x) => x.endedBy === "restore" && x.end! <= 2000 + HEARTBEAT_MS + MAX_DELAY), "a suspicion is withdrawn as soon as a heartbeat proves the node alive", () => `${q} suspected n3 from t=${m[0]!.start} ms and ${m[0]!.end === null ? "never withdrew it" : `withdrew it only at t=${m[0]!.end} ms`}; n3 resumed at t=2000 ms`, 2000);
  }
  expectThat(analysis.finalSuspicions.length === 0, "once everyone is heard from again, nobody is suspected", () => analysis.finalSuspicions.map((s) => `${s.monitor} still suspects ${s.target}`).join("; "));
});

ex.scripted("a node that crashes and restarts is trusted again (its heartbeats count from 1 again)", { runs: 3 }, (lab) => {
  const sim = lab.cluster({ n: 4, create: createDetector, network: SYNC });
  sim.at(1500, () => sim.crash("n2"));
  sim.at(2500, () => sim.restart("n2"));
  sim.runUntil(4000);
  const { analysis } = judge(lab, sim);
  expectStrongCompleteness(analysis, DETECTION_BOUND);
  expectThat(analysis.finalSuspicions.length === 0, "a restarted node is trusted again once its heartbeats arrive", () => analysis.finalSuspicions.map((s) => `${s.monitor} still suspects ${s.target} (since t=${s.since} ms), although ${s.target} restarted at t=2500 ms`).join("; "), 2500);
  expectNoMistakes(analysis, 2500 + HEARTBEAT_MS + MAX_DELAY, "after the restart, no live node is suspected");
});

ex.scripted("each node sends at most one heartbeat per peer per period", { runs: 2 }, (lab) => {
  const sim = lab.cluster({ n: 6, create: createDetector, network: SYNC });
  sim.runUntil(5000);
  const periods = 5000 / HEARTBEAT_MS + 1;
  for (const id of sim.ids) {
    const sent = sim.stats(id).sent;
    expectThat(sent <= (sim.ids.length - 1) * periods, `message cost is bounded: at most n-1 heartbeats per node per ${HEARTBEAT_MS} ms period`, () => `${id} sent ${sent} messages in 5000 ms; at most ${(sim.ids.length - 1) * periods} expected (${sim.ids.length - 1} peers × ${periods} periods)`);
  }
  judge(lab, sim);
});

ex.generative(
  "under random crashes and restarts on a synchronous network: bounded detection, no mistakes, everyone trusted at the end",
  { runs: 40, schedule: scheduleArb({ nodes: ["n1", "n2", "n3", "n4"], durationMs: 4000, kinds: ["crash", "restart"], maxOps: 6 }) },
  (lab, schedule) => {
    const nodes = ["n1", "n2", "n3", "n4"];
    const sim = lab.cluster({ n: 4, create: createDetector, network: SYNC, schedule: [...schedule, ...quiesce(4000, nodes, {}, schedule)] });
    sim.runUntil(5000);
    const { analysis } = judge(lab, sim);
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
