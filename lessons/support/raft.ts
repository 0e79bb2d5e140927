// Lesson 08's demonstration Raft (lesson 09's store runs on it too): small
// enough to read in one sitting, and with switches that put three classic
// mistakes back, so a cell can show what each one breaks.
//
//   countOldTerms  commit any entry a majority stores, whatever its term —
//                  the mistake of Figure 8 (§5.4.2 forbids it)
//   anyCandidate   grant votes without the election restriction (§5.4.1)
//   voteInMemory   keep votedFor only in memory, so a restart forgets it
//                  (Figure 2 puts it on stable storage)
//
// With `manualElections` nobody times out: a node stands for election only
// when a cell calls campaign(), so a cell can stage a story like Figure 8
// step by step. It is not the exercise's answer: no snapshots, no batching,
// and a leader backs up one entry at a time.

import type { Ctx, Json, Node, NodeFactory, NodeId } from "../../runner/sim/index.ts";

export type Entry = { term: number; command: Json };
export type Role = "follower" | "candidate" | "leader";

export type DemoMsg =
  | { type: "RequestVote"; term: number; lastLogIndex: number; lastLogTerm: number }
  | { type: "Vote"; term: number; granted: boolean }
  | { type: "AppendEntries"; term: number; prevLogIndex: number; prevLogTerm: number; entries: Entry[]; leaderCommit: number }
  | { type: "Appended"; term: number; ok: boolean; matchIndex: number };

/** What a node hands its state machine, in log order. */
export type Applied = { type: "applied"; index: number; command: Json };

export interface Mistakes {
  countOldTerms?: boolean;
  anyCandidate?: boolean;
  voteInMemory?: boolean;
}

export interface DemoRaft extends Node<DemoMsg> {
  /** Leader: append `command` and replicate it with the next heartbeat. */
  start(command: Json): { index: number; term: number; isLeader: boolean };
  /** Stand for election now. */
  campaign(): void;
  view(): { term: number; role: Role; votedFor: NodeId | null; log: Entry[]; commitIndex: number };
}

export const HEARTBEAT_MS = 50;
const ELECTION_MS = 300;

export function demoRaft(opts: { mistakes?: Mistakes; manualElections?: boolean } = {}): NodeFactory<DemoMsg, Applied, DemoRaft> {
  const mistakes = opts.mistakes ?? {};
  return (ctx: Ctx<DemoMsg, Applied>): DemoRaft => {
    const majority = Math.floor((ctx.peers.length + 1) / 2) + 1;
    const saved = ctx.disk.get<{ term: number; votedFor: NodeId | null; log: Entry[] }>("raft");
    let term = saved?.term ?? 0;
    let votedFor = mistakes.voteInMemory ? null : (saved?.votedFor ?? null);
    const log: Entry[] = saved?.log ?? []; // log[i - 1] holds index i
    let role: Role = "follower";
    let commitIndex = 0;
    let applied = 0;
    let votes = new Set<NodeId>();
    const next = new Map<NodeId, number>();
    const match = new Map<NodeId, number>();

    const termOf = (i: number) => (i === 0 ? 0 : (log[i - 1]?.term ?? -1));
    const save = () => ctx.disk.set("raft", { term, votedFor: mistakes.voteInMemory ? null : votedFor, log });
    const waitForLeader = () => {
      if (!opts.manualElections) ctx.setTimer("election", ELECTION_MS + Math.floor(ctx.random() * ELECTION_MS));
    };

    function follow(newTerm: number): void {
      if (newTerm > term) {
        term = newTerm;
        votedFor = null;
        save();
      }
      if (role === "leader") ctx.cancelTimer("heartbeat");
      role = "follower";
    }

    function campaign(): void {
      role = "candidate";
      term++;
      votedFor = ctx.id;
      save();
      votes = new Set([ctx.id]);
      waitForLeader();
      for (const p of ctx.peers) ctx.send(p, { type: "RequestVote", term, lastLogIndex: log.length, lastLogTerm: termOf(log.length) });
    }

    function heartbeat(): void {
      for (const p of ctx.peers) {
        const prev = next.get(p)! - 1;
        ctx.send(p, { type: "AppendEntries", term, prevLogIndex: prev, prevLogTerm: termOf(prev), entries: log.slice(prev), leaderCommit: commitIndex });
      }
      ctx.setTimer("heartbeat", HEARTBEAT_MS);
    }

    function apply(): void {
      while (applied < commitIndex) {
        applied++;
        ctx.output({ type: "applied", index: applied, command: log[applied - 1]!.command });
      }
    }

    /** The highest index a majority stores; with the rule of §5.4.2, only an entry of this term counts. */
    function advanceCommit(): void {
      for (let n = log.length; n > commitIndex; n--) {
        const stored = 1 + ctx.peers.filter((p) => match.get(p)! >= n).length;
        if (stored < majority) continue;
        if (termOf(n) !== term && !mistakes.countOldTerms) continue;
        commitIndex = n;
        return apply();
      }
    }

    function handle(from: NodeId, m: DemoMsg): void {
      if (m.term > term) follow(m.term);
      switch (m.type) {
        case "RequestVote": {
          const upToDate = m.lastLogTerm > termOf(log.length) || (m.lastLogTerm === termOf(log.length) && m.lastLogIndex >= log.length);
          const granted = m.term === term && (votedFor === null || votedFor === from) && (upToDate || Boolean(mistakes.anyCandidate));
          if (granted) {
            votedFor = from;
            save();
            waitForLeader();
          }
          return ctx.send(from, { type: "Vote", term, granted });
        }
        case "Vote":
          if (role !== "candidate" || m.term !== term || !m.granted) return;
          votes.add(from);
          if (votes.size < majority) return;
          role = "leader";
          ctx.cancelTimer("election");
          for (const p of ctx.peers) {
            next.set(p, log.length + 1);
            match.set(p, 0);
          }
          return heartbeat();
        case "AppendEntries": {
          if (m.term < term) return ctx.send(from, { type: "Appended", term, ok: false, matchIndex: 0 });
          follow(m.term);
          waitForLeader();
          if (termOf(m.prevLogIndex) !== m.prevLogTerm) return ctx.send(from, { type: "Appended", term, ok: false, matchIndex: 0 });
          m.entries.forEach((e, k) => {
            const i = m.prevLogIndex + 1 + k;
            if (termOf(i) === e.term) return;
            log.length = i - 1; // a conflict: it and everything after it go
            log.push(e);
          });
          save();
          const last = m.prevLogIndex + m.entries.length;
          if (m.leaderCommit > commitIndex) commitIndex = Math.max(commitIndex, Math.min(m.leaderCommit, last));
          apply();
          return ctx.send(from, { type: "Appended", term, ok: true, matchIndex: last });
        }
        case "Appended":
          if (role !== "leader" || m.term !== term) return;
          if (!m.ok) return void next.set(from, Math.max(1, next.get(from)! - 1));
          match.set(from, Math.max(match.get(from)!, m.matchIndex));
          next.set(from, match.get(from)! + 1);
          return advanceCommit();
      }
    }

    return {
      onStart: waitForLeader,
      onTimer(name) {
        if (name === "election" && role !== "leader") campaign();
        if (name === "heartbeat" && role === "leader") heartbeat();
      },
      onMessage: handle,
      start(command) {
        if (role !== "leader") return { index: -1, term, isLeader: false };
        log.push({ term, command });
        save();
        return { index: log.length, term, isLeader: true };
      },
      campaign,
      view: () => ({ term, role, votedFor, log: [...log], commitIndex }),
    };
  };
}
