// The classic Raft lab's scenarios (MIT 6.5840's Raft tests, 3A–3D), story
// by story and limit by limit, in virtual time. Each stage's suite registers
// its own stage and every earlier one, so a later stage never breaks what an
// earlier one proved.
//
// Where these differ from 6.5840 (2025 edition):
// - Time is virtual and one run is one seed: a test that 6.5840 runs once in
//   real time runs here on a few seeds (see the seed policy in raftGenerative.ts).
// - There is no RPC: a request and its reply are two messages, each lost,
//   delayed and duplicated on its own. 6.5840's unreliable network loses
//   about 10% of requests and of replies and delays them up to 27 ms; ours
//   loses 10% of messages and delays them 0–26 ms. Its long reordering holds
//   back replies 200–2,200 ms; so does ours (setLongReordering).
// - crash1/start1 keep the disk as it was at the crash; 6.5840 copies the
//   persister (the same thing), and its snapshot service is the harness here.
// - Limits are checked in messages and bytes the simulator counts (Count,
//   RPCBytes), not by labrpc's counters, and agreement waits ("one") use
//   virtual seconds: 10 s per command as in 6.5840.
// - Figure8Unreliable keeps the network unreliable, with long reordering,
//   through its final agreement, as 6.5840 does; SnapshotAllCrash and
//   SnapshotInit run on a reliable and on an unreliable network (6.5840's
//   2025 tests use an unreliable one).

import { expectThat } from "../../check/violation.ts";
import type { Exercise, Lab } from "../harness/exercise.ts";
import { ELECTION_TIMEOUT as T, RaftWorld, story, type CreateRaft, type Proposal, type WorldOptions } from "./raft.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;

/** ex.scripted, with the story run under one guard installation. */
function scenario(ex: Ex, name: string, opts: { runs: number }, body: (lab: Lab) => void): void {
  ex.scripted(name, opts, (lab) => story(() => body(lab)));
}

function world(lab: Lab, ex: Ex, opts: WorldOptions): RaftWorld {
  return new RaftWorld(lab, ex.impl.createRaft, opts);
}

// ---------------------------------------------------------------------------
// Stage raft-election (classic 3A)

export function electionClassic(ex: Ex): void {
  scenario(ex, "InitialElection: three servers elect one leader, agree on its term, and keep it while nothing fails", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    w.checkOneLeader();
    w.sleep(50);
    const term1 = w.checkTerms();
    expectThat(term1 >= 1, "an election happens: the term moves past 0", () => `every server is still in term ${term1}`, w.sim.now);
    w.sleep(2 * T);
    const term2 = w.checkTerms();
    expectThat(term1 === term2, "with no failures, the term stays the same (heartbeats keep followers quiet)", () => `the term went from ${term1} to ${term2} in 2 s without any failure`, w.sim.now);
    w.checkOneLeader();
  });

  scenario(ex, "ReElection: a new leader within 5 s of losing one; no leader without a majority", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    const leader1 = w.checkOneLeader();
    w.disconnect(leader1);
    w.checkOneLeader();
    w.connect(leader1); // the old leader returns and must not disturb the new one
    const leader2 = w.checkOneLeader();
    w.disconnect(leader2);
    w.disconnect((leader2 + 1) % 3);
    w.sleep(2 * T);
    w.checkNoLeader();
    w.connect((leader2 + 1) % 3);
    w.checkOneLeader();
    w.connect(leader2);
    w.checkOneLeader();
  });

  scenario(ex, "ManyElections: seven servers keep electing a leader while three at a time are cut off", { runs: 2 }, (lab) => {
    const w = world(lab, ex, { n: 7 });
    w.checkOneLeader();
    for (let it = 0; it < 10; it++) {
      const a = w.randInt(7), b = w.randInt(7), c = w.randInt(7);
      w.disconnect(a);
      w.disconnect(b);
      w.disconnect(c);
      w.checkOneLeader(); // four or more remain: a majority
      w.connect(a);
      w.connect(b);
      w.connect(c);
    }
    w.checkOneLeader();
  });
}

// ---------------------------------------------------------------------------
// Stage raft-log (classic 3B)

export function logClassic(ex: Ex): void {
  scenario(ex, "BasicAgree: each command is agreed at the next index, and nothing commits before start()", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    for (let index = 1; index <= 3; index++) {
      const { count } = w.nCommitted(index);
      expectThat(count === 0, "nothing is committed before it was started", () => `${count} servers applied index ${index} before any command was submitted for it`, w.sim.now);
      const x = w.one(index * 100, 3, false);
      expectThat(x === index, "start() returns the index the command will have", () => `the command landed at index ${x}, expected ${index}`, w.sim.now);
    }
  });

  scenario(ex, "RPCBytes: each command travels to each follower about once (bytes ≤ 3 × payload + 50,000)", { runs: 2 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    w.one(99, 3, false);
    const bytes0 = w.bytesTotal();
    let sent = 0;
    for (let index = 2; index <= 11; index++) {
      let cmd = "";
      while (cmd.length < 5000) cmd += w.randInt(1e9).toString(36);
      cmd = cmd.slice(0, 5000);
      const x = w.one(cmd, 3, false);
      expectThat(x === index, "start() returns the index the command will have", () => `the command landed at index ${x}, expected ${index}`, w.sim.now);
      sent += cmd.length;
    }
    const got = w.bytesTotal() - bytes0;
    expectThat(got <= 3 * sent + 50_000, "entries are not sent over and over: message bytes stay within 3 × payload + 50,000", () => `${got} bytes were sent for ${sent} bytes of commands (limit ${3 * sent + 50_000})`, w.sim.now);
  });

  scenario(ex, "FollowerFailure: agreement continues without one follower, and stops without a majority", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    w.one(101, 3, false);
    const leader1 = w.checkOneLeader();
    w.disconnect((leader1 + 1) % 3);
    w.one(102, 2, false);
    w.sleep(T);
    w.one(103, 2, false);
    const leader2 = w.checkOneLeader();
    w.disconnect((leader2 + 1) % 3);
    w.disconnect((leader2 + 2) % 3);
    const r = w.start(leader2, 104)!;
    expectThat(r.isLeader, "a leader accepts start() while it believes it leads", () => `${w.ids[leader2]} refused start()`, w.sim.now);
    expectThat(r.index === 4, "start() returns the next index", () => `got index ${r.index}, expected 4`, w.sim.now);
    w.sleep(2 * T);
    const { count } = w.nCommitted(r.index);
    expectThat(count === 0, "nothing commits without a majority", () => `${count} servers applied index ${r.index} though the leader was alone`, w.sim.now);
  });

  scenario(ex, "LeaderFailure: a new leader carries on after the leader fails; a lone server commits nothing", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    w.one(101, 3, false);
    const leader1 = w.checkOneLeader();
    w.disconnect(leader1);
    w.one(102, 2, false);
    w.sleep(T);
    w.one(103, 2, false);
    const leader2 = w.checkOneLeader();
    w.disconnect(leader2);
    for (let i = 0; i < 3; i++) w.start(i, 104);
    w.sleep(2 * T);
    const { count } = w.nCommitted(4);
    expectThat(count === 0, "nothing commits without a majority", () => `${count} servers applied index 4 with every server cut off from the others`, w.sim.now);
  });

  scenario(ex, "FailAgree: a follower that was cut off catches up when it reconnects", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    w.one(101, 3, false);
    const leader = w.checkOneLeader();
    w.disconnect((leader + 1) % 3);
    w.one(102, 2, false);
    w.one(103, 2, false);
    w.sleep(T);
    w.one(104, 2, false);
    w.one(105, 2, false);
    w.connect((leader + 1) % 3);
    w.one(106, 3, true);
    w.sleep(T);
    w.one(107, 3, true);
  });

  scenario(ex, "FailNoAgree: with three of five cut off nothing commits; after healing the cluster agrees again", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 5 });
    w.one(10, 5, false);
    const leader = w.checkOneLeader();
    for (const k of [1, 2, 3]) w.disconnect((leader + k) % 5);
    const r = w.start(leader, 20)!;
    expectThat(r.isLeader, "a leader accepts start() while it believes it leads", () => `${w.ids[leader]} refused start()`, w.sim.now);
    expectThat(r.index === 2, "start() returns the next index", () => `got index ${r.index}, expected 2`, w.sim.now);
    w.sleep(2 * T);
    const { count } = w.nCommitted(r.index);
    expectThat(count === 0, "nothing commits without a majority", () => `${count} servers applied index ${r.index} with only two connected`, w.sim.now);
    for (const k of [1, 2, 3]) w.connect((leader + k) % 5);
    const leader2 = w.checkOneLeader();
    const r2 = w.start(leader2, 30)!;
    expectThat(r2.isLeader, "a leader accepts start() while it believes it leads", () => `${w.ids[leader2]} refused start()`, w.sim.now);
    expectThat(r2.index >= 2 && r2.index <= 3, "the uncommitted entry is either kept or replaced, nothing else", () => `start() returned index ${r2.index}, expected 2 or 3`, w.sim.now);
    w.one(1000, 5, true);
  });

  scenario(ex, "ConcurrentStarts: commands started at the same moment are all committed", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    let success = false;
    for (let attempt = 0; attempt < 5 && !success; attempt++) {
      if (attempt > 0) w.sleep(3000);
      const leader = w.checkOneLeader();
      const first = w.start(leader, 1)!;
      if (!first.isLeader) continue;
      const indices: number[] = [];
      let moved = false;
      for (let i = 0; i < 5; i++) {
        const r = w.start(leader, 100 + i)!;
        if (r.term !== first.term || !r.isLeader) moved = true;
        else indices.push(r.index);
      }
      if (moved) continue;
      const got: unknown[] = [];
      for (const index of indices) {
        const cmd = w.wait(index, 3, first.term);
        if (cmd === -1) moved = true;
        else got.push(cmd);
      }
      if (moved) continue;
      for (let i = 0; i < 5; i++) expectThat(got.includes(100 + i), "every command started by a stable leader is committed", () => `command ${100 + i} is missing from the committed entries ${JSON.stringify(got)}`, w.sim.now);
      success = true;
    }
    expectThat(success, "a leader stays in office long enough to commit five commands", () => "the term changed in each of five attempts", w.sim.now);
  });

  scenario(ex, "Rejoin: a partitioned leader rejoins, and its uncommitted entries give way", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    w.one(101, 3, true);
    const leader1 = w.checkOneLeader();
    w.disconnect(leader1);
    w.start(leader1, 102);
    w.start(leader1, 103);
    w.start(leader1, 104);
    w.one(103, 2, true);
    const leader2 = w.checkOneLeader();
    w.disconnect(leader2);
    w.connect(leader1);
    w.one(104, 2, true);
    w.connect(leader2);
    w.one(105, 3, true);
  });

  scenario(ex, "Backup: a leader quickly backs up over many conflicting entries to bring followers in line", { runs: 2 }, (lab) => {
    const w = world(lab, ex, { n: 5 });
    w.one(w.randInt(1e9), 5, true);
    const leader1 = w.checkOneLeader();
    const at = (k: number) => (leader1 + k) % 5;
    w.disconnect(at(2));
    w.disconnect(at(3));
    w.disconnect(at(4));
    for (let i = 0; i < 50; i++) w.start(leader1, w.randInt(1e9)); // will never commit
    w.sleep(T / 2);
    w.disconnect(at(0));
    w.disconnect(at(1));
    w.connect(at(2));
    w.connect(at(3));
    w.connect(at(4));
    for (let i = 0; i < 50; i++) w.one(w.randInt(1e9), 3, true);
    const leader2 = w.checkOneLeader();
    let other = at(2);
    if (leader2 === other) other = (leader2 + 1) % 5;
    w.disconnect(other);
    for (let i = 0; i < 50; i++) w.start(leader2, w.randInt(1e9)); // will never commit
    w.sleep(T / 2);
    for (let i = 0; i < 5; i++) w.disconnect(i);
    w.connect(at(0));
    w.connect(at(1));
    w.connect(other);
    for (let i = 0; i < 50; i++) w.one(w.randInt(1e9), 3, true);
    for (let i = 0; i < 5; i++) w.connect(i);
    w.one(w.randInt(1e9), 5, true);
  });

  scenario(ex, "Count: an election takes ≤ 30 requests, 10 agreements ≤ 42, one idle second ≤ 60", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    w.checkOneLeader();
    const total0 = w.rpcTotal();
    expectThat(total0 >= 1 && total0 <= 30, "an election needs a handful of requests (between 1 and 30)", () => `${total0} requests were sent to elect the first leader`, w.sim.now);
    let success = false;
    let total2 = 0;
    for (let attempt = 0; attempt < 5 && !success; attempt++) {
      if (attempt > 0) w.sleep(3000);
      const leader = w.checkOneLeader();
      const total1 = w.rpcTotal();
      const first = w.start(leader, 1)!;
      if (!first.isLeader) continue;
      const cmds: number[] = [];
      let moved = false;
      for (let i = 1; i <= 10; i++) {
        const x = w.randInt(1e9);
        cmds.push(x);
        const r = w.start(leader, x)!;
        if (r.term !== first.term) moved = true;
        if (!r.isLeader) moved = true;
        if (moved) break;
        expectThat(r.index === first.index + i, "start() returns consecutive indices", () => `start() returned ${r.index}, expected ${first.index + i}`, w.sim.now);
      }
      if (moved) continue;
      for (let i = 1; i <= 10; i++) {
        const cmd = w.wait(first.index + i, 3, first.term);
        if (cmd === -1) {
          moved = true;
          break;
        }
        expectThat(cmd === cmds[i - 1], "each index holds the command started there", () => `index ${first.index + i} holds ${JSON.stringify(cmd)}, expected ${cmds[i - 1]}`, w.sim.now);
      }
      if (moved) continue;
      total2 = w.rpcTotal();
      expectThat(total2 - total1 <= (10 + 1 + 3) * 3, "ten agreements take at most (10 + 1 + 3) × 3 = 42 requests (batch entries, do not send one message per start per follower)", () => `${total2 - total1} requests were sent for 10 entries`, w.sim.now);
      success = true;
    }
    expectThat(success, "a leader stays in office long enough to commit ten commands", () => "the term changed in each of five attempts", w.sim.now);
    w.sleep(T);
    const total3 = w.rpcTotal();
    expectThat(total3 - total2 <= 3 * 20, "an idle leader sends at most 10 heartbeats a second per follower (≤ 60 requests per idle second)", () => `${total3 - total2} requests in one idle second`, w.sim.now);
  });
}

// ---------------------------------------------------------------------------
// Stage raft-persist (classic 3C)

export function persistClassic(ex: Ex): void {
  scenario(ex, "Persist1: servers that crash and restart remember terms, votes and logs", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    w.one(11, 3, true);
    for (let i = 0; i < 3; i++) w.start1(i);
    for (let i = 0; i < 3; i++) w.connect(i);
    w.one(12, 3, true);
    const leader1 = w.checkOneLeader();
    w.start1(leader1);
    w.connect(leader1);
    w.one(13, 3, true);
    const leader2 = w.checkOneLeader();
    w.disconnect(leader2);
    w.one(14, 2, true);
    w.start1(leader2);
    w.connect(leader2);
    w.wait(4, 3, -1);
    const i3 = (w.checkOneLeader() + 1) % 3;
    w.disconnect(i3);
    w.one(15, 2, true);
    w.start1(i3);
    w.connect(i3);
    w.one(16, 3, true);
  });

  scenario(ex, "Persist2: five servers keep agreeing through repeated crashes of majorities", { runs: 2 }, (lab) => {
    const w = world(lab, ex, { n: 5 });
    let index = 1;
    for (let it = 0; it < 5; it++) {
      w.one(10 + index++, 5, true);
      const leader1 = w.checkOneLeader();
      const at = (k: number) => (leader1 + k) % 5;
      w.disconnect(at(1));
      w.disconnect(at(2));
      w.one(10 + index++, 3, true);
      w.disconnect(at(0));
      w.disconnect(at(3));
      w.disconnect(at(4));
      w.start1(at(1));
      w.start1(at(2));
      w.connect(at(1));
      w.connect(at(2));
      w.sleep(T);
      w.start1(at(3));
      w.connect(at(3));
      w.one(10 + index++, 3, true);
      w.connect(at(4));
      w.connect(at(0));
    }
    w.one(1000, 5, true);
  });

  scenario(ex, "Persist3: a leader and a follower crash and restart with a partitioned server in between", { runs: 3 }, (lab) => {
    const w = world(lab, ex, { n: 3 });
    w.one(101, 3, true);
    const leader = w.checkOneLeader();
    w.disconnect((leader + 2) % 3);
    w.one(102, 2, true);
    w.crash1((leader + 0) % 3);
    w.crash1((leader + 1) % 3);
    w.connect((leader + 2) % 3);
    w.start1((leader + 0) % 3);
    w.connect((leader + 0) % 3);
    w.one(103, 2, true);
    w.start1((leader + 1) % 3);
    w.connect((leader + 1) % 3);
    w.one(104, 3, true);
  });

  const figure8 = (lab: Lab, unreliable: boolean) => {
    const w = world(lab, ex, { n: 5, unreliable });
    w.one(w.randInt(10_000), 1, true);
    let nup = 5;
    for (let it = 0; it < 1000; it++) {
      if (unreliable && it === 200) w.setLongReordering(true);
      let leader = -1;
      for (let i = 0; i < 5; i++) {
        const r = w.start(i, w.randInt(10_000));
        if (r?.isLeader && (!unreliable || w.connected[i])) leader = i;
      }
      if (w.randInt(1000) < 100) w.sleep(w.randInt(T / 2));
      else w.sleep(w.randInt(13));
      if (unreliable) {
        if (leader !== -1 && w.randInt(1000) < T / 2) {
          w.disconnect(leader);
          nup--;
        }
        if (nup < 3) {
          const s = w.randInt(5);
          if (!w.connected[s]) {
            w.connect(s);
            nup++;
          }
        }
      } else {
        if (leader !== -1) {
          w.crash1(leader);
          nup--;
        }
        if (nup < 3) {
          const s = w.randInt(5);
          if (!w.isUp(s)) {
            w.start1(s);
            w.connect(s);
            nup++;
          }
        }
      }
    }
    for (let i = 0; i < 5; i++) {
      if (unreliable) {
        if (!w.connected[i]) w.connect(i);
      } else if (!w.isUp(i)) {
        w.start1(i);
        w.connect(i);
      }
    }
    // 6.5840 keeps loss and long reordering on for the last agreement too: a
    // leader that backs up one entry per round trip cannot make it in 10 s.
    w.one(w.randInt(10_000), 5, true);
    w.checkAllLogs();
  };

  scenario(ex, "Figure8: leaders crash right after accepting entries; nothing committed is ever lost (Figure 8)", { runs: 2 }, (lab) => figure8(lab, false));

  scenario(ex, "UnreliableAgree: agreement under 10% loss and random delays, with many clients at once", { runs: 2 }, (lab) => {
    const w = world(lab, ex, { n: 5, unreliable: true });
    const bg: Proposal[] = [];
    for (let it = 1; it < 50; it++) {
      for (let j = 0; j < 4; j++) bg.push(w.propose(100 * it + j, 1, true));
      w.one(it, 1, true);
    }
    w.setUnreliable(false);
    w.sim.runUntilTrue(() => bg.every((p) => p.done), 11_000);
    for (const p of bg) p.expectAgreed();
    w.one(100, 5, true);
  });

  scenario(ex, "Figure8Unreliable: leaders cut off at random under loss and long reordering; nothing committed is ever lost", { runs: 2 }, (lab) => figure8(lab, true));

  const churn = (lab: Lab, unreliable: boolean) => {
    const w = world(lab, ex, { n: 5, unreliable });
    let stop = false;
    const values: number[] = [];
    // Three clients: each starts a value on every server that will take it, then watches whether it commits.
    const client = (me: number) => {
      const loop = () => {
        if (stop) return;
        const x = w.randInt(1e9);
        let index = -1;
        for (let i = 0; i < 5; i++) {
          const r = w.start(i, x);
          if (r?.isLeader) index = r.index;
        }
        if (index === -1) return w.sim.at(w.sim.now + 79 + me * 17, loop);
        const waits = [10, 20, 50, 100, 200];
        // Wait a little, then look: 10, 20, 50, 100, 200 ms.
        const check = (k: number) => {
          const { count, cmd } = w.nCommitted(index);
          if (count > 0) {
            if (cmd === x) values.push(x);
            return w.sim.at(w.sim.now, loop);
          }
          if (k >= waits.length) return w.sim.at(w.sim.now, loop);
          w.sim.at(w.sim.now + waits[k]!, () => check(k + 1));
        };
        w.sim.at(w.sim.now + waits[0]!, () => check(1));
      };
      w.sim.at(w.sim.now, loop);
    };
    for (let c = 0; c < 3; c++) client(c);
    for (let it = 0; it < 20; it++) {
      if (w.randInt(1000) < 200) w.disconnect(w.randInt(5));
      if (w.randInt(1000) < 500) {
        const i = w.randInt(5);
        if (!w.isUp(i)) w.start1(i);
        w.connect(i);
      }
      if (w.randInt(1000) < 200) {
        const i = w.randInt(5);
        if (w.isUp(i)) w.crash1(i);
      }
      w.sleep((T * 7) / 10);
    }
    w.sleep(T);
    w.setUnreliable(false);
    for (let i = 0; i < 5; i++) {
      if (!w.isUp(i)) w.start1(i);
      w.connect(i);
    }
    stop = true;
    w.sleep(T);
    const last = w.one(w.randInt(1e9), 5, true);
    const really = new Set<unknown>();
    for (let index = 1; index <= last; index++) really.add(w.wait(index, 5, -1));
    for (const v of values) expectThat(really.has(v), "a value reported committed stays in the log", () => `${v} was applied at some point but is not in the final log`, w.sim.now);
    w.checkAllLogs();
  };

  scenario(ex, "ReliableChurn: servers crash, restart and disconnect at random while clients submit; committed values survive", { runs: 2 }, (lab) => churn(lab, false));
  scenario(ex, "UnreliableChurn: the same churn under 10% loss and random delays", { runs: 2 }, (lab) => churn(lab, true));
}

// ---------------------------------------------------------------------------
// Stage raft-snapshot (classic 3D)

const SNAP = 10;
const MAX_LOG_SIZE = 2000;

export function snapshotClassic(ex: Ex): void {
  const snapcommon = (lab: Lab, disconnect: boolean, reliable: boolean, crash: boolean) => {
    const w = world(lab, ex, { n: 3, unreliable: !reliable, snapshotEvery: SNAP });
    w.one(w.randInt(1e9), 3, true);
    let leader1 = w.checkOneLeader();
    for (let i = 0; i < 30; i++) {
      let victim = (leader1 + 1) % 3;
      let sender = leader1;
      if (i % 3 === 1) {
        sender = (leader1 + 1) % 3;
        victim = leader1;
      }
      if (disconnect) {
        w.disconnect(victim);
        w.one(w.randInt(1e9), 2, true);
      }
      if (crash) {
        w.crash1(victim);
        w.one(w.randInt(1e9), 2, true);
      }
      // Perhaps send enough to get a snapshot.
      const nn = SNAP / 2 + w.randInt(SNAP);
      for (let k = 0; k < nn; k++) w.start(sender, w.randInt(1e9));
      // Let the applier threads catch up with the starts.
      if (!disconnect && !crash) w.one(w.randInt(1e9), 3, true);
      else w.one(w.randInt(1e9), 2, true);
      const size = w.logSize();
      expectThat(size < MAX_LOG_SIZE, "with a snapshot every 10 entries, persisted state stays under 2,000 bytes", () => `a server's disk holds ${size} bytes`, w.sim.now);
      if (disconnect) {
        // Reconnect a follower, who may be behind and need a snapshot.
        w.connect(victim);
        w.one(w.randInt(1e9), 3, true);
        leader1 = w.checkOneLeader();
      }
      if (crash) {
        w.start1(victim);
        w.connect(victim);
        w.one(w.randInt(1e9), 3, true);
        leader1 = w.checkOneLeader();
      }
    }
    w.checkAllLogs();
  };

  scenario(ex, "SnapshotBasic: the service snapshots every 10 entries and the log stays small", { runs: 2 }, (lab) => snapcommon(lab, false, true, false));
  scenario(ex, "SnapshotInstall: a follower that fell behind the snapshot gets it with InstallSnapshot", { runs: 2 }, (lab) => snapcommon(lab, true, true, false));
  scenario(ex, "SnapshotInstallUnreliable: InstallSnapshot under 10% loss and random delays", { runs: 2 }, (lab) => snapcommon(lab, true, false, false));
  scenario(ex, "SnapshotInstallCrash: a crashed follower restarts from its snapshot and catches up", { runs: 2 }, (lab) => snapcommon(lab, false, true, true));
  scenario(ex, "SnapshotInstallUnCrash: crash and catch up from snapshots under loss and delays", { runs: 2 }, (lab) => snapcommon(lab, false, false, true));

  const allCrash = (lab: Lab, reliable: boolean) => {
    const w = world(lab, ex, { n: 3, unreliable: !reliable, snapshotEvery: SNAP });
    w.one(w.randInt(1e9), 3, true);
    for (let i = 0; i < 5; i++) {
      const nn = SNAP / 2 + w.randInt(SNAP);
      for (let k = 0; k < nn; k++) w.one(w.randInt(1e9), 3, true);
      const index1 = w.one(w.randInt(1e9), 3, true);
      for (let k = 0; k < 3; k++) w.crash1(k);
      for (let k = 0; k < 3; k++) {
        w.start1(k);
        w.connect(k);
      }
      const index2 = w.one(w.randInt(1e9), 3, true);
      expectThat(index2 >= index1 + 1, "after a full restart new entries go after everything committed", () => `an entry went to index ${index2} after index ${index1} had been committed`, w.sim.now);
    }
  };
  scenario(ex, "SnapshotAllCrash: after every server crashes, the log continues after the snapshot (the index never goes back)", { runs: 2 }, (lab) => allCrash(lab, true));
  scenario(ex, "SnapshotAllCrashUnreliable: the same under 10% loss and random delays (as 6.5840 runs it)", { runs: 2 }, (lab) => allCrash(lab, false));

  const init = (lab: Lab, reliable: boolean) => {
    const w = world(lab, ex, { n: 3, unreliable: !reliable, snapshotEvery: SNAP });
    w.one(w.randInt(1e9), 3, true);
    for (let k = 0; k < SNAP + 1; k++) w.one(w.randInt(1e9), 3, true);
    for (let k = 0; k < 3; k++) w.crash1(k);
    for (let k = 0; k < 3; k++) {
      w.start1(k);
      w.connect(k);
    }
    w.one(w.randInt(1e9), 3, true);
    for (let k = 0; k < 3; k++) w.crash1(k);
    for (let k = 0; k < 3; k++) {
      w.start1(k);
      w.connect(k);
    }
    w.one(w.randInt(1e9), 3, true);
  };
  scenario(ex, "SnapshotInit: a restarted server starts from its snapshot (applied state and indices), twice over", { runs: 2 }, (lab) => init(lab, true));
  scenario(ex, "SnapshotInitUnreliable: the same under 10% loss and random delays (as 6.5840 runs it)", { runs: 2 }, (lab) => init(lab, false));
}
