// Reference solution for the Raft worksheet (raft-election, raft-log,
// raft-persist, raft-snapshot; raft-kv's kv.ts runs on it). Lesson:
// lessons/08-raft.md. Section numbers (§5.2 …) refer to Ongaro & Ousterhout,
// "In Search of an Understandable Consensus Algorithm" (2014), Figure 2 in
// particular.
//
// This is the worksheet with the answers filled in. Each stage region holds
// the answer, then, after a `// #worksheet` line, the worksheet's own code
// for that region, commented out. Both come from here (runner/course/
// worksheet.ts): the worksheet itself (every region's worksheet code; a test
// keeps exercises/raft/raft.ts equal to it, header aside) and the staged
// views: `npx faultline solution raft-election` shows the answers up to that
// stage and the worksheet's todo()s after it, and a test grades every view.
// So an answer may use what earlier stages define, never what later ones do.

import { todo, type Ctx, type Json, type Node, type NodeId } from "faultline/sim";

// ---------------------------------------------------------------------------
// Messages. The lab has no RPC: a reply is an ordinary message, so replies
// carry what the receiver needs to know which request they answer.

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

/** The service interface: the harness (and, in lesson 09, your key-value server) calls these. */
export interface RaftNode extends Node<RaftMsg> {
  /** Leader only: append `command` to the log and start replicating it. Not a leader: { index: -1, term, isLeader: false }. */
  start(command: Command): { index: number; term: number; isLeader: boolean };
  getState(): { term: number; isLeader: boolean };
  /** Part D: the service has applied everything up to `index` and saved it as `data`: drop the log up to there. */
  snapshot(index: number, data: Json): void;
  inspect(): RaftView;
}

/** What a follower answers to an AppendEntries it accepted the term of (the reply's other fields). */
export type AppendResult = { success: boolean; matchIndex: number; conflictIndex: number; conflictTerm: number | null };

// Timing (virtual ms). The grader allows at most 10 heartbeats a second, wants
// a new leader within 5 s of losing one, and expects election timeouts of at
// least 100 ms, drawn at random each time (§5.2).
export const HEARTBEAT_MS = 100;
export const ELECTION_MIN_MS = 300;
export const ELECTION_SPREAD_MS = 300;

export function createRaft(ctx: Ctx<RaftMsg, RaftOut>): RaftNode {
  /** Votes (or replicas, counting the leader itself) needed: a majority of the whole cluster. */
  const majority = Math.floor((ctx.peers.length + 1) / 2) + 1;

  // --- Persistent state (Figure 2). Part C writes it to ctx.disk.
  let currentTerm = 0;
  let votedFor: NodeId | null = null;
  // The log. After a snapshot (Part D) it starts after snapshotIndex; until then snapshotIndex = 0.
  let snapshotIndex = 0;
  let snapshotTerm = 0;
  let snapshotData: Json = null;
  let entries: Entry[] = [];

  // --- Volatile state.
  let role = "follower" as Role;
  let commitIndex = 0;
  let lastApplied = 0;
  let votes = new Set<NodeId>();
  const nextIndex = new Map<NodeId, number>(); // leader only
  const matchIndex = new Map<NodeId, number>(); // leader only

  // --- Log helpers (indices are Raft's, starting at 1; index 0 is "before the log").
  const lastIndex = () => snapshotIndex + entries.length;
  /** The term of the entry at index i; snapshotTerm at snapshotIndex; -1 if there is no such entry here. */
  const termAt = (i: number): number => (i === snapshotIndex ? snapshotTerm : i > snapshotIndex && i <= lastIndex() ? entries[i - snapshotIndex - 1]!.term : -1);
  const entryAt = (i: number): Entry => entries[i - snapshotIndex - 1]!;
  const lastTerm = () => termAt(lastIndex());

  // =========================================================================
  // Part A — raft-election (§5.1, §5.2)
  // Whenever you change currentTerm or votedFor, call saveState() before
  // anything is sent: it does nothing until Part C fills it in.

  // #region raft-election
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

  /** One round of AppendEntries (or InstallSnapshot) to every peer; it doubles as the heartbeat. */
  function broadcast(): void {
    for (const p of ctx.peers) sendAppend(p);
    ctx.setTimer("heartbeat", HEARTBEAT_MS);
  }

  function onRequestVote(from: NodeId, m: RequestVote): void {
    if (m.term > currentTerm) stepDown(m.term);
    const grant = m.term === currentTerm && (votedFor === null || votedFor === m.candidate) && candidateUpToDate(m);
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
    // §5.1: a stale leader; our term in the reply deposes it.
    if (m.term < currentTerm) return ctx.send(from, { type: "AppendEntriesReply", term: currentTerm, success: false, matchIndex: 0, conflictIndex: 0, conflictTerm: null });
    stepDown(m.term); // a current leader exists: candidates give up, followers stay
    resetElectionTimer();
    ctx.send(from, { type: "AppendEntriesReply", term: currentTerm, ...matchAndAppend(m) });
  }

  function onAppendEntriesReply(from: NodeId, m: AppendEntriesReply): void {
    if (m.term > currentTerm) return stepDown(m.term);
    if (role === "leader" && m.term === currentTerm) onAppendResult(from, m); // a reply from an older term: ignore
  }
  // #worksheet
  // /** Arm (or re-arm) the "election" timer: ELECTION_MIN_MS plus a random part of ELECTION_SPREAD_MS (ctx.random()). */
  // function resetElectionTimer(): void {
  //   todo("raft-election: set the \"election\" timer to a random timeout (§5.2)");
  // }
  //
  // /**
  //  * §5.1: a message with a newer term makes us a follower of that term
  //  * (forget the vote: it belonged to the old term). Also used with the
  //  * current term when a candidate meets the leader of its term. A leader
  //  * that steps down stops its heartbeats and arms its election timer again.
  //  */
  // function stepDown(term: number): void {
  //   todo("raft-election: adopt a newer term and become a follower (§5.1)");
  // }
  //
  // /** The election timer fired: stand for election (§5.2). */
  // function startElection(): void {
  //   // New term, vote for yourself, re-arm the timer, ask every peer with a RequestVote
  //   // (lastLogIndex/lastLogTerm describe your log: use the helpers). A one-node cluster wins at once.
  //   todo("raft-election: become a candidate and request votes (§5.2)");
  // }
  //
  // function becomeLeader(): void {
  //   // Stop the election timer. Part B: nextIndex = lastIndex() + 1 and matchIndex = 0 for every peer.
  //   // Then announce yourself at once with a round of AppendEntries (broadcast).
  //   todo("raft-election: take office and send the first heartbeats (§5.2)");
  // }
  //
  // /** One round of AppendEntries to every peer (sendAppend; it doubles as the heartbeat); re-arms the "heartbeat" timer. */
  // function broadcast(): void {
  //   todo("raft-election: send AppendEntries to every peer and re-arm the heartbeat timer");
  // }
  //
  // function onRequestVote(from: NodeId, m: RequestVote): void {
  //   // §5.1 term rules first. Grant when the request is of our term, we have not voted for
  //   // someone else in it, and the candidate's log is up to date (candidateUpToDate, Part B).
  //   // Remember the vote, and re-arm your election timer when you grant one. Always reply.
  //   todo("raft-election: answer a RequestVote (§5.2, §5.4.1)");
  // }
  //
  // function onRequestVoteReply(from: NodeId, m: RequestVoteReply): void {
  //   // A newer term: step down. Count only granted votes for the current term while still a candidate.
  //   todo("raft-election: count votes; a majority makes you leader (§5.2)");
  // }
  //
  // function onAppendEntries(from: NodeId, m: AppendEntries): void {
  //   // §5.1: refuse an older term (reply with your term so the sender steps down).
  //   // Otherwise a leader of term m.term exists: follow it (stepDown), re-arm the election timer,
  //   // then let matchAndAppend (Part B) decide the reply's success/matchIndex/conflict fields.
  //   todo("raft-election: accept the leader's heartbeat or refuse a stale one (§5.1, §5.2)");
  // }
  //
  // function onAppendEntriesReply(from: NodeId, m: AppendEntriesReply): void {
  //   // A newer term: step down. Otherwise, if still leader of the same term, hand over to onAppendResult (Part B).
  //   todo("raft-election: step down on a newer term; pass current-term replies on to Part B");
  // }
  // #endregion raft-election

  // =========================================================================
  // Part B — raft-log (§5.3, §5.4)
  // The parts marked raft-snapshot inside these functions wait for Part D.

  // #region raft-log
  /** Entries per AppendEntries, so a far-behind follower catches up in bounded messages. */
  const MAX_BATCH = 64;
  /** Per peer: the last index the latest AppendEntries carried (one chain of follow-ups, not many). */
  const sentUpTo = new Map<NodeId, number>();
  /** A batch to `peer` is still unanswered. */
  const busy = (peer: NodeId) => (sentUpTo.get(peer) ?? 0) > matchIndex.get(peer)!;

  /** §5.4.1: a vote only for a candidate whose log is at least as up to date as ours. */
  function candidateUpToDate(m: RequestVote): boolean {
    return m.lastLogTerm > lastTerm() || (m.lastLogTerm === lastTerm() && m.lastLogIndex >= lastIndex());
  }

  /** New entries: send them now to every follower not already busy with an earlier batch (a busy one gets them when it answers). */
  function replicate(): void {
    for (const p of ctx.peers) if (!busy(p)) sendAppend(p);
  }
  // #worksheet
  // /** §5.4.1: is a candidate's log at least as up to date as ours? */
  // function candidateUpToDate(m: RequestVote): boolean {
  //   if (lastIndex() === 0) return true; // an empty log is behind everyone (all of Part A needs)
  //   todo("raft-log: compare last terms, then lengths (§5.4.1)");
  // }
  //
  // /** start() appended entries: send them to the followers now (one round for all the starts of this instant). */
  // function replicate(): void {
  //   todo("raft-log: send the new entries to every follower");
  // }
  // #endregion raft-log

  /** Leader: send `peer` the entries from nextIndex on (or a heartbeat), with prevLogIndex/prevLogTerm and leaderCommit. */
  function sendAppend(peer: NodeId): void {
    // #region raft-snapshot
    if (nextIndex.get(peer)! <= snapshotIndex) {
      // The entries this follower needs are gone: send the snapshot instead (§7).
      return ctx.send(peer, { type: "InstallSnapshot", term: currentTerm, leader: ctx.id, lastIncludedIndex: snapshotIndex, lastIncludedTerm: snapshotTerm, data: snapshotData });
    }
    // #worksheet
    // // Part D: if nextIndex is at or below snapshotIndex those entries are gone: send InstallSnapshot instead.
    // #endregion raft-snapshot
    // #region raft-log
    const next = nextIndex.get(peer)!;
    const prev = next - 1;
    const batch = busy(peer) ? [] : entries.slice(next - snapshotIndex - 1, next - snapshotIndex - 1 + MAX_BATCH);
    sentUpTo.set(peer, prev + batch.length);
    ctx.send(peer, { type: "AppendEntries", term: currentTerm, leader: ctx.id, prevLogIndex: prev, prevLogTerm: termAt(prev), entries: batch, leaderCommit: commitIndex });
    // #worksheet
    // if (lastIndex() === 0 && commitIndex === 0) {
    //   // An empty log has nothing to send: a bare heartbeat (all of Part A needs).
    //   ctx.send(peer, { type: "AppendEntries", term: currentTerm, leader: ctx.id, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
    //   return;
    // }
    // todo("raft-log: send the entries the follower is missing (§5.3)");
    // #endregion raft-log
  }

  /**
   * Follower, after Part A accepted the leader's term: the consistency check,
   * then append. Returns the reply fields. Truncate only at a real conflict
   * (a late, shorter AppendEntries must not erase entries). Then
   * commitIndex = min(leaderCommit, index of the last entry this request covered),
   * never lower than it was (a late heartbeat must not take back a commit), and apply.
   */
  function matchAndAppend(m: AppendEntries): AppendResult {
    // #region raft-snapshot
    // Entries at or below our snapshot are committed and already here: skip them.
    if (m.prevLogIndex < snapshotIndex) {
      const skip = snapshotIndex - m.prevLogIndex;
      if (skip >= m.entries.length) return { success: true, matchIndex: snapshotIndex, conflictIndex: 0, conflictTerm: null };
      m = { ...m, prevLogIndex: snapshotIndex, prevLogTerm: snapshotTerm, entries: m.entries.slice(skip) };
    }
    // #worksheet
    // // Part D: entries at or below snapshotIndex are already in your snapshot: skip them first.
    // #endregion raft-snapshot
    // #region raft-log
    const prev = m.prevLogIndex;
    const refuse = (conflictIndex: number, conflictTerm: number | null): AppendResult => ({ success: false, matchIndex: 0, conflictIndex, conflictTerm });
    // §5.3: the consistency check. The conflict fields let the leader skip a whole term at once.
    if (prev > lastIndex()) return refuse(lastIndex() + 1, null);
    if (termAt(prev) !== m.prevLogTerm) {
      const ct = termAt(prev);
      let first = prev;
      while (first - 1 > snapshotIndex && termAt(first - 1) === ct) first--;
      return refuse(first, ct);
    }
    // Append what is new; truncate only at a real conflict (never on a match:
    // a delayed, shorter AppendEntries must not erase entries it does not mention).
    for (let k = 0; k < m.entries.length; k++) {
      const idx = prev + 1 + k;
      if (idx <= lastIndex() && termAt(idx) === m.entries[k]!.term) continue;
      if (idx <= lastIndex()) entries.length = idx - snapshotIndex - 1; // conflict: drop it and all that follow
      entries.push(...m.entries.slice(k));
      saveLog(idx);
      break;
    }
    const match = prev + m.entries.length;
    // Only what this request vouched for may commit here: beyond `match` our log may still differ from the leader's.
    // Figure 2 only ever raises commitIndex: a heartbeat with a low prevLogIndex vouches for less than we already know is committed.
    if (m.leaderCommit > commitIndex && match > commitIndex) {
      commitIndex = Math.min(m.leaderCommit, match);
      applyCommitted();
    }
    return { success: true, matchIndex: match, conflictIndex: 0, conflictTerm: null };
    // #worksheet
    // if (m.prevLogIndex === 0 && m.entries.length === 0 && m.leaderCommit === 0) return { success: true, matchIndex: 0, conflictIndex: 0, conflictTerm: null }; // Part A's heartbeats
    // todo("raft-log: check prevLogIndex/prevLogTerm, append, advance commitIndex (§5.3)");
    // #endregion raft-log
  }

  // #region raft-log
  function onAppendResult(from: NodeId, m: AppendEntriesReply): void {
    if (m.success) {
      if (m.matchIndex > matchIndex.get(from)!) matchIndex.set(from, m.matchIndex); // never lower it for a late reply
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
    sentUpTo.set(from, matchIndex.get(from)!); // the refused batch is answered: send the right one now
    sendAppend(from);
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
  // #worksheet
  // /** Leader, a reply of the current term: update matchIndex/nextIndex, advance the commit, resend after a refusal. */
  // function onAppendResult(from: NodeId, m: AppendEntriesReply): void {
  //   if (lastIndex() === 0) return; // nothing to track yet (all of Part A needs)
  //   todo("raft-log: track the follower's progress or back up nextIndex (§5.3)");
  // }
  //
  // /** §5.3, §5.4.2: commit the highest N stored on a majority — counting replicas only for entries of the current term (Figure 8). */
  // function advanceCommit(): void {
  //   todo("raft-log: advance commitIndex by counting replicas (§5.3, §5.4.2)");
  // }
  //
  // /** Output every committed, not yet applied entry, in index order: ctx.output({ type: "applied", index, command }). */
  // function applyCommitted(): void {
  //   todo("raft-log: apply committed entries in order, each exactly once");
  // }
  // #endregion raft-log

  // =========================================================================
  // Part C — raft-persist (§5.1, Figure 2: "updated on stable storage before responding to RPCs")
  // Until Part C these do nothing: stages 1 and 2 never crash a node.

  // #region raft-persist
  /** Entries per disk record: an append rewrites one small record, not the whole log. */
  const CHUNK = 32;

  /** Term and vote in one record, written before any message that depends on them leaves. */
  function saveState(): void {
    ctx.disk.set("state", { term: currentTerm, votedFor });
    ctx.disk.sync();
  }

  /** The log in chunks of CHUNK entries, from the chunk holding `from` on, then the record that says where it ends. */
  function saveLog(from: number): void {
    const first = Math.max(from, snapshotIndex + 1);
    for (let c = Math.floor((first - 1) / CHUNK); c * CHUNK < lastIndex(); c++) {
      const lo = Math.max(c * CHUNK + 1, snapshotIndex + 1);
      const hi = Math.min((c + 1) * CHUNK, lastIndex());
      ctx.disk.set(`log/${c}`, { from: lo, entries: entries.slice(lo - snapshotIndex - 1, hi - snapshotIndex) });
    }
    ctx.disk.set("log", { lastIndex: lastIndex() });
    ctx.disk.sync();
  }
  // #worksheet
  // /** Write currentTerm and votedFor to ctx.disk. */
  // function saveState(): void {
  //   // raft-persist: ctx.disk.set(...)
  // }
  //
  // /** Write the log from index `from` on (the simplest version rewrites the whole log under one key). */
  // function saveLog(from: number): void {
  //   void from; // raft-persist: ctx.disk.set(...)
  // }
  // #endregion raft-persist

  /** Every boot (the first one, and after each restart): read back what is on disk. */
  function restore(): void {
    // #region raft-snapshot
    const snap = ctx.disk.get<{ index: number; term: number; data: Json }>("snapshot");
    if (snap) {
      ({ index: snapshotIndex, term: snapshotTerm, data: snapshotData } = snap);
      // Everything in the snapshot is committed and applied; tell the service first.
      commitIndex = lastApplied = snapshotIndex;
      ctx.output({ type: "snapshot", index: snapshotIndex, term: snapshotTerm, data: snapshotData });
    }
    // #worksheet
    // // Part D: read the snapshot back first, and hand it to the service (ctx.output) before anything is applied.
    // #endregion raft-snapshot
    // #region raft-persist
    const st = ctx.disk.get<{ term: number; votedFor: NodeId | null }>("state");
    if (st) ({ term: currentTerm, votedFor } = st);
    const end = ctx.disk.get<{ lastIndex: number }>("log")?.lastIndex ?? 0;
    entries = [];
    for (let c = Math.floor(snapshotIndex / CHUNK); c * CHUNK < end; c++) {
      const chunk = ctx.disk.get<{ from: number; entries: Entry[] }>(`log/${c}`);
      if (!chunk) continue;
      chunk.entries.forEach((e, k) => {
        if (chunk.from + k > snapshotIndex && chunk.from + k <= end) entries.push(e);
      });
    }
    // commitIndex and lastApplied are volatile: the leader tells us again what is committed.
    // #worksheet
    // // A node's first boot finds an empty disk: there is nothing to read (all that stages 1 and 2 need).
    // if (ctx.disk.get("booted") === undefined) return ctx.disk.set("booted", true);
    // todo("raft-persist: this node restarted: read currentTerm, votedFor and the log back from ctx.disk (Figure 2)");
    // #endregion raft-persist
  }

  // =========================================================================
  // Part D — raft-snapshot (§7)

  // #region raft-snapshot
  /** The snapshot, then the log after it; chunks wholly inside the snapshot are emptied so the disk stays small. */
  function saveSnapshot(oldSnapshotIndex: number): void {
    ctx.disk.set("snapshot", { index: snapshotIndex, term: snapshotTerm, data: snapshotData });
    for (let c = Math.floor(oldSnapshotIndex / CHUNK); (c + 1) * CHUNK <= snapshotIndex; c++) ctx.disk.set(`log/${c}`, null);
    saveLog(snapshotIndex + 1);
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
    if (nextIndex.get(from)! > lastIndex()) return;
    sentUpTo.set(from, matchIndex.get(from)!); // the snapshot is answered: the entries after it go now, not an empty probe
    sendAppend(from);
  }
  // #worksheet
  // /** Follower: the leader sent its snapshot. Keep later entries if ours match at lastIncludedIndex, report the snapshot to the service. */
  // function onInstallSnapshot(from: NodeId, m: InstallSnapshot): void {
  //   todo("raft-snapshot: install the leader's snapshot (§7)");
  // }
  //
  // /** Leader: the follower now holds everything up to lastIncludedIndex. */
  // function onInstallSnapshotReply(from: NodeId, m: InstallSnapshotReply): void {
  //   todo("raft-snapshot: move the follower's nextIndex/matchIndex past the snapshot");
  // }
  // #endregion raft-snapshot

  void [saveState, saveLog, candidateUpToDate, matchAndAppend, onAppendResult, advanceCommit, applyCommitted, replicate, entryAt, resetElectionTimer, stepDown, becomeLeader, broadcast];

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
      if (name === "replicate" && role === "leader") replicate();
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
      // #region raft-log
      if (role !== "leader") return { index: -1, term: currentTerm, isLeader: false };
      entries.push({ term: currentTerm, command });
      saveLog(lastIndex());
      // Replicate soon, once: starts at the same instant share one round of messages.
      ctx.setTimer("replicate", 0);
      return { index: lastIndex(), term: currentTerm, isLeader: true };
      // #worksheet
      // // Leader: append { term: currentTerm, command }, save the log, and set a 0 ms "replicate"
      // // timer (starts at the same instant then share one round of messages: the grader counts them).
      // todo("raft-log: accept a command as leader");
      // #endregion raft-log
    },

    getState() {
      return { term: currentTerm, isLeader: role === "leader" };
    },

    snapshot(index, data) {
      begin();
      // #region raft-snapshot
      // The service has applied everything up to `index` and saved it in `data`.
      if (index <= snapshotIndex || index > lastApplied) return;
      const old = snapshotIndex;
      snapshotTerm = termAt(index);
      entries = entries.slice(index - snapshotIndex);
      snapshotIndex = index;
      snapshotData = data;
      saveSnapshot(old);
      // #worksheet
      // // Ignore an index at or below snapshotIndex or beyond lastApplied; otherwise drop the
      // // entries up to index (remember its term), keep data, and save both.
      // todo("raft-snapshot: compact the log up to index");
      // #endregion raft-snapshot
    },

    inspect() {
      return { term: currentTerm, votedFor, role, commitIndex, lastApplied, snapshotIndex, snapshotTerm, entries };
    },
  };
}
