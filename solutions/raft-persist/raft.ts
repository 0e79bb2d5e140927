// Reference solution for the Raft track (raft-election, raft-log, raft-persist,
// raft-snapshot): the whole of Raft in one file, as a learner's worksheet ends
// up after the last stage. Lesson: lessons/08-raft.md. Section numbers (§5.2 …)
// refer to Ongaro & Ousterhout, "In Search of an Understandable Consensus
// Algorithm" (2014), Figure 2 in particular.

import type { Ctx, Json, Node, NodeId } from "faultline/sim";

// ---------------------------------------------------------------------------
// Messages. Requests carry the sender's term; replies carry enough to know
// which request they answer (the lab has no RPC: a reply is just a message).

export type Command = Json;
export type Entry = { term: number; command: Command };

export type RequestVote = { type: "RequestVote"; term: number; candidate: NodeId; lastLogIndex: number; lastLogTerm: number };
export type RequestVoteReply = { type: "RequestVoteReply"; term: number; voteGranted: boolean };
export type AppendEntries = { type: "AppendEntries"; term: number; leader: NodeId; prevLogIndex: number; prevLogTerm: number; entries: Entry[]; leaderCommit: number };
/** On success `matchIndex` is the last index the follower now holds from this request; on failure `conflictIndex` (and maybe `conflictTerm`) tell the leader where to back up to. */
export type AppendEntriesReply = { type: "AppendEntriesReply"; term: number; success: boolean; matchIndex: number; conflictIndex: number; conflictTerm: number | null };
export type InstallSnapshot = { type: "InstallSnapshot"; term: number; leader: NodeId; lastIncludedIndex: number; lastIncludedTerm: number; data: Json };
export type InstallSnapshotReply = { type: "InstallSnapshotReply"; term: number; lastIncludedIndex: number };

export type RaftMsg = RequestVote | RequestVoteReply | AppendEntries | AppendEntriesReply | InstallSnapshot | InstallSnapshotReply;

/** What the node tells its service, in index order (ctx.output). */
export type Applied = { type: "applied"; index: number; command: Command };
/** The service must replace its state with `data`, which covers every entry up to `index`. */
export type SnapshotOut = { type: "snapshot"; index: number; term: number; data: Json };
export type RaftOut = Applied | SnapshotOut;

export type Role = "follower" | "candidate" | "leader";

/** Read-only view of a node's state, for the grader's invariant checks. */
export interface RaftView {
  term: number;
  votedFor: NodeId | null;
  role: Role;
  commitIndex: number;
  lastApplied: number;
  snapshotIndex: number;
  snapshotTerm: number;
  /** entries[i] holds log index snapshotIndex + 1 + i. */
  entries: readonly Entry[];
}

export interface RaftNode extends Node<RaftMsg> {
  start(command: Command): { index: number; term: number; isLeader: boolean };
  getState(): { term: number; isLeader: boolean };
  snapshot(index: number, data: Json): void;
  inspect(): RaftView;
}

// Timing (virtual ms). Heartbeats at most 10 per second; election timeouts
// well above a heartbeat round trip and randomised so that split votes end.
export const HEARTBEAT_MS = 100;
export const ELECTION_MIN_MS = 300;
export const ELECTION_SPREAD_MS = 300;
/** Entries per AppendEntries, so a far-behind follower catches up in bounded messages. */
const MAX_BATCH = 64;
/** Entries per disk record: appends rewrite one small record, not the whole log. */
const CHUNK = 32;

export function createRaft(ctx: Ctx<RaftMsg, RaftOut>): RaftNode {
  const majority = Math.floor((ctx.peers.length + 1) / 2) + 1;

  // --- Persistent state (§5.1, Figure 2): on disk before answering anyone.
  let currentTerm = 0;
  let votedFor: NodeId | null = null;
  // The log, after a snapshot of everything up to snapshotIndex.
  let snapshotIndex = 0;
  let snapshotTerm = 0;
  let snapshotData: Json = null;
  let entries: Entry[] = [];

  // --- Volatile state.
  let role: Role = "follower";
  let commitIndex = 0;
  let lastApplied = 0;
  let votes = new Set<NodeId>();
  const nextIndex = new Map<NodeId, number>();
  const matchIndex = new Map<NodeId, number>();
  /** Per peer: the last index the latest AppendEntries carried (one chain of follow-ups, not many). */
  const sentUpTo = new Map<NodeId, number>();

  // --- Log helpers (indices are Raft's, starting at 1).
  const lastIndex = () => snapshotIndex + entries.length;
  const termAt = (i: number): number => (i === snapshotIndex ? snapshotTerm : i > snapshotIndex && i <= lastIndex() ? entries[i - snapshotIndex - 1]!.term : -1);
  const entryAt = (i: number): Entry => entries[i - snapshotIndex - 1]!;
  const lastTerm = () => termAt(lastIndex());

  // --- Persistence (§5.1, stage raft-persist). Term and vote in one record,
  // the log in chunks so an append rewrites only the chunk it lands in.
  function saveState(): void {
    ctx.disk.set("state", { term: currentTerm, votedFor });
    ctx.disk.sync();
  }
  function saveLog(from: number): void {
    const first = Math.max(from, snapshotIndex + 1);
    for (let c = Math.floor((first - 1) / CHUNK); c * CHUNK < lastIndex(); c++) {
      const lo = Math.max(c * CHUNK + 1, snapshotIndex + 1);
      const hi = Math.min((c + 1) * CHUNK, lastIndex());
      ctx.disk.set(`log/${c}`, { from: lo, entries: entries.slice(lo - snapshotIndex - 1, hi - snapshotIndex) });
    }
    ctx.disk.set("log", { snapshotIndex, snapshotTerm, lastIndex: lastIndex() });
    ctx.disk.sync();
  }
  function saveSnapshot(oldSnapshotIndex: number): void {
    ctx.disk.set("snapshot", { index: snapshotIndex, term: snapshotTerm, data: snapshotData });
    // Chunks now wholly inside the snapshot are dead: empty them so the disk stays small.
    for (let c = Math.floor(oldSnapshotIndex / CHUNK); (c + 1) * CHUNK <= snapshotIndex; c++) ctx.disk.set(`log/${c}`, null);
    saveLog(snapshotIndex + 1);
  }
  function restore(): void {
    const st = ctx.disk.get<{ term: number; votedFor: NodeId | null }>("state");
    if (st) ({ term: currentTerm, votedFor } = st);
    const snap = ctx.disk.get<{ index: number; term: number; data: Json }>("snapshot");
    if (snap) ({ index: snapshotIndex, term: snapshotTerm, data: snapshotData } = snap);
    const meta = ctx.disk.get<{ snapshotIndex: number; snapshotTerm: number; lastIndex: number }>("log");
    entries = [];
    if (meta) {
      snapshotIndex = meta.snapshotIndex;
      snapshotTerm = meta.snapshotTerm;
      for (let c = Math.floor(snapshotIndex / CHUNK); c * CHUNK < meta.lastIndex; c++) {
        const chunk = ctx.disk.get<{ from: number; entries: Entry[] }>(`log/${c}`);
        if (!chunk) continue;
        chunk.entries.forEach((e, k) => {
          if (chunk.from + k > snapshotIndex && chunk.from + k <= meta.lastIndex) entries.push(e);
        });
      }
    }
    // Everything in the snapshot is committed and applied; tell the service first.
    commitIndex = lastApplied = snapshotIndex;
    if (snapshotIndex > 0) ctx.output({ type: "snapshot", index: snapshotIndex, term: snapshotTerm, data: snapshotData });
  }

  // --- Roles and timers.
  function resetElectionTimer(): void {
    ctx.setTimer("election", ELECTION_MIN_MS + Math.floor(ctx.random() * ELECTION_SPREAD_MS));
  }

  /** §5.1: any message with a newer term makes us a follower in that term. */
  function stepDown(term: number): void {
    if (term > currentTerm) {
      currentTerm = term;
      votedFor = null;
      saveState();
    }
    if (role === "leader") {
      ctx.cancelTimer("heartbeat");
      ctx.cancelTimer("replicate");
      resetElectionTimer();
    }
    role = "follower";
  }

  function startElection(): void {
    role = "candidate";
    currentTerm++;
    votedFor = ctx.id;
    saveState();
    votes = new Set([ctx.id]);
    resetElectionTimer();
    if (votes.size >= majority) return becomeLeader();
    const req: RequestVote = { type: "RequestVote", term: currentTerm, candidate: ctx.id, lastLogIndex: lastIndex(), lastLogTerm: lastTerm() };
    for (const p of ctx.peers) ctx.send(p, req);
  }

  function becomeLeader(): void {
    role = "leader";
    ctx.cancelTimer("election");
    for (const p of ctx.peers) {
      nextIndex.set(p, lastIndex() + 1);
      matchIndex.set(p, 0);
    }
    broadcast();
  }

  /**
   * One round of AppendEntries (or InstallSnapshot) to every peer; it doubles
   * as the heartbeat. A peer whose last batch is still unanswered gets an empty
   * probe instead of the same batch again: its answer restarts the flow.
   */
  function broadcast(): void {
    for (const p of ctx.peers) sendAppend(p, (sentUpTo.get(p) ?? 0) > matchIndex.get(p)!);
    ctx.setTimer("heartbeat", HEARTBEAT_MS);
  }

  function sendAppend(peer: NodeId, probe = false): void {
    const next = nextIndex.get(peer)!;
    if (next <= snapshotIndex) {
      // The entries this follower needs are gone: send the snapshot instead (§7).
      ctx.send(peer, { type: "InstallSnapshot", term: currentTerm, leader: ctx.id, lastIncludedIndex: snapshotIndex, lastIncludedTerm: snapshotTerm, data: snapshotData });
      return;
    }
    const prev = next - 1;
    const batch = probe ? [] : entries.slice(next - snapshotIndex - 1, next - snapshotIndex - 1 + MAX_BATCH);
    sentUpTo.set(peer, prev + batch.length);
    ctx.send(peer, { type: "AppendEntries", term: currentTerm, leader: ctx.id, prevLogIndex: prev, prevLogTerm: termAt(prev), entries: batch, leaderCommit: commitIndex });
  }

  /** §5.3, §5.4.2: commit the highest index stored on a majority, but only by counting replicas of an entry from the current term. */
  function advanceCommit(): void {
    for (let n = lastIndex(); n > commitIndex; n--) {
      if (termAt(n) !== currentTerm) break; // older entries commit only indirectly (Figure 8)
      let count = 1;
      for (const p of ctx.peers) if (matchIndex.get(p)! >= n) count++;
      if (count >= majority) {
        commitIndex = n;
        applyCommitted();
        return;
      }
    }
  }

  /** Hand committed entries to the service, in index order, each exactly once. */
  function applyCommitted(): void {
    while (lastApplied < commitIndex) {
      lastApplied++;
      ctx.output({ type: "applied", index: lastApplied, command: entryAt(lastApplied).command });
    }
  }

  // --- Handlers.
  function onRequestVote(from: NodeId, m: RequestVote): void {
    if (m.term > currentTerm) stepDown(m.term);
    // §5.4.1: a vote only for a candidate whose log is at least as up to date as ours.
    const upToDate = m.lastLogTerm > lastTerm() || (m.lastLogTerm === lastTerm() && m.lastLogIndex >= lastIndex());
    const grant = m.term === currentTerm && (votedFor === null || votedFor === m.candidate) && upToDate;
    if (grant) {
      votedFor = m.candidate;
      saveState();
      resetElectionTimer(); // we just helped elect someone: give them time to take over
    }
    ctx.send(from, { type: "RequestVoteReply", term: currentTerm, voteGranted: grant });
  }

  function onRequestVoteReply(from: NodeId, m: RequestVoteReply): void {
    if (m.term > currentTerm) return stepDown(m.term);
    if (role !== "candidate" || m.term !== currentTerm || !m.voteGranted) return;
    votes.add(from);
    if (votes.size >= majority) becomeLeader();
  }

  function onAppendEntries(from: NodeId, m: AppendEntries): void {
    const fail = (conflictIndex: number, conflictTerm: number | null) =>
      ctx.send(from, { type: "AppendEntriesReply", term: currentTerm, success: false, matchIndex: 0, conflictIndex, conflictTerm });
    if (m.term < currentTerm) return fail(0, null); // §5.1: a stale leader; our term in the reply deposes it
    stepDown(m.term); // a current leader exists: candidates give up, followers stay
    resetElectionTimer();

    // Entries at or below our snapshot are committed and already here: skip them.
    let prev = m.prevLogIndex;
    let prevTerm = m.prevLogTerm;
    let incoming = m.entries;
    if (prev < snapshotIndex) {
      const skip = snapshotIndex - prev;
      if (skip >= incoming.length) return ctx.send(from, { type: "AppendEntriesReply", term: currentTerm, success: true, matchIndex: snapshotIndex, conflictIndex: 0, conflictTerm: null });
      incoming = incoming.slice(skip);
      prev = snapshotIndex;
      prevTerm = snapshotTerm;
    }
    // §5.3: the consistency check.
    if (prev > lastIndex()) return fail(lastIndex() + 1, null);
    if (termAt(prev) !== prevTerm) {
      const ct = termAt(prev);
      let first = prev;
      while (first - 1 > snapshotIndex && termAt(first - 1) === ct) first--;
      return fail(first, ct);
    }
    // Append what is new; truncate only at a real conflict (never on a match:
    // a delayed, shorter AppendEntries must not erase entries it does not mention).
    let changedFrom = 0;
    for (let k = 0; k < incoming.length; k++) {
      const idx = prev + 1 + k;
      if (idx <= lastIndex() && termAt(idx) === incoming[k]!.term) continue;
      if (idx <= lastIndex()) entries.length = idx - snapshotIndex - 1; // conflict: drop it and all that follow
      for (let j = k; j < incoming.length; j++) entries.push(incoming[j]!);
      changedFrom = idx;
      break;
    }
    if (changedFrom) saveLog(changedFrom);
    const match = prev + incoming.length;
    if (m.leaderCommit > commitIndex) {
      commitIndex = Math.min(m.leaderCommit, match);
      applyCommitted();
    }
    ctx.send(from, { type: "AppendEntriesReply", term: currentTerm, success: true, matchIndex: match, conflictIndex: 0, conflictTerm: null });
  }

  function onAppendEntriesReply(from: NodeId, m: AppendEntriesReply): void {
    if (m.term > currentTerm) return stepDown(m.term);
    if (role !== "leader" || m.term !== currentTerm) return; // a reply from an older term: ignore
    if (m.success) {
      if (m.matchIndex > matchIndex.get(from)!) matchIndex.set(from, m.matchIndex);
      nextIndex.set(from, Math.max(nextIndex.get(from)!, m.matchIndex + 1));
      advanceCommit();
      // The answer to our latest request, and more to send: send the next batch now.
      if (m.matchIndex >= (sentUpTo.get(from) ?? 0) && nextIndex.get(from)! <= lastIndex()) sendAppend(from);
      return;
    }
    // Back up past the whole conflicting term at once (§5.3, "optimisation").
    let next = m.conflictIndex;
    if (m.conflictTerm !== null) {
      let k = lastIndex();
      while (k > snapshotIndex && termAt(k) > m.conflictTerm) k--;
      if (k > snapshotIndex && termAt(k) === m.conflictTerm) next = k + 1;
    }
    next = Math.max(1, matchIndex.get(from)! + 1, Math.min(next, lastIndex() + 1));
    if (next >= nextIndex.get(from)! && m.conflictIndex !== 0) return; // a stale rejection: nothing new to learn
    nextIndex.set(from, next);
    sendAppend(from);
  }

  function onInstallSnapshot(from: NodeId, m: InstallSnapshot): void {
    if (m.term < currentTerm) return ctx.send(from, { type: "InstallSnapshotReply", term: currentTerm, lastIncludedIndex: 0 });
    stepDown(m.term);
    resetElectionTimer();
    // Already committed this far: the snapshot would move the service backwards.
    if (m.lastIncludedIndex > commitIndex) {
      const old = snapshotIndex;
      // Keep the entries after the snapshot if our log agrees at its last index; otherwise drop the log.
      if (termAt(m.lastIncludedIndex) === m.lastIncludedTerm) entries = entries.slice(m.lastIncludedIndex - snapshotIndex);
      else entries = [];
      snapshotIndex = m.lastIncludedIndex;
      snapshotTerm = m.lastIncludedTerm;
      snapshotData = m.data;
      saveSnapshot(old);
      commitIndex = lastApplied = snapshotIndex;
      ctx.output({ type: "snapshot", index: snapshotIndex, term: snapshotTerm, data: snapshotData });
    }
    ctx.send(from, { type: "InstallSnapshotReply", term: currentTerm, lastIncludedIndex: m.lastIncludedIndex });
  }

  function onInstallSnapshotReply(from: NodeId, m: InstallSnapshotReply): void {
    if (m.term > currentTerm) return stepDown(m.term);
    if (role !== "leader" || m.term !== currentTerm) return;
    if (m.lastIncludedIndex > matchIndex.get(from)!) matchIndex.set(from, m.lastIncludedIndex);
    nextIndex.set(from, Math.max(nextIndex.get(from)!, m.lastIncludedIndex + 1));
    advanceCommit();
    if (nextIndex.get(from)! <= lastIndex()) sendAppend(from);
  }

  /**
   * Once per incarnation, before it handles anything: read the disk, arm the
   * timer. onStart normally comes first, but a message that lands at the very
   * instant of a restart, or a start() from the service, may come before it.
   */
  let started = false;
  function begin(): void {
    if (started) return;
    started = true;
    restore();
    resetElectionTimer();
  }

  return {
    onStart() {
      begin();
    },

    onTimer(name) {
      begin();
      if (name === "election" && role !== "leader") startElection();
      if (name === "heartbeat" && role === "leader") broadcast();
      // New entries: send them now to every follower not already busy with an earlier batch
      // (a busy one gets them when it answers, or with the next heartbeat).
      if (name === "replicate" && role === "leader") for (const p of ctx.peers) if ((sentUpTo.get(p) ?? 0) <= matchIndex.get(p)!) sendAppend(p);
    },

    onMessage(from, msg) {
      begin();
      switch (msg.type) {
        case "RequestVote":
          return onRequestVote(from, msg);
        case "RequestVoteReply":
          return onRequestVoteReply(from, msg);
        case "AppendEntries":
          return onAppendEntries(from, msg);
        case "AppendEntriesReply":
          return onAppendEntriesReply(from, msg);
        case "InstallSnapshot":
          return onInstallSnapshot(from, msg);
        case "InstallSnapshotReply":
          return onInstallSnapshotReply(from, msg);
      }
    },

    start(command) {
      begin();
      if (role !== "leader") return { index: -1, term: currentTerm, isLeader: false };
      entries.push({ term: currentTerm, command });
      saveLog(lastIndex());
      // Replicate soon, once: starts at the same instant share one round of messages.
      ctx.setTimer("replicate", 0);
      return { index: lastIndex(), term: currentTerm, isLeader: true };
    },

    getState() {
      return { term: currentTerm, isLeader: role === "leader" };
    },

    snapshot(index, data) {
      begin();
      // The service has applied everything up to `index` and saved it in `data`.
      if (index <= snapshotIndex || index > lastApplied) return;
      const old = snapshotIndex;
      snapshotTerm = termAt(index);
      entries = entries.slice(index - snapshotIndex);
      snapshotIndex = index;
      snapshotData = data;
      saveSnapshot(old);
    },

    inspect() {
      return { term: currentTerm, votedFor, role, commitIndex, lastApplied, snapshotIndex, snapshotTerm, entries };
    },
  };
}
