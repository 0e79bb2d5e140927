// Exhaustive search over small Raft clusters (runner/sim/exploreCluster.ts):
// three of the learner's servers, every order of their messages and timers
// up to a depth (a message not delivered within it stands for a lost or
// late one) and, where the stage has persistence, a crash and restart;
// budgets of timer firings and duplicate deliveries keep each search within
// a second or so. Random schedules find the one interleaving that
// breaks a rule only now and then (a stale vote counted, a vote forgotten in
// a crash); a search of every interleaving up to a small depth finds it
// every time. There is no time here: any pending timer may fire at any
// moment, as after a long pause or a slow network.
//
// Each server is watched by a thin wrapper that announces, as an output, the
// terms in which it became leader (so invariants can see Election Safety),
// and that fingerprints a server by its inspect() view. Two states that
// differ only in what inspect() does not show (votes received, nextIndex…)
// count as one, so the search can miss an interleaving but never reports one
// that cannot happen: every counterexample is a replay of real handler calls.

import { exploreCluster, type ClusterExploreReport, type ClusterView, type ClusterWorld, type Ctx, type Invariant, type Node, type NodeId } from "../../sim/index.ts";
import type { Exercise, Lab } from "../harness/exercise.ts";
import { expectExplorationSafe } from "../harness/exhaustive.ts";
import type { Command, CreateRaft, RaftMsg, RaftNode, RaftOut, RaftView } from "./raft.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;

type LeaderOut = { type: "leader"; term: number };

const SERVERS = ["n1", "n2", "n3"];
const MAJORITY = 2;

/** The learner's Raft, announcing each term it leads and fingerprinted by its view. */
function watched(create: CreateRaft): (ctx: Ctx<RaftMsg, RaftOut | LeaderOut>) => Node<RaftMsg> & { state(): unknown; raft: RaftNode } {
  return (ctx) => {
    const raft = create(ctx as unknown as Ctx<RaftMsg, RaftOut>);
    let announced = 0;
    const after = () => {
      const s = raft.getState();
      if (s.isLeader && s.term > announced) {
        announced = s.term;
        ctx.output({ type: "leader", term: s.term });
      }
    };
    return {
      raft,
      onStart() {
        raft.onStart?.();
        after();
      },
      onMessage(from, m) {
        raft.onMessage(from, m);
        after();
      },
      onTimer(name) {
        raft.onTimer?.(name);
        after();
      },
      state: () => raft.inspect(),
    };
  };
}

const electionSafety: Invariant<ClusterView> = {
  name: "Election Safety: at most one leader per term (§5.2)",
  check(v) {
    const leaders = new Map<number, NodeId>();
    for (const [id, outs] of Object.entries(v.outputs))
      for (const o of outs as (RaftOut | LeaderOut)[]) {
        if (o.type !== "leader") continue;
        const other = leaders.get(o.term);
        if (other !== undefined && other !== id) return `${other} and ${id} both became leader of term ${o.term}`;
        leaders.set(o.term, id);
      }
    return true;
  },
};

const stateMachineSafety: Invariant<ClusterView> = {
  name: "State Machine Safety: no two servers apply different commands at the same index (§5.4.3)",
  check(v) {
    const at = new Map<number, { id: NodeId; command: string }>();
    for (const [id, outs] of Object.entries(v.outputs))
      for (const o of outs as (RaftOut | LeaderOut)[]) {
        if (o.type !== "applied") continue;
        const command = JSON.stringify(o.command);
        const seen = at.get(o.index);
        if (seen && seen.command !== command) return `${seen.id} applied ${seen.command} at index ${o.index} and ${id} applied ${command}`;
        if (!seen) at.set(o.index, { id, command });
      }
    return true;
  },
};

function termAt(v: RaftView, i: number): number {
  if (i === v.snapshotIndex) return v.snapshotTerm;
  return i > v.snapshotIndex && i <= v.snapshotIndex + v.entries.length ? v.entries[i - v.snapshotIndex - 1]!.term : -1;
}

const committedOnMajority: Invariant<ClusterView> = {
  name: "a committed entry is stored on a majority of the servers (§5.3: that is what commits it; §5.4: nothing removes it)",
  check(v) {
    const views = SERVERS.map((id) => v.states[id] as RaftView | null);
    for (const [k, me] of views.entries()) {
      if (!me) continue;
      for (let i = me.snapshotIndex + 1; i <= me.commitIndex; i++) {
        const t = termAt(me, i);
        // A server that is down keeps its log on disk: count it as holding the entry (the check never accuses wrongly).
        const holders = views.filter((o) => !o || i <= o.snapshotIndex || termAt(o, i) === t).length;
        if (t < 0) return `${SERVERS[k]} has commitIndex ${me.commitIndex} but no entry at index ${i}`;
        if (holders < MAJORITY) return `${SERVERS[k]} has committed index ${i} (term ${t}), but only ${holders} of ${SERVERS.length} servers hold that entry`;
      }
    }
    return true;
  },
};

const appliesOnlyCommitted: Invariant<ClusterView> = {
  name: "only committed entries are applied (lastApplied ≤ commitIndex)",
  check(v) {
    for (const id of SERVERS) {
      const me = v.states[id] as RaftView | null;
      if (me && me.lastApplied > me.commitIndex) return `${id} has applied up to index ${me.lastApplied} with commitIndex ${me.commitIndex}`;
    }
    return true;
  },
};

/**
 * Where a search starts (part of every replay, not of the search itself):
 * with `candidates`, their election timers fire, in order; with `commands`,
 * n1's election timer fires and every message is delivered until the network
 * is quiet — n1 leads term 1 — and then n1 is handed the commands.
 */
function opening(s: Search) {
  return (w: ClusterWorld): void => {
    for (const id of s.candidates ?? []) w.apply({ a: "timer", node: id, name: "election" });
    if (!s.commands) return;
    w.apply({ a: "timer", node: "n1", name: "election" });
    for (let steps = 0; steps < 60; steps++) {
      const next = w.enabled().find((a) => a.a === "deliver");
      if (!next) break;
      w.apply(next);
    }
    for (const command of s.commands) w.call<{ raft: RaftNode }, unknown>("n1", "start", (n) => n.raft.start(command));
  };
}

export interface Search {
  /** A crash (and any restart) within the path: only where the stage persists state. */
  crashes: number;
  /** Which servers may crash (default: any). */
  crashable?: NodeId[];
  /** Duplicate deliveries a path may contain. */
  duplicates: number;
  /** Timer firings a path may contain (elections, heartbeats). */
  timers: number;
  maxDepth: number;
  maxStates: number;
  /** Servers whose election timers fire before the search starts. */
  candidates?: NodeId[];
  /** Commands n1, elected first, holds when the search starts. */
  commands?: Command[];
}

/** The search does not depend on the seed: one run per implementation and configuration. */
const done = new WeakMap<CreateRaft, Map<string, ClusterExploreReport>>();

/** Explores `s` on three of `create`'s servers (cached). */
export function exploreRaft(create: CreateRaft, s: Search): ClusterExploreReport {
  const key = JSON.stringify(s);
  if (!done.has(create)) done.set(create, new Map());
  const mine = done.get(create)!;
  const report =
    mine.get(key) ??
    exploreCluster({
      setup: () => ({ nodes: Object.fromEntries(SERVERS.map((id) => [id, watched(create)])), start: opening(s) }),
      faults: { crashes: s.crashes, crashable: s.crashable, drop: false, duplicate: s.duplicates > 0, duplicates: s.duplicates, timers: s.timers },
      maxDepth: s.maxDepth,
      maxStates: s.maxStates,
      seed: 1,
      invariants: [electionSafety, stateMachineSafety, committedOnMajority, appliesOnlyCommitted],
    });
  mine.set(key, report);
  return report;
}

export function searchRaft(lab: Lab, create: CreateRaft, s: Search): void {
  expectExplorationSafe(lab, exploreRaft(create, s));
}

export function electionExhaustive(ex: Ex): void {
  ex.scripted("exhaustive search, 3 servers, two candidates in term 1: every order of their requests and replies elects at most one leader per term", { runs: 1 }, (lab) =>
    searchRaft(lab, ex.impl.createRaft, { crashes: 0, duplicates: 0, timers: 0, maxDepth: 30, maxStates: 2000, candidates: ["n1", "n2"] }),
  );
  ex.scripted("exhaustive search, 3 servers, two candidates that each stood twice (terms 1 and 2): every order of the first 4 deliveries elects at most one leader per term", { runs: 1 }, (lab) =>
    searchRaft(lab, ex.impl.createRaft, { crashes: 0, duplicates: 0, timers: 0, maxDepth: 5, maxStates: 2000, candidates: ["n1", "n1", "n3", "n3"] }),
  );
}

export function logExhaustive(ex: Ex): void {
  ex.scripted("exhaustive search, 3 servers, a leader given two commands: every order of the next 5 events (replication, replies, heartbeats, a new election) keeps committed entries on a majority and applies the same command at each index everywhere", { runs: 1 }, (lab) =>
    searchRaft(lab, ex.impl.createRaft, { crashes: 0, duplicates: 0, timers: 3, maxDepth: 6, maxStates: 3000, commands: ["x", "y"] }),
  );
}

export function persistExhaustive(ex: Ex): void {
  ex.scripted("exhaustive search, 3 servers, two candidates in term 1 and a voter that crashes and restarts once: every order of the first 6 events elects at most one leader per term", { runs: 1 }, (lab) =>
    searchRaft(lab, ex.impl.createRaft, { crashes: 1, crashable: ["n3"], duplicates: 0, timers: 0, maxDepth: 7, maxStates: 2000, candidates: ["n1", "n2"] }),
  );
}
