// Scripted schedules that random fault generators make only rarely: even-sized
// clusters, a server back from a long outage with a stale log and a high term,
// messages held back far past the election timeout, a crash at the very
// instant of a commit or of a restore, a server that fails again while it
// recovers. Each runs on the learner's cluster with the paper's safety
// properties checked after every event (RaftWorld).

import { expectThat } from "../../check/violation.ts";
import type { Exercise, Lab } from "../harness/exercise.ts";
import { ELECTION_TIMEOUT as T, RaftWorld, story, type CreateRaft } from "./raft.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;

function scenario(ex: Ex, name: string, runs: number, body: (lab: Lab) => void): void {
  ex.scripted(name, { runs }, (lab) => story(() => body(lab)));
}

export function electionSchedules(ex: Ex): void {
  scenario(ex, "EvenClusters: with four or six servers, half of them cannot elect a leader and one more can", 2, (lab) => {
    for (const n of [4, 6]) {
      const w = new RaftWorld(lab, ex.impl.createRaft, { n });
      const leader = w.checkOneLeader();
      const cut = Array.from({ length: n / 2 }, (_, k) => (leader + k) % n);
      for (const i of cut) w.disconnect(i);
      w.sleep(2 * T);
      w.checkNoLeader(); // n/2 of n is not a majority
      w.connect(cut[1]!);
      w.checkOneLeader();
    }
  });
}

export function logSchedules(ex: Ex): void {
  scenario(ex, "StaleRejoin: a server back from a long outage with a stale log and a high term deposes the leader but cannot stop it being elected again, while the third server is down", 2, (lab) => {
    const w = new RaftWorld(lab, ex.impl.createRaft, { n: 3 });
    w.one(101, 3, false);
    const leader = w.checkOneLeader();
    const stale = (leader + 1) % 3;
    const third = (leader + 2) % 3;
    w.disconnect(stale);
    w.one(102, 2, true); // the stale server misses it
    w.sleep(3 * T); // and keeps standing alone: its term climbs
    w.disconnect(third);
    w.connect(stale); // its RequestVotes depose the leader, which must refuse them (§5.4.1) and then stand itself
    w.checkOneLeader();
    w.connect(third);
    w.one(103, 3, true);
  });

  scenario(ex, "EvenAgreement: four servers commit with three but never with two; six commit with four but never with three", 2, (lab) => {
    for (const n of [4, 6]) {
      const w = new RaftWorld(lab, ex.impl.createRaft, { n });
      w.one(10, n, true);
      const leader = w.checkOneLeader();
      const cut = Array.from({ length: n / 2 }, (_, k) => (leader + 1 + k) % n);
      for (const i of cut) w.disconnect(i);
      const r = w.start(leader, 20)!;
      w.sleep(2 * T);
      const { count } = w.nCommitted(r.index);
      expectThat(count === 0, "nothing commits without a majority: half of an even-sized cluster is not one", () => `${count} servers applied index ${r.index} with ${n / 2} of ${n} servers connected`, w.sim.now);
      w.connect(cut[0]!);
      w.one(30, n / 2 + 1, true);
      for (const i of cut) w.connect(i);
      w.one(40, n, true);
    }
  });

  scenario(ex, "LateMessages: requests and replies held back 1–4 s (far past the election timeout) arrive in later terms while leaders change; the log properties hold and the cluster agrees afterwards", 2, (lab) => {
    const w = new RaftWorld(lab, ex.impl.createRaft, { n: 5 });
    w.one(1, 5, true);
    w.setLateMessages(true);
    const end = w.sim.now + 8000;
    let k = 1;
    const tick = () => {
      if (w.sim.now >= end) return;
      k++;
      for (let i = 0; i < 5; i++) if (w.start(i, k)?.isLeader) break;
      w.sim.at(w.sim.now + 40 + w.randInt(80), tick);
    };
    w.sim.at(w.sim.now, tick);
    while (w.sim.now < end) {
      w.sleep(1500);
      const leader = w.ids.findIndex((_, i) => w.connected[i] && w.getState(i)?.isLeader);
      if (leader < 0) continue;
      w.disconnect(leader); // a new term, while old-term messages are still on their way
      w.sleep(400);
      w.connect(leader);
    }
    w.setLateMessages(false);
    w.sleep(4000); // the last late messages land
    w.one(1_000_000, 5, true);
    w.checkAllLogs();
  });
}

export function persistSchedules(ex: Ex): void {
  scenario(ex, "CrashAfterCommit: every server crashes at the instant the leader commits an entry; after the restart the entry is still committed", 2, (lab) => {
    const w = new RaftWorld(lab, ex.impl.createRaft, { n: 3 });
    w.one(1, 3, true);
    for (let round = 0; round < 3; round++) {
      const leader = w.checkOneLeader();
      const base = w.appliedBy(leader);
      let hit = false;
      const committed = () => hit || (hit = w.appliedBy(leader) > base);
      for (let i = 0; i < 3; i++) w.crashWhen(i, committed);
      const r = w.start(leader, 100 + round);
      expectThat(r?.isLeader === true, "a leader accepts start() while it believes it leads", () => `${w.ids[leader]} answered ${JSON.stringify(r)}`, w.sim.now);
      w.sim.runUntilTrue(() => hit, 3000);
      expectThat(hit, "an entry given to a leader of a healthy cluster commits", () => `${w.ids[leader]} did not apply index ${r!.index} within 3 s`, w.sim.now);
      w.sleep(50);
      for (let i = 0; i < 3; i++) {
        w.start1(i);
        w.connect(i);
      }
      // Whoever leads now must hold it: if the entry was lost, another command lands at its
      // index and State Machine Safety (checked at every event) fails.
      w.one(200 + round, 3, true);
    }
  });

  scenario(ex, "FailAgain: a server back from a long outage fails again, twice, while it catches up, and still catches up", 2, (lab) => {
    const w = new RaftWorld(lab, ex.impl.createRaft, { n: 5 });
    w.one(1, 5, true);
    const down = (w.checkOneLeader() + 1) % 5;
    w.crash1(down);
    for (let k = 2; k <= 20; k++) {
      w.one(k, 4, true);
      w.sleep(400); // ten seconds of outage in all
    }
    for (let again = 0; again < 2; again++) {
      w.start1(down);
      w.connect(down);
      w.sleep(1 + w.randInt(60)); // part of the way through catching up (or recovering)
      w.crash1(down);
      w.sleep(300);
    }
    w.start1(down);
    w.connect(down);
    w.one(21, 5, true);
  });
}

const SNAP = 10;

export function snapshotSchedules(ex: Ex): void {
  scenario(ex, "CrashAfterRestore: a server crashes right after it restores its snapshot, and again; the log goes on after the snapshot", 2, (lab) => {
    const w = new RaftWorld(lab, ex.impl.createRaft, { n: 3, snapshotEvery: SNAP });
    for (let k = 0; k < 2 * SNAP + 3; k++) w.one(k + 1, 3, true);
    for (let round = 0; round < 3; round++) {
      const i = (w.checkOneLeader() + round) % 3;
      const last = w.one(1000 + round, 3, true);
      w.crash1(i);
      w.start1(i); // restores its snapshot and log …
      w.crash1(i); // … and fails before hearing anything
      w.start1(i);
      w.connect(i);
      const next = w.one(2000 + round, 3, true);
      expectThat(next > last, "after a restart new entries go after everything committed", () => `an entry went to index ${next} after index ${last} had been committed`, w.sim.now);
    }
  });

  scenario(ex, "CrashAfterInstall: a follower crashes at the instant it installs the leader's snapshot, and restarts from it", 2, (lab) => {
    const w = new RaftWorld(lab, ex.impl.createRaft, { n: 3, snapshotEvery: SNAP });
    w.one(1, 3, true);
    const follower = (w.checkOneLeader() + 1) % 3;
    w.disconnect(follower);
    for (let k = 2; k < 3 * SNAP; k++) w.one(k, 2, true); // the others snapshot past what it has
    const before = w.snapshotsBy(follower);
    w.crashWhen(follower, () => w.snapshotsBy(follower) > before);
    w.connect(follower);
    w.sim.runUntilTrue(() => !w.crashPending(), 3000);
    expectThat(!w.crashPending(), "a follower missing entries the leader discarded gets the leader's snapshot (§7)", () => `${w.ids[follower]} installed no snapshot within 3 s of reconnecting`, w.sim.now);
    w.sleep(50);
    w.start1(follower);
    w.connect(follower);
    w.one(1000, 3, true);
  });
}
