// The rules every heartbeat-style detector keeps (fd-heartbeat, fd-adaptive,
// fd-phi), one white-box scenario each. The detector under test ("zoe")
// watches three puppets whose heartbeats the scenario writes, so each rule is
// driven alone: silence, a single late heartbeat, repeated, stale and
// duplicated ones. The ids are deliberately not n1…n7. Chandra & Toueg
// ("Unreliable Failure Detectors for Reliable Distributed Systems", 1996) give
// the two properties: completeness (a crashed process is eventually suspected
// by every correct one, for good) and accuracy (correct processes are not
// suspected); a detector that may be wrong must withdraw its mistakes.

import { expectThat } from "../../check/violation.ts";
import type { NodeFactory, NodeId } from "../../sim/index.ts";
import type { Exercise, Lab } from "../harness/exercise.ts";
import { PuppetRig } from "../support/puppet.ts";
import { Observer, RUNS, SUSPECTS } from "./support.ts";

export type Out = { type: "suspect"; node: NodeId } | { type: "restore"; node: NodeId };

export interface HeartbeatFamily<M extends { type: string }> {
  create: NodeFactory;
  /** The exercise's HEARTBEAT_MS. */
  periodMs: number;
  /** The k-th heartbeat a peer sends since it (re)started. */
  heartbeat(k: number): M;
  /** Whether heartbeats carry `seq` (fd-phi's do not). */
  carriesSeq: boolean;
  /** Silence (since the last heartbeat, or the monitor's start) that never justifies a suspicion of a peer not yet wrongly suspected. */
  patienceMs: number;
  /** Silence by which such a peer must be suspected. */
  detectionMs: number;
  /** Silence by which a peer must be suspected again after one wrong suspicion of it (adaptive detectors are allowed to have grown more patient). */
  redetectionMs: number;
  /** Gaps between heartbeats up to this long must never cause a suspicion. */
  quietGapMs: number;
}

const SUBJECT = "zoe";
const PEERS = ["alice", "n12", "n7"];
/** Every message takes exactly this long in these scenarios. */
const DELAY = 5;

export function heartbeatRules<M extends { type: string }>(ex: Exercise<unknown>, f: HeartbeatFamily<M>): void {
  const rig = (lab: Lab) => {
    const r = new PuppetRig<M>(lab, SUBJECT, f.create, PEERS);
    return { r, o: new Observer(lab, r.sim, SUSPECTS, [SUBJECT]) };
  };
  const about = (r: PuppetRig<M>, p: NodeId) => r.outputs<Out>().filter((o) => o.value.node === p);
  const list = (os: { t: number; value: Out }[]) => os.map((o) => `${o.value.type} at t=${o.t}`).join(", ") || "nothing";

  /** Between `from` and `until` zoe says exactly one thing about `p`: that it suspects it, between window[0] and window[1] ms after `silentSince`. */
  const expectSuspectedOnce = (r: PuppetRig<M>, p: NodeId, silentSince: number, window: readonly [number, number], until: number, what: string, from = silentSince) => {
    const os = about(r, p).filter((o) => o.t > from && o.t <= until);
    const first = os[0];
    expectThat(first !== undefined && first.value.type === "suspect", `${what}: a peer silent for ${window[1]} ms is suspected`, () => `${p} sent nothing after t=${silentSince} ms; ${SUBJECT} said ${list(os)} about it by t=${until} ms`, silentSince + window[1]);
    const after = first.t - silentSince;
    expectThat(after >= window[0], `${what}: a peer is not suspected before ${window[0]} ms of silence`, () => `${SUBJECT} suspected ${p} ${after} ms after ${silentSince === 0 ? "starting" : `its heartbeat arrived at t=${silentSince} ms`}`, first.t);
    expectThat(after <= window[1], `${what}: a peer silent for ${window[1]} ms is suspected`, () => `${SUBJECT} suspected ${p} only ${after} ms after ${silentSince === 0 ? "starting" : `its last heartbeat arrived (t=${silentSince} ms)`}`, first.t);
    expectThat(os.length === 1, "a suspicion is said once, however long the silence lasts", () => `while ${p} stayed silent ${SUBJECT} said: ${list(os)}`, os[1]?.t);
  };

  ex.scripted("Chandra & Toueg strong completeness: a peer that never speaks is suspected — once, after the timeout and not before — and stays suspected", { runs: RUNS.rule }, (lab) => {
    const { r, o } = rig(lab);
    r.sim.runUntil(4000);
    o.judge();
    for (const p of PEERS) expectSuspectedOnce(r, p, 0, [f.patienceMs, f.detectionMs], 4000, "completeness");
  });

  ex.scripted("a monitor that restarts trusts everyone again, and watches every peer from its restart", { runs: RUNS.rule }, (lab) => {
    const { r, o } = rig(lab);
    r.sim.at(1500, () => r.sim.crash(SUBJECT));
    r.sim.at(2000, () => r.sim.restart(SUBJECT));
    r.sim.runUntil(5000);
    o.judge();
    for (const p of PEERS) expectSuspectedOnce(r, p, 2000, [f.patienceMs, f.detectionMs], 5000, "after a restart");
  });

  ex.scripted("a heartbeat from a suspect withdraws the suspicion at once (one restore), and new silence is suspected again — also after every peer was suspected", { runs: RUNS.rule }, (lab) => {
    const { r, o } = rig(lab);
    // Everyone is silent (and so suspected) until t=2000; then one heartbeat each, twice.
    const rounds = [2000, 5000];
    for (const [i, t] of rounds.entries()) for (const p of PEERS) r.sayAt(t, p, f.heartbeat(i + 1));
    r.sim.runUntil(8000);
    o.judge();
    for (const p of PEERS) {
      for (const t of rounds) {
        const arrived = t + DELAY;
        const os = about(r, p).filter((x) => x.t >= t && x.t < t + 3000);
        const restore = os[0];
        expectThat(restore?.value.type === "restore" && restore.t <= arrived + f.periodMs, "a heartbeat from a suspected peer withdraws the suspicion as soon as it arrives", () => `${p} was suspected and its heartbeat reached ${SUBJECT} at t=${arrived} ms; ${SUBJECT} then said ${list(os)}`, arrived);
        expectSuspectedOnce(r, p, arrived, [Math.min(f.patienceMs, f.redetectionMs), f.redetectionMs], t + 3000, "liveness after a change of mind (watch a suspect again once it is back)", restore.t);
      }
    }
  });

  ex.scripted("accuracy: heartbeats that arrive in time never cause a suspicion, and produce no output whatever their seq (repeated, restarted at 1, duplicated)", { runs: RUNS.rule }, (lab) => {
    const { r, o } = rig(lab);
    const q = f.quietGapMs;
    // Gaps (ms) between one peer's heartbeats; 0 is a duplicate. Each peer starts at a different offset.
    const gaps = [f.periodMs, 0, q, f.periodMs / 2, q, 10, q - 30, f.periodMs, 0, q, f.periodMs];
    const seqs = [1, 1, 2, 3, 1, 2, 2, 5, 4, 1, 2, 3];
    let last = 0;
    for (const [j, p] of PEERS.entries()) {
      let t = 20 * j;
      for (let round = 0; round < 4; round++)
        for (const [i, g] of gaps.entries()) {
          t += g;
          r.sayAt(t, p, f.heartbeat(seqs[i % seqs.length]!));
        }
      last = Math.max(last, t);
    }
    r.sim.runUntil(last + DELAY + f.detectionMs + 200);
    o.judge();
    const quiet = r.outputs<Out>().filter((x) => x.t <= last + DELAY);
    expectThat(quiet.length === 0, `accuracy: a peer whose heartbeats are never more than ${q} ms apart is never suspected, and nothing is said about it`, () => `${SUBJECT} said ${quiet.map((x) => `${x.value.type} ${x.value.node} at t=${x.t}`).join(", ")}`, quiet[0]?.t);
    // And the detector is not simply inert: once the heartbeats stop, each peer is suspected.
    for (const p of PEERS)
      expectThat(about(r, p).some((x) => x.value.type === "suspect"), "completeness: once its heartbeats stop, a peer is suspected", () => `${p} sent its last heartbeat before t=${last} ms and was never suspected`);
  });

  if (f.carriesSeq)
    ex.scripted("a heartbeat with a lower seq than any before proves the peer alive: it restarted and counts from 1 again", { runs: RUNS.rule }, (lab) => {
      const { r, o } = rig(lab);
      for (let k = 1; k <= 15; k++) for (const p of PEERS) r.sayAt(k * f.periodMs, p, f.heartbeat(k));
      // Silence from t=1500 (suspected), then a restarted peer's heartbeats: 1, 2, 3…
      const back = 1500 + f.detectionMs + 500;
      for (let k = 1; k <= 10; k++) for (const p of PEERS) r.sayAt(back + (k - 1) * f.periodMs, p, f.heartbeat(k));
      r.sim.runUntil(back + 10 * f.periodMs);
      o.judge();
      for (const p of PEERS) {
        const os = about(r, p);
        expectThat(os.length === 2 && os[0]!.value.type === "suspect" && os[1]!.value.type === "restore" && os[1]!.t <= back + DELAY + f.periodMs, "a heartbeat proves its sender alive, whatever its seq (a peer that restarts counts from 1 again)", () => `${p} sent seq 1…15, fell silent, and restarted at t=${back} ms sending seq 1, 2, 3…; ${SUBJECT} said ${list(os)}`, back + DELAY);
      }
    });

  ex.scripted("a node heartbeats every peer once per period, suspected or not, and does not answer heartbeats", { runs: RUNS.rule }, (lab) => {
    const { r, o } = rig(lab);
    // alice and n7 are silent (so suspected); n12 chatters every 40 ms.
    for (let t = 0; t < 3000; t += 40) r.sayAt(t, "n12", f.heartbeat(t / 40 + 1));
    r.sim.runUntil(3000);
    o.judge();
    const from = 1000;
    const to = 3000;
    const expected = (to - from) / f.periodMs;
    for (const p of PEERS) {
      const got = r.sent("heartbeat" as M["type"], p).filter((x) => x.t - DELAY >= from && x.t - DELAY < to);
      expectThat(got.length >= expected - 1 && got.length <= expected + 1, `a node sends each peer one heartbeat per ${f.periodMs} ms period, whether it suspects the peer or not (a suspect that never hears from you cannot show you it is alive)`, () => `from t=${from} to t=${to} ms ${SUBJECT} sent ${got.length} heartbeats to ${p} (${expected} expected)${p === "n12" ? "; n12 sent one every 40 ms" : `; ${SUBJECT} suspected ${p}`}`, to);
      if (f.carriesSeq) {
        const seqs = r.sent("heartbeat" as M["type"], p).map((x) => (x.msg as unknown as { seq: number }).seq);
        const back = seqs.findIndex((s, i) => i > 0 && !(s > seqs[i - 1]!));
        expectThat(back < 0, "seq counts a node's heartbeats: each is higher than the one before", () => `${SUBJECT} sent ${p} the seqs ${seqs.slice(Math.max(0, back - 3), back + 1).join(", ")}…`);
      }
    }
  });
}
