// Suite for `fd-swim`: SWIM membership (Das, Gupta & Motivala, "SWIM:
// Scalable Weakly-consistent Infection-style Process Group Membership
// Protocol", 2002). Groups of 12 to 50: a crashed member is declared dead by
// every live member within a bound; a member behind a lossy link is saved by
// indirect probes; a paused member that is suspected refutes with a higher
// incarnation and survives, while one paused past its death stays dead; after
// a healed partition every suspicion ends and the group goes quiet; the
// message cost per member per period does not grow with the group. Then the
// paper's rules one at a time, against puppet members (§3.1 probe and
// ping-req, §4.1 dissemination, §4.2 suspicion, precedence and refutation,
// §4.3 round-robin), and an exhaustive search over every order of up to three
// pieces of news.

import { expectNoMistakes, expectStrongCompleteness } from "../check/qos.ts";
import { afterNews, type Update } from "../check/swim.ts";
import { expectThat } from "../check/violation.ts";
import { describeExploration, explore, renderDiagram, scheduleArb, Simulation, type FaultOp, type NodeId, type SimOptions } from "../sim/index.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import { Observer, perPeriod, RUNS, VIEW } from "./fd/support.ts";
import { PuppetRig, puppet, type Puppet } from "./support/puppet.ts";
import type * as Swim from "../../exercises/fd-swim/swim.ts";

const ex = await exercise<typeof Swim>("fd-swim", "swim.ts");
const { createMember } = ex.impl;

// The exercise's published settings (the stub's constants).
const PERIOD_MS = 200;
const PING_TIMEOUT_MS = 60;
const INDIRECT_K = 3;
const SUSPICION_TIMEOUT_MS = 4000;
const MAX_PIGGYBACK = 6;
const RETRANSMIT_MULT = 3;
/** A crash is noticed within a couple of rounds, suspected, declared dead after the suspicion timeout, and the news spreads. */
const DEAD_BOUND = SUSPICION_TIMEOUT_MS + 4000;
/** Suspicion (the first step) comes within this long of a crash. */
const SUSPECT_BOUND = 3000;

type Out = Swim.SwimOutput;
type Msg = Swim.SwimMsg;

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

/** Twenty members n1…n20 on odd seeds, twelve with names that are not n1…n7 (an even group) on even ones. */
const MEMBERS = Array.from({ length: 20 }, (_, i) => `n${i + 1}`);
const NAMED = ["ada", "bo", "cy", "dee", "eve", "fay", "gus", "hal", "ivy", "n12", "n100", "m7"];
const groupFor = (seed: number): readonly NodeId[] => (seed % 2 ? MEMBERS : NAMED);
const group = (lab: Lab, ids: readonly NodeId[], extra: Omit<SimOptions, "seed" | "nodes"> = {}) => lab.simulation({ nodes: Object.fromEntries(ids.map((id) => [id, createMember])), ...extra });

ex.scripted(`a crashed member is declared dead by every live member within ${DEAD_BOUND} ms (12 and 20 members)`, { runs: RUNS.story }, (lab) => {
  const ids = groupFor(lab.seed);
  const [a, b] = [ids[6]!, ids[11]!];
  const sim = group(lab, ids);
  const o = new Observer(lab, sim, VIEW);
  sim.at(2000, () => sim.crash(a));
  sim.at(3000, () => sim.crash(b));
  sim.runUntil(3000 + DEAD_BOUND + 500);
  const { analysis } = o.judge();
  const live = ids.filter((id) => sim.isUp(id));
  expectDeclaredDead(sim, a, 2000, live);
  expectDeclaredDead(sim, b, 3000, live);
  expectStrongCompleteness(analysis, SUSPECT_BOUND);
  expectNoMistakes(analysis, 0, "no live member is suspected on a reliable network");
});

ex.scripted("a member whose direct link to its prober loses 90% of messages is never suspected (indirect probes reach it)", { runs: RUNS.story }, (lab) => {
  const ids = groupFor(lab.seed);
  const [x, y] = [ids[0]!, ids[4]!];
  const lossy = (a: NodeId, b: NodeId) => (a === x && b === y) || (a === y && b === x);
  const sim = group(lab, ids, { messageRule: (from, to) => (lossy(from, to) ? { drop: 0.9 } : undefined) });
  const o = new Observer(lab, sim, VIEW);
  sim.runUntil(10_000);
  const { analysis } = o.judge();
  expectNeverDeclaredDead(sim, y, "a member behind a lossy link is not declared dead");
  expectNeverDeclaredDead(sim, x, "a member behind a lossy link is not declared dead");
  expectNoMistakes(analysis, 0, "when a direct probe fails but others can reach the member, an indirect probe saves it from suspicion");
});

ex.scripted("a paused member that is suspected refutes with a higher incarnation and survives", { runs: RUNS.story }, (lab) => {
  const ids = groupFor(lab.seed);
  const napper = ids[2]!;
  const sim = group(lab, ids);
  const o = new Observer(lab, sim, VIEW);
  sim.at(2000, () => sim.pause(napper));
  sim.at(3600, () => sim.resume(napper));
  // A suspicion raised just before the resume would be confirmed by about t=7800 ms unless refuted.
  sim.runUntil(10_000);
  const { analysis } = o.judge();
  const suspicions = analysis.mistakes.filter((m) => m.target === napper);
  expectThat(suspicions.length > 0, "a member silent for 1.6 s (8 periods) is suspected", () => `nobody suspected ${napper} while it was paused from t=2000 to t=3600 ms`);
  expectNeverDeclaredDead(sim, napper, "a suspected member that is alive refutes the suspicion before it times out, and is not declared dead");
  const inc = sim.call(napper, "incarnation", (m: Swim.Member) => m.incarnation());
  expectThat(inc > 0, "a member refutes a suspicion by raising its incarnation number", () => `${napper} was suspected but its incarnation is still ${inc}`);
  const held = analysis.finalSuspicions.filter((s) => s.target === napper);
  expectThat(held.length === 0, "once the refutation has spread, nobody suspects the member", () => held.map((s) => `${s.monitor} still suspects ${napper} (since t=${s.since} ms)`).join("; "));
  for (const id of ids) {
    const view = sim.call(id, "view", (m: Swim.Member) => m.view());
    const wrong = Object.entries(view).filter(([, st]) => st !== "alive");
    expectThat(wrong.length === 0, "at the end every member sees every other as alive", () => `${id} sees ${wrong.map(([p, st]) => `${p} as ${st}`).join(", ")}`);
  }
});

// A measurement more than a story: the rates barely move with the seed, so it runs as few seeds as a rule.
ex.scripted("messages per member per period stay constant as the group grows (10 vs 50 members), unlike all-to-all heartbeats", { runs: RUNS.rule }, (lab) => {
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

ex.generative(
  "under random crashes, message loss and duplication (12 members): crashed members are declared dead by all, live ones never",
  { runs: RUNS.generative, schedule: scheduleArb({ nodes: NAMED, durationMs: 4000, kinds: ["crash"], maxOps: 4 }) },
  (lab, schedule) => {
    // 5% loss and 10% duplication everywhere until t=4000: indirect probes and refutation must cope.
    const faults: FaultOp[] = [{ at: 0, op: "network", drop: 0.05, duplicate: 0.1 }, { at: 4000, op: "network", drop: 0, duplicate: 0 }, ...schedule];
    const sim = group(lab, NAMED, { schedule: faults });
    const o = new Observer(lab, sim, VIEW);
    sim.runUntil(4000 + DEAD_BOUND + 1000);
    o.judge();
    const live = NAMED.filter((id) => sim.isUp(id));
    for (const op of schedule) if (op.op === "crash" && declaredDead(sim, op.node).size < live.length) expectDeclaredDead(sim, op.node, schedule.find((o) => o.op === "crash" && o.node === op.node)!.at, live);
    for (const id of live) expectNeverDeclaredDead(sim, id, "a live member is never declared dead");
  },
);

ex.scripted("partition then heal (12 members): after the heal every suspicion ends — refuted, or confirmed dead — and the group goes quiet", { runs: RUNS.story }, (lab) => {
  const heal = 3000 + (lab.seed % 3) * 400;
  const cut = [NAMED.filter((_, i) => i % 2 === 0), NAMED.filter((_, i) => i % 2 === 1)];
  const end = heal + 12_000;
  const sim = group(lab, NAMED, { schedule: [{ at: 2000, op: "partition", groups: cut }, { at: heal, op: "heal" }] });
  const o = new Observer(lab, sim, VIEW);
  sim.runUntil(end);
  const { analysis } = o.judge();
  expectThat(analysis.mistakes.length > 0, "members that cannot reach each other are suspected", () => `the group was cut in two from t=2000 to t=${heal} ms and nobody was suspected`);
  // SWIM is only weakly consistent: a member whose suspicion news was retired before the heal cannot
  // refute and is declared dead (dead is final), and news reaches everyone only with high probability.
  // But no suspicion lasts: each is refuted or, after the suspicion timeout, confirmed.
  for (const q of NAMED) {
    const held = Object.entries(sim.call(q, "view", (m: Swim.Member) => m.view())).filter(([, st]) => st === "suspect");
    expectThat(held.length === 0, "a suspicion ends: it is refuted, or confirmed once the suspicion timeout has passed", () => `${SUSPICION_TIMEOUT_MS + 8000} ms after the heal, ${q} still sees ${held.map(([p]) => p).join(", ")} as suspect`, end);
  }
  expectQuiet(sim, end - 3000, end);
});

ex.scripted("a member paused longer than the suspicion timeout is declared dead, and stays dead everywhere even after it wakes up and protests", { runs: RUNS.story }, (lab) => {
  const sim = group(lab, NAMED, { schedule: [{ at: 2000, op: "pause", node: "dee" }, { at: 2000 + DEAD_BOUND + 500, op: "resume", node: "dee" }] });
  const o = new Observer(lab, sim, VIEW);
  const end = 2000 + DEAD_BOUND + 6000;
  sim.runUntil(end);
  o.judge();
  const live = NAMED.filter((id) => id !== "dee");
  expectDeclaredDead(sim, "dee", 2000, live);
  for (const id of live) {
    const st = sim.call(id, "view", (m: Swim.Member) => m.view())["dee"];
    expectThat(st === "dead", "dead is final: a member declared dead stays dead in every view, whatever it says later", () => `dee was declared dead, woke at t=${2000 + DEAD_BOUND + 500} ms and refuted; at t=${end} ms ${id} sees it as ${st}`, end);
  }
});

/** No message sent in [from, to) carries any update: the news has been spread and retired. */
function expectQuiet(sim: Simulation, from: number, to: number): void {
  const noisy = sim.trace.all().filter((e) => e.k === "send" && e.t >= from && e.t < to && ((e.msg as Msg).updates?.length ?? 0) > 0);
  const first = noisy[0] as { t: number; from: NodeId; to: NodeId; msg: Msg } | undefined;
  expectThat(first === undefined, "once every change has been spread, the group goes quiet: messages carry no updates (gossip is retired after about λ·log n sends)", () => `from t=${from} to t=${to} ms, ${noisy.length} messages still carried updates, e.g. ${first!.from} → ${first!.to} at t=${first!.t} ms with ${first!.msg.updates.map((u) => `${u.node} ${u.status}@${u.incarnation}`).join(", ")}`, first?.t);
}

// ---------------------------------------------------------------------------
// The rules, one at a time: zoe is the member under test; the others are
// puppets that ack zoe's pings unless muted, and carry out zoe's ping-reqs
// (acking on the target's behalf) only when told to relay.

const SUBJECT = "zoe";
const PUPPETS = ["alice", "bob", "n12", "n7", "cy"];
/** Every message takes exactly this long in the rule scenarios. */
const DELAY = 5;

class SwimRig extends PuppetRig<Msg> {
  /** Puppets that ignore zoe's pings. */
  readonly mute = new Set<NodeId>();
  /** Puppets that carry out zoe's ping-reqs. */
  readonly relay = new Set<NodeId>();
  readonly o: Observer;

  constructor(lab: Lab, puppets: readonly NodeId[] = PUPPETS) {
    super(lab, SUBJECT, createMember, puppets);
    for (const p of puppets)
      this.puppet(p).answer = (from, msg, reply) => {
        if (msg.type === "ping" && !this.mute.has(p)) reply(from, { type: "ack", seq: msg.seq, target: p, updates: [] });
        if (msg.type === "ping-req" && this.relay.has(p)) reply(from, { type: "ack", seq: msg.seq, target: msg.target, updates: [] });
      };
    this.o = new Observer(lab, this.sim, VIEW, [SUBJECT]);
  }

  /** Puppet `from` pings zoe now with these updates piggybacked. */
  gossip(from: NodeId, updates: Update[], seq = 9000 + this.sim.now): void {
    this.say(from, { type: "ping", seq, updates });
  }

  view(): Record<NodeId, Swim.Status> {
    return this.sim.call(SUBJECT, "view", (m: Swim.Member) => m.view());
  }

  incarnation(): number {
    return this.sim.call(SUBJECT, "incarnation", (m: Swim.Member) => m.incarnation());
  }

  about(p: NodeId): { t: number; value: Out }[] {
    return this.outputs<Out>().filter((o) => o.value.node === p);
  }

  /** Every update zoe piggybacked, with when it was sent. */
  piggybacked(): { t: number; u: Update }[] {
    return this.sent().flatMap((x) => x.msg.updates.map((u) => ({ t: x.t - DELAY, u })));
  }
}

const said = (os: { t: number; value: Out }[]) => os.map((o) => `${o.value.type} ${o.value.node} at t=${o.t}`).join(", ") || "nothing";
const upd = (node: NodeId, status: Swim.Status, incarnation: number): Update => ({ node, status, incarnation });
const showU = (u: Update) => `${u.node} ${u.status}@${u.incarnation}`;

ex.scripted("§3.1 each protocol period a member pings one other member, and answers every ping with an ack that names itself", { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab);
  const asked = 26;
  for (let k = 1; k <= asked; k++) r.sayAt(100 + 150 * (k - 1), "alice", { type: "ping", seq: 1000 + k, updates: [] });
  r.sim.runUntil(4100);
  r.o.judge();
  const pings = r.sent("ping").filter((x) => x.t - DELAY < 4000);
  expectThat(pings.length >= 4000 / PERIOD_MS - 1 && pings.length <= 4000 / PERIOD_MS + 1, `a member sends one probe per ${PERIOD_MS} ms protocol period`, () => `in 4 s zoe sent ${pings.length} pings (to ${[...new Set(pings.map((x) => x.to))].join(", ")})`);
  const reqs = r.sent("ping-req");
  expectThat(reqs.length === 0, "while every direct ping is acked, no one is asked to probe indirectly", () => `zoe sent ${reqs.length} ping-reqs, the first at t=${reqs[0]!.t - DELAY} ms, though every member acked at once`, reqs[0]?.t);
  const acks = r.sent("ack", "alice");
  for (let k = 1; k <= asked; k++) {
    const mine = acks.filter((a) => a.msg.seq === 1000 + k);
    expectThat(mine.length === 1 && mine[0]!.msg.target === SUBJECT, "a ping is answered by one ack with the ping's seq, naming the member that answers as its target", () => `alice pinged zoe with seq ${1000 + k}; zoe answered ${mine.length ? mine.map((a) => JSON.stringify({ ...a.msg, updates: undefined })).join(", ") : "nothing"}`, 100 + 150 * (k - 1));
  }
});

ex.scripted("§4.3 round-robin probe targets: every member is probed at least once in any two rounds", { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab);
  const end = 10_000;
  r.sim.runUntil(end);
  r.o.judge();
  const bound = (2 * PUPPETS.length + 1) * PERIOD_MS;
  for (const p of PUPPETS) {
    const times = [0, ...r.sent("ping", p).map((x) => x.t - DELAY), end];
    const worst = Math.max(...times.slice(1).map((t, i) => t - times[i]!));
    expectThat(worst <= bound, `a member probes every other member within two rounds (${bound} ms with ${PUPPETS.length} others): round-robin over a shuffled list, not a fresh random pick each period`, () => `zoe went ${worst} ms without probing ${p} (it probed ${p} at t=${times.slice(1, -1).join(", ")} ms)`);
  }
});

ex.scripted(`§3.1 an unanswered ping is followed, after ${PING_TIMEOUT_MS} ms, by ping-reqs to ${INDIRECT_K} other members; one relayed ack saves the target from suspicion`, { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab);
  r.mute.add("n12");
  for (const p of PUPPETS) if (p !== "n12") r.relay.add(p);
  const end = 6000;
  r.sim.runUntil(end);
  r.o.judge();
  const os = r.outputs<Out>();
  expectThat(os.length === 0, "a member whose direct link fails but who is reachable through others is not suspected", () => `zoe said ${said(os)}`, os[0]?.t);
  const probes = r.sent("ping", "n12").map((x) => x.t - DELAY).filter((t) => t < end - PERIOD_MS);
  expectThat(probes.length > 0, "every member is probed", () => "zoe never pinged n12 in 6 s");
  for (const tp of probes) {
    const reqs = r.sent("ping-req").filter((x) => x.t - DELAY > tp && x.t - DELAY <= tp + PERIOD_MS && x.msg.target === "n12");
    const to = [...new Set(reqs.map((x) => x.to))];
    expectThat(reqs.length === INDIRECT_K && to.length === INDIRECT_K && !to.includes("n12"), `when a ping goes unanswered, ${INDIRECT_K} other members (never the target) are each asked once to probe it`, () => `n12 did not answer zoe's ping at t=${tp} ms; zoe then sent ${reqs.length ? reqs.map((x) => `ping-req to ${x.to} at t=${x.t - DELAY}`).join(", ") : "no ping-req"}`, tp);
    const early = reqs.find((x) => x.t - DELAY < tp + PING_TIMEOUT_MS);
    expectThat(early === undefined, `the direct ping gets ${PING_TIMEOUT_MS} ms before others are asked`, () => `zoe pinged n12 at t=${tp} ms and asked ${early!.to} to probe it at t=${early!.t - DELAY} ms`, tp);
  }
});

ex.scripted(`§4.2 with no ack, direct or relayed, by the end of the period a member is suspected once, declared dead once ${SUSPICION_TIMEOUT_MS} ms later, and then probed no more`, { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab);
  r.mute.add("n12");
  r.sim.runUntil(9000);
  r.o.judge();
  const os = r.about("n12");
  const others = r.outputs<Out>().filter((o) => o.value.node !== "n12");
  expectThat(others.length === 0, "members that answer are never suspected", () => `zoe said ${said(others)}`, others[0]?.t);
  const first = (2 * PUPPETS.length + 2) * PERIOD_MS;
  expectThat(os.length === 2 && os[0]!.value.type === "suspect" && os[0]!.t <= first && os[1]!.value.type === "dead", `a member that answers nothing is suspected (within ${first} ms here), then declared dead — one output each`, () => `n12 never answered; zoe said ${said(os)}`, os[0]?.t ?? first);
  const wait = os[1]!.t - os[0]!.t;
  expectThat(wait >= SUSPICION_TIMEOUT_MS && wait <= SUSPICION_TIMEOUT_MS + PERIOD_MS, `a suspect is declared dead ${SUSPICION_TIMEOUT_MS} ms after it was suspected, unless it refutes`, () => `zoe suspected n12 at t=${os[0]!.t} ms and declared it dead at t=${os[1]!.t} ms (${wait} ms later)`, os[1]!.t);
  const dead = os[1]!.t;
  const after = r.sent().filter((x) => x.t - DELAY > dead && (x.to === "n12" || (x.msg.type === "ping-req" && x.msg.target === "n12")));
  expectThat(after.length === 0, "a member declared dead leaves the membership list: it is neither probed nor probed for", () => `zoe declared n12 dead at t=${dead} ms and then sent ${after[0]!.msg.type} ${after[0]!.to === "n12" ? "to n12" : `about n12 to ${after[0]!.to}`} at t=${after[0]!.t - DELAY} ms`, after[0]?.t);
});

ex.scripted("§3.1 in a group of two, with nobody to ask, an unanswered probe still leads to suspicion", { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab, ["n12"]);
  r.mute.add("n12");
  r.sim.runUntil(6000);
  r.o.judge();
  const os = r.about("n12");
  expectThat(os[0]?.value.type === "suspect" && os[0].t <= 4 * PERIOD_MS, "a member that answers nothing is suspected, even when there is no other member to ask", () => `zoe's only peer, n12, never answered; zoe said ${said(os)}`, 4 * PERIOD_MS);
});

ex.scripted("§3.1 a ping-req is carried out: ping the target at once, and relay its ack to the requester once, with the requester's seq", { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab);
  // bob acks every ping twice (a duplicated ack).
  r.puppet("bob").answer = (from, msg, reply) => {
    if (msg.type !== "ping") return;
    reply(from, { type: "ack", seq: msg.seq, target: "bob", updates: [] });
    reply(from, { type: "ack", seq: msg.seq, target: "bob", updates: [] });
  };
  r.sayAt(1000, "alice", { type: "ping-req", seq: 4242, target: "bob", updates: [] });
  r.sim.runUntil(1000 + 2 * PERIOD_MS);
  r.o.judge();
  const arrived = 1000 + DELAY;
  const ping = r.sent("ping", "bob").find((x) => x.t - DELAY >= arrived);
  expectThat(ping !== undefined && ping.t - DELAY <= arrived + 1, "a member asked to probe another pings it at once", () => `alice's ping-req for bob reached zoe at t=${arrived} ms; zoe's next ping to bob ${ping ? `was at t=${ping.t - DELAY} ms` : "never came"}`, arrived);
  const relayed = r.sent("ack", "alice").filter((x) => x.msg.seq === 4242);
  expectThat(relayed.length === 1 && relayed[0]!.msg.target === "bob", "the target's ack is relayed to the requester once, with the requester's seq and the target named", () => `bob acked zoe's ping twice; zoe sent alice ${relayed.length ? relayed.map((x) => `ack {seq: ${x.msg.seq}, target: ${x.msg.target}}`).join(", ") : "no ack with seq 4242"}`, arrived);
});

ex.scripted("§3.1 relay requests lapse: an ack that comes seconds after the ping-req is not relayed (a member's state stays bounded)", { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab);
  r.mute.add("cy");
  r.sayAt(1000, "alice", { type: "ping-req", seq: 77, target: "cy", updates: [] });
  // Two seconds (ten periods) later cy finally acks every ping zoe sent it around then.
  r.sim.at(3000, () => {
    for (const x of r.puppet("cy").inbox) if (x.msg.type === "ping" && x.t >= 1000 && x.t <= 1100) r.sim.call<Puppet<Msg>, void>("cy", "send", (c) => c.send(SUBJECT, { type: "ack", seq: (x.msg as Swim.Ping).seq, target: "cy", updates: [] }));
  });
  r.sim.runUntil(3500);
  r.o.judge();
  const late = r.sent("ack", "alice").filter((x) => x.msg.seq === 77);
  expectThat(late.length === 0, "a relay waits for the target's ack for about one protocol period, then forgets the request", () => `alice asked zoe at t=1000 ms to probe cy; cy's ack came at t=3005 ms and zoe relayed it to alice at t=${late[0]!.t - DELAY} ms`, 3005);
});

ex.scripted("§4.2 precedence of news about a member: dead beats everything; alive beats only older incarnations; suspect beats alive at the same one — one output per change", { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab);
  // [news about bob, bob's status after it, the output it causes]
  const steps: [Update, Swim.Status, Out["type"] | null][] = [
    [upd("bob", "suspect", 0), "suspect", "suspect"],
    [upd("bob", "suspect", 0), "suspect", null],
    [upd("bob", "alive", 0), "suspect", null],
    [upd("bob", "alive", 1), "alive", "restore"],
    [upd("bob", "suspect", 0), "alive", null],
    [upd("bob", "alive", 1), "alive", null],
    [upd("bob", "suspect", 1), "suspect", "suspect"],
    [upd("bob", "suspect", 2), "suspect", null],
    [upd("bob", "alive", 2), "suspect", null],
    [upd("bob", "alive", 3), "alive", "restore"],
    [upd("bob", "dead", 0), "dead", "dead"],
    [upd("bob", "alive", 9), "dead", null],
    [upd("bob", "suspect", 9), "dead", null],
    [upd("bob", "dead", 9), "dead", null],
  ];
  r.sim.runUntil(1000);
  const heard: string[] = [];
  for (const [u, status, out] of steps) {
    const before = r.about("bob").length;
    r.gossip("alice", [u]);
    r.sim.run(20);
    heard.push(showU(u));
    const now = r.view()["bob"];
    const outs = r.about("bob").slice(before);
    expectThat(now === status, "§4.2 precedence: news about a member replaces what is held only when it is newer", () => `after hearing ${heard.join(", ")}, zoe's view() says bob is ${now}; it should be ${status}`, r.sim.now);
    expectThat(outs.length === (out ? 1 : 0) && (out === null || outs[0]!.value.type === out), "each change of a member's status is output once, and news that changes nothing outputs nothing", () => `hearing ${showU(u)} (after ${heard.slice(0, -1).join(", ") || "nothing"}) made zoe say ${said(outs)}; expected ${out ?? "nothing"}`, r.sim.now);
  }
  r.o.judge();
});

ex.scripted("§4.2 a repeated suspicion does not postpone the verdict: the suspect is declared dead on time", { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab);
  r.sim.runUntil(1000);
  r.gossip("alice", [upd("bob", "suspect", 1)]);
  const tellers = ["alice", "n7", "cy"];
  for (let k = 1; 1000 + 300 * k < 7000; k++) r.sim.at(1000 + 300 * k, () => r.gossip(tellers[k % tellers.length]!, [upd("bob", "suspect", 1)]));
  r.sim.runUntil(7000);
  r.o.judge();
  const os = r.about("bob");
  const dead = os.find((o) => o.value.type === "dead");
  const due = 1000 + DELAY + SUSPICION_TIMEOUT_MS;
  expectThat(dead !== undefined && dead.t <= due + PERIOD_MS, `a suspect that does not refute is declared dead ${SUSPICION_TIMEOUT_MS} ms after it was first suspected, however often the same suspicion is repeated`, () => `zoe heard bob suspect@1 at t=${1000 + DELAY} ms and again every 300 ms; it said ${said(os)} (dead was due by t=${due} ms)`, due);
});

ex.scripted("§4.2 refutation: a member that hears it is suspected at incarnation i ≥ its own takes i + 1 and spreads alive at i + 1; stale suspicions change nothing", { runs: RUNS.rule }, (lab) => {
  const r = new SwimRig(lab);
  const steps: [number, Update, number][] = [
    [1000, upd(SUBJECT, "suspect", 0), 1],
    [2000, upd(SUBJECT, "suspect", 3), 4],
    [3000, upd(SUBJECT, "suspect", 2), 4],
  ];
  r.sim.runUntil(steps[0]![0]);
  for (const [t, u, want] of steps) {
    r.sim.runUntil(t);
    r.gossip("alice", [u]);
    r.sim.run(10);
    const inc = r.incarnation();
    expectThat(inc === want, "§4.2 a suspected member refutes by raising its own incarnation past the suspicion's", () => `zoe heard ${showU(u)}; its incarnation() is ${inc}, expected ${want}`, r.sim.now);
    r.sim.run(2 * PERIOD_MS - 10);
    const spread = r.piggybacked().filter((x) => x.t > t && x.u.node === SUBJECT);
    expectThat(spread.some((x) => x.u.status === "alive" && x.u.incarnation === want) && spread.every((x) => x.u.status === "alive" && x.u.incarnation <= want), `the refutation spreads: the member's next messages carry "alive at ${want}" about itself (and never a suspicion of itself)`, () => `after hearing ${showU(u)}, zoe's messages carried ${spread.length ? spread.map((x) => showU(x.u)).join(", ") : "no news about zoe"}`, t);
  }
  r.o.judge();
});

const LOG_N = (n: number) => Math.ceil(Math.log2(n + 1));

ex.scripted(`§4.1 dissemination: news rides on the member's next messages, at most ${MAX_PIGGYBACK} per message and a bounded number of times each, then the messages go quiet`, { runs: RUNS.rule }, (lab) => {
  const others = ["bob", "n12", "n7", "cy", "dee", "eve", "fay", "gus"];
  const r = new SwimRig(lab, ["alice", ...others]);
  // At t=1000 alice tells zoe that eight members are suspect (more than fit on one message);
  // they never refute, so later they are declared dead.
  r.sim.runUntil(1000);
  const news = others.map((p) => upd(p, "suspect", 0));
  r.gossip("alice", news);
  const end = 14_000;
  r.sim.runUntil(end);
  r.o.judge();
  const sent = r.sent().map((x) => ({ t: x.t - DELAY, to: x.to, msg: x.msg }));
  const fat = sent.find((x) => x.msg.updates.length > MAX_PIGGYBACK);
  expectThat(fat === undefined, `at most ${MAX_PIGGYBACK} updates ride on one message`, () => `zoe's ${fat!.msg.type} to ${fat!.to} at t=${fat!.t} ms carried ${fat!.msg.updates.length} updates`, fat?.t);
  const carried = r.piggybacked();
  for (const u of news) {
    const first = carried.find((x) => x.t > 1000 && x.u.node === u.node && x.u.status === "suspect");
    expectThat(first !== undefined && first.t <= 1000 + 3 * PERIOD_MS, "§4.1 news is spread on the messages a member sends anyway", () => `zoe learnt ${showU(u)} at t=${1000 + DELAY} ms and had not passed it on by t=${1000 + 3 * PERIOD_MS} ms`, 1000 + 3 * PERIOD_MS);
  }
  const members = others.length + 2;
  const most = 2 * RETRANSMIT_MULT * LOG_N(members);
  const counts = new Map<string, number>();
  for (const x of carried) counts.set(showU(x.u), (counts.get(showU(x.u)) ?? 0) + 1);
  const [worst, times] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
  expectThat(times <= most, `each update is piggybacked about ${RETRANSMIT_MULT} × log2(n + 1) times, then retired (at most ${most} here)`, () => `zoe sent "${worst}" on ${times} messages`);
  const quietFrom = end - 3000;
  const noisy = sent.filter((x) => x.t >= quietFrom && x.msg.updates.length > 0);
  expectThat(noisy.length === 0, "once the news has been passed on enough times, messages carry no updates (a member's gossip is pruned)", () => `zoe's last news was at about t=${1000 + SUSPICION_TIMEOUT_MS} ms, yet from t=${quietFrom} ms it still sent ${noisy.length} messages with updates, e.g. ${noisy[0]!.msg.type} to ${noisy[0]!.to} at t=${noisy[0]!.t} ms carrying ${noisy[0]!.msg.updates.map(showU).join(", ")}`, noisy[0]?.t);
});

// ---------------------------------------------------------------------------
// Exhaustive search: every sequence of up to three pieces of news, from an
// alphabet of news about another member (alive or suspect at incarnations
// 0–2, which gives every "older, equal, newer" comparison; dead at 1) and
// suspicions of the member itself — so every order, repeat (duplicate) and
// stale arrival of them. The member's view, outputs and incarnation must be
// those of §4.2's rules (runner/check/swim.ts) after each.

const ALPHABET: Update[] = [
  ...(["alive", "suspect"] as const).flatMap((s) => [0, 1, 2].map((i) => upd("bob", s, i))),
  upd("bob", "dead", 1),
  upd(SUBJECT, "suspect", 0),
  upd(SUBJECT, "suspect", 1),
];
const NEWS_DEPTH = 3;

interface NewsState {
  news: Update[];
  /** What the member under test holds, said and is after hearing `news`. */
  got: { bob: Swim.Status; about: Out["type"][]; incarnation: number };
}

const NEWS_NODES = { [SUBJECT]: createMember, alice: puppet<Msg>, bob: puppet<Msg> };

/** alice tells a fresh member one piece of news every 10 ms; bob acks its pings, so only news moves bob's status. */
function hear(sim: Simulation, news: readonly Update[]): NewsState["got"] {
  for (const p of ["alice", "bob"]) sim.node<Puppet<Msg>>(p)!.answer = (from, msg, reply) => msg.type === "ping" && reply(from, { type: "ack", seq: msg.seq, target: p, updates: [] });
  for (const [k, u] of news.entries()) sim.at(10 * (k + 1), () => sim.call<Puppet<Msg>, void>("alice", "send", (a) => a.send(SUBJECT, { type: "ping", seq: 500 + k, updates: [u] })));
  sim.runUntil(10 * news.length + 20);
  return {
    bob: sim.call(SUBJECT, "view", (m: Swim.Member) => m.view())["bob"]!,
    about: sim.outputsOf<Out>(SUBJECT).filter((o) => o.value.node === "bob").map((o) => o.value.type),
    incarnation: sim.call(SUBJECT, "incarnation", (m: Swim.Member) => m.incarnation()),
  };
}

ex.scripted(`exhaustive search: every order of up to ${NEWS_DEPTH} pieces of news (duplicated, stale, about a member or about itself) leaves view(), outputs and incarnation as §4.2 says`, { runs: RUNS.pure }, (lab) => {
  // Thousands of short runs: bare simulations, not traced ones (the counterexample is replayed traced below).
  const run = (news: Update[]): NewsState => ({ news, got: hear(new Simulation({ seed: lab.seed, nodes: NEWS_NODES, network: { delayMs: [DELAY, DELAY] }, traceLimit: 64 }), news) });
  const report = explore<NewsState>(
    {
      init: () => [run([])],
      next: (s) => ALPHABET.map((u) => [`hear ${showU(u)}`, run([...s.news, u])] as const),
      hash: (s) => s.news.map(showU).join(" "),
    },
    {
      maxDepth: NEWS_DEPTH + 1,
      invariants: [
        {
          name: "§4.2",
          check: ({ news, got }) => {
            const want = afterNews(SUBJECT, news);
            const bob = want.held.get("bob")?.status ?? "alive";
            const about = want.outputs.filter((o) => o.node === "bob").map((o) => o.type);
            if (got.bob !== bob) return `view() says bob is ${got.bob}; §4.2 says ${bob}`;
            if (got.about.join(",") !== about.join(",")) return `zoe said ${got.about.map((t) => `${t} bob`).join(", ") || "nothing"} about bob; §4.2 says ${about.map((t) => `${t} bob`).join(", ") || "nothing"}`;
            if (got.incarnation !== want.incarnation) return `incarnation() is ${got.incarnation}; §4.2 says ${want.incarnation}`;
            return true;
          },
        },
      ],
    },
  );
  lab.metrics({ sequences: report.distinct, search: describeExploration(report) });
  const v = report.violation;
  if (!v) return;
  // Replay the shortest counterexample in a traced simulation, for the diagram and the replay command.
  const news = v.states.at(-1)!.news;
  const sim = lab.simulation({ nodes: NEWS_NODES, network: { delayMs: [DELAY, DELAY] } });
  hear(sim, news);
  expectThat(false, "§4.2 precedence and refutation hold whatever order news arrives in", () => [`zoe heard ${news.map(showU).join(", then ")} (bob acks every ping): ${v.details}.`, `Exhaustive search found it after ${describeExploration(report)}.`, "", renderDiagram(sim.trace.all(), { width: 80 })].join("\n"), sim.now);
});
