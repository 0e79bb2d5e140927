// Exercise `two-phase-commit`. Lesson: lessons/06-atomic-commit.md ("Two-phase commit, carefully").
//
// One coordinator ("co") and a few participants ("p1", "p2", …) decide one
// transaction: commit everywhere, or abort everywhere. The harness calls
// `begin(tx, participants)` on the coordinator. Each participant asks its
// local resource manager how to vote (`rm.prepare(tx)` → "yes" | "no").
//
// The grader crashes every node at every step (the disk keeps only what you
// forced with ctx.disk.sync()), loses, duplicates and reorders messages,
// delays them far beyond your timeouts, partitions the network, and also
// searches *every* interleaving of a coordinator and two participants. It
// tests each rule below on its own, too, with fake peers that send exactly
// the messages a rule is about. It checks that:
//   - all nodes that decide a transaction decide the same;
//   - no node ever reverses a decision, across restarts;
//   - a transaction commits only if every participant named in begin() voted yes;
//   - every node outputs its decision once, however often it hears it and however
//     often it restarts (a coordinator decides once; recovery resends, it does not decide again);
//   - a participant votes once per transaction (a repeated prepare gets the same vote,
//     also after a crash) and asks its resource manager once;
//   - with no faults and all yes votes, the transaction commits;
//   - once every node has recovered and the network has healed, every node decides,
//     and then the traffic stops (nothing already acknowledged is resent).
// Participant ids and transaction ids can be any string ("p10", "alice", "t/3").
//
// Outputs: a participant outputs {type: "voted", tx, vote} when it votes, and
// every node outputs {type: "decided", tx, decision} once, when it learns the outcome.
//
// Run `npx faultline grade two-phase-commit` to check your work.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

export type Vote = "yes" | "no";
export type Decision = "commit" | "abort";

export type Msg =
  | { type: "prepare"; tx: string } // coordinator → participant: "can you commit?"
  | { type: "vote"; tx: string; vote: Vote } // participant → coordinator
  | { type: "decision"; tx: string; decision: Decision } // coordinator → participant
  | { type: "ack"; tx: string } // participant → coordinator: "got the decision"
  | { type: "status"; tx: string }; // participant in doubt → coordinator: "what was decided?"

export type Out = { type: "voted"; tx: string; vote: Vote } | { type: "decided"; tx: string; decision: Decision };

/** A participant's local resource manager, scripted by the harness. */
export interface ResourceManager {
  /** Can this node commit its part of `tx`? A "yes" is a promise: from then on only the coordinator may decide. */
  prepare(tx: string): Vote;
}

/** How often to resend what has not been answered. */
export const RETRY_MS = 50;
/** How long the coordinator waits for votes before it aborts. */
export const VOTE_TIMEOUT_MS = 300;

export interface Coordinator extends Node<Msg> {
  /** Called by the harness: run transaction `tx` with these participants. */
  begin(tx: string, participants: readonly NodeId[]): void;
  /**
   * What this node keeps in memory (not on disk), as plain data. The exhaustive
   * search uses it to recognise states it has already seen: include every
   * variable your handlers read. (Already written for the variables below.)
   */
  state(): unknown;
}

export interface Participant extends Node<Msg> {
  state(): unknown;
}

// ---------------------------------------------------------------------------
// Coordinator

/** The coordinator's log on disk: every transaction begun, with its decision once made. */
type CoordinatorRecord = { participants: NodeId[]; decision: Decision | null };

export function createCoordinator(ctx: Ctx<Msg, Out>): Coordinator {
  const log = (): Record<string, CoordinatorRecord> => ctx.disk.get("txs") ?? {};
  /** Writes one record and forces it to disk: after this returns, a crash cannot undo it. */
  const write = (tx: string, rec: CoordinatorRecord) => {
    ctx.disk.set("txs", { ...log(), [tx]: rec });
    ctx.disk.sync();
  };
  // In memory only (lost in a crash): the yes votes and acks received so far.
  const yes = new Map<string, Set<NodeId>>();
  const acked = new Map<string, Set<NodeId>>();

  return {
    onStart() {
      // Recovery (also runs at first boot, with an empty log).
      // - A logged decision: send it again until every participant acks.
      // - A transaction begun but not decided: the votes were in memory and are gone. What may you decide?
      todo("recover from the log: resend logged decisions, settle undecided transactions");
    },

    begin(tx, participants) {
      // Log the transaction (so a restart knows about it), send every participant a prepare,
      // and set timers: one to resend, one to give up waiting for votes (VOTE_TIMEOUT_MS).
      todo("begin: log the transaction, send prepares, set timers");
    },

    onMessage(from, msg) {
      // "vote": a no aborts; all yes commits. Before anyone hears a decision, it must be on disk.
      // "ack": remember who has the decision, so you can stop resending to them.
      // "status": a participant in doubt asks. Answer with the decision if you have one.
      //           A transaction you have no record of cannot have committed.
      todo("handle votes, acks and status questions");
    },

    onTimer(name) {
      // Resend what has not been answered (prepares without a vote, decisions without an ack),
      // and abort a transaction whose votes did not all arrive in time.
      todo("resend, and time out waiting for votes");
    },

    state() {
      const sets = (m: Map<string, Set<NodeId>>) => Object.fromEntries([...m].map(([tx, s]) => [tx, [...s].sort()]));
      return { yes: sets(yes), acked: sets(acked) };
    },
  };
}

// ---------------------------------------------------------------------------
// Participant

/**
 * The participant's log on disk, per transaction:
 * "working" (joined, not yet voted), "prepared" (voted yes), "committed" or "aborted".
 */
type ParticipantRecord = { state: "working" | "prepared" | "committed" | "aborted"; coordinator: NodeId };

export function createParticipant(ctx: Ctx<Msg, Out>, rm: ResourceManager): Participant {
  const log = (): Record<string, ParticipantRecord> => ctx.disk.get("txs") ?? {};
  const write = (tx: string, rec: ParticipantRecord) => {
    ctx.disk.set("txs", { ...log(), [tx]: rec });
    ctx.disk.sync();
  };

  return {
    onStart() {
      // After a restart, read your log:
      // - "working": you never promised anything, and the tentative work died with the crash.
      // - "prepared": you promised. Who may decide now? Keep asking until you know.
      todo("recover from the log");
    },

    onMessage(from, msg) {
      // "prepare": record "working", ask rm.prepare(tx), and vote. In which order must
      //            "record prepared" and "send yes" happen? (A repeated prepare gets the same vote again.)
      // "decision": apply it once (record it, output it), and ack every copy you receive.
      todo("handle prepare and decision");
    },

    onTimer(name) {
      // In doubt (prepared, no decision): ask the coordinator again. Never guess.
      todo("ask the coordinator while in doubt");
    },

    state() {
      return null; // keep everything in the log and this needs no change
    },
  };
}
