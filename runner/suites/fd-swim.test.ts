// Suite for `fd-swim`: SWIM membership for 20–50 members. A crashed member is
// declared dead by every live member within a bound; a member behind a lossy
// link is saved by indirect probes; a paused member that is suspected refutes
// with a higher incarnation and survives; and the message cost per member per
// period does not grow with the group, unlike all-to-all heartbeats.

import { expectNoMistakes, expectStrongCompleteness } from "../check/qos.ts";
import { expectThat } from "../check/violation.ts";
import { scheduleArb, type FaultOp, type NodeId, type Simulation } from "../sim/index.ts";
import { exercise } from "./harness/exercise.ts";
import { judge, perPeriod } from "./fd/support.ts";
import type * as Swim from "../../exercises/fd-swim/swim.ts";

const ex = await exercise<typeof Swim>("fd-swim", "swim.ts");
const { createMember } = ex.impl;

// The exercise's published settings (the stub's constants).
const PERIOD_MS = 200;
const SUSPICION_TIMEOUT_MS = 4000;
/** A crash is noticed within a couple of rounds, suspected, declared dead after the suspicion timeout, and the news spreads. */
const DEAD_BOUND = SUSPICION_TIMEOUT_MS + 4000;
/** Suspicion (the first step) comes within this long of a crash. */
const SUSPECT_BOUND = 3000;

type Out = Swim.SwimOutput;

/** When each member declared `node` dead (members that never did are missing). */
function declaredDead(sim: Simulation, node: NodeId): Map<NodeId, number> {
  const out = new Map<NodeId, number>();
  for (const o of sim.outputs) {
    const v = o.value as Out;
    if (v.type === "dead" && v.node === node && !out.has(o.node)) out.set(o.node, o.t);
  }
  return out;
}

function expectDeclaredDead(sim: Simulation, node: NodeId, crashedAt: number, live: readonly NodeId[]): void {
  const dead = declaredDead(sim, node);
  for (const m of live) {
    const t = dead.get(m);
    expectThat(t !== undefined && t - crashedAt <= DEAD_BOUND, `a crashed member is declared dead by every live member within ${DEAD_BOUND} ms`, () => `${node} crashed at t=${crashedAt} ms; ${m} ${t === undefined ? "never declared it dead" : `declared it dead only at t=${t} ms`}`, t ?? crashedAt + DEAD_BOUND);
  }
}

function expectNeverDeclaredDead(sim: Simulation, node: NodeId, why: string): void {
  const dead = declaredDead(sim, node);
  const [first] = dead;
  expectThat(first === undefined, why, () => `${first![0]} declared ${node} dead at t=${first![1]} ms (and ${dead.size - 1} other member(s) followed)`, first?.[1]);
}

ex.scripted(`a crashed member is declared dead by every live member within ${DEAD_BOUND} ms (20 members)`, { runs: 4 }, (lab) => {
  const sim = lab.cluster({ n: 20, create: createMember });
  sim.at(2000, () => sim.crash("n7"));
  sim.at(3000, () => sim.crash("n13"));
  sim.runUntil(3000 + DEAD_BOUND + 500);
  const { analysis } = judge(lab, sim);
  const live = sim.ids.filter((id) => sim.isUp(id));
  expectDeclaredDead(sim, "n7", 2000, live);
  expectDeclaredDead(sim, "n13", 3000, live);
  expectStrongCompleteness(analysis, SUSPECT_BOUND);
  expectNoMistakes(analysis, 0, "no live member is suspected on a reliable network");
});

ex.scripted("a member whose direct link to its prober loses 90% of messages is never suspected (indirect probes reach it)", { runs: 3 }, (lab) => {
  const lossy = (a: NodeId, b: NodeId) => (a === "n1" && b === "n5") || (a === "n5" && b === "n1");
  const sim = lab.cluster({ n: 20, create: createMember, messageRule: (from, to) => (lossy(from, to) ? { drop: 0.9 } : undefined) });
  sim.runUntil(12_000);
  const { analysis } = judge(lab, sim);
  expectNeverDeclaredDead(sim, "n5", "a member behind a lossy link is not declared dead");
  expectNeverDeclaredDead(sim, "n1", "a member behind a lossy link is not declared dead");
  expectNoMistakes(analysis, 0, "when a direct probe fails but others can reach the member, an indirect probe saves it from suspicion");
});

ex.scripted("a paused member that is suspected refutes with a higher incarnation and survives", { runs: 4 }, (lab) => {
  const sim = lab.cluster({ n: 20, create: createMember });
  sim.at(2000, () => sim.pause("n3"));
  sim.at(3600, () => sim.resume("n3"));
  sim.runUntil(14_000);
  const { analysis } = judge(lab, sim);
  const suspicions = analysis.mistakes.filter((m) => m.target === "n3");
  expectThat(suspicions.length > 0, "a member silent for 1.6 s (8 periods) is suspected", () => "nobody suspected n3 while it was paused from t=2000 to t=3600 ms");
  expectNeverDeclaredDead(sim, "n3", "a suspected member that is alive refutes the suspicion before it times out, and is not declared dead");
  const inc = sim.call("n3", "incarnation", (m: Swim.Member) => m.incarnation());
  expectThat(inc > 0, "a member refutes a suspicion by raising its incarnation number", () => `n3 was suspected but its incarnation is still ${inc}`);
  const held = analysis.finalSuspicions.filter((s) => s.target === "n3");
  expectThat(held.length === 0, "once the refutation has spread, nobody suspects the member", () => held.map((s) => `${s.monitor} still suspects n3 (since t=${s.since} ms)`).join("; "));
  for (const id of sim.ids) {
    const view = sim.call(id, "view", (m: Swim.Member) => m.view());
    const wrong = Object.entries(view).filter(([, st]) => st !== "alive");
    expectThat(wrong.length === 0, "at the end every member sees every other as alive", () => `${id} sees ${wrong.map(([p, st]) => `${p} as ${st}`).join(", ")}`);
  }
});

ex.scripted("messages per member per period stay constant as the group grows (10 vs 50 members), unlike all-to-all heartbeats", { runs: 2 }, (lab) => {
  const rates: Record<number, { msgs: number; bytes: number }> = {};
  for (const n of [10, 50]) {
    const sim = lab.cluster({ n, create: createMember });
    sim.runUntil(6000);
    const sent = sim.ids.reduce((a, id) => a + sim.stats(id).sent, 0) / n;
    const bytes = sim.ids.reduce((a, id) => a + sim.stats(id).bytesSent, 0) / n;
    rates[n] = { msgs: perPeriod(sent, 6000, PERIOD_MS), bytes: perPeriod(bytes, 6000, PERIOD_MS) };
  }
  lab.metrics({ msgs_per_member_per_period_n10: Math.round(rates[10]!.msgs * 100) / 100, msgs_per_member_per_period_n50: Math.round(rates[50]!.msgs * 100) / 100 });
  for (const n of [10, 50]) expectThat(rates[n]!.msgs <= 4, "each member sends a constant number of messages per period (a ping and an ack, plus the occasional indirect probe)", () => `with ${n} members, each sent ${rates[n]!.msgs.toFixed(2)} messages per ${PERIOD_MS} ms period (all-to-all heartbeats would be ${n - 1})`);
  expectThat(rates[50]!.msgs <= rates[10]!.msgs * 1.25, "the message rate per member does not grow with the group", () => `${rates[10]!.msgs.toFixed(2)} messages per member per period with 10 members, ${rates[50]!.msgs.toFixed(2)} with 50`);
  expectThat(rates[50]!.bytes <= rates[10]!.bytes * 1.5, "the bytes per member per period do not grow with the group (piggyback a bounded number of updates)", () => `${rates[10]!.bytes.toFixed(0)} bytes per member per period with 10 members, ${rates[50]!.bytes.toFixed(0)} with 50`);
});

const MEMBERS = Array.from({ length: 20 }, (_, i) => `n${i + 1}`);

ex.generative(
  "under random crashes and message loss: crashed members are declared dead by all, live ones never",
  { runs: 12, schedule: scheduleArb({ nodes: MEMBERS, durationMs: 4000, kinds: ["crash"], maxOps: 4 }) },
  (lab, schedule) => {
    // 5% loss everywhere until t=4000: indirect probes and refutation must cope.
    const faults: FaultOp[] = [{ at: 0, op: "network", drop: 0.05 }, { at: 4000, op: "network", drop: 0 }, ...schedule];
    const sim = lab.cluster({ n: 20, create: createMember, schedule: faults });
    sim.runUntil(4000 + DEAD_BOUND + 1000);
    judge(lab, sim);
    const live = sim.ids.filter((id) => sim.isUp(id));
    for (const op of schedule) if (op.op === "crash" && declaredDead(sim, op.node).size < live.length) expectDeclaredDead(sim, op.node, schedule.find((o) => o.op === "crash" && o.node === op.node)!.at, live);
    for (const id of live) expectNeverDeclaredDead(sim, id, "a live member is never declared dead");
  },
);
