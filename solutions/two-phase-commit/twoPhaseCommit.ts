// Reference solution for `two-phase-commit`.
//
// The coordinator and every participant keep a log on disk and force it
// (disk.sync) before telling anyone what it says: a promise that is not on
// disk is a promise a crash can break.

import type { Ctx, Node, NodeId } from "faultline/sim";

export type Vote = "yes" | "no";
export type Decision = "commit" | "abort";

export type Msg =
  | { type: "prepare"; tx: string }
  | { type: "vote"; tx: string; vote: Vote }
  | { type: "decision"; tx: string; decision: Decision }
  | { type: "ack"; tx: string }
  | { type: "status"; tx: string };

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
  /** What this node keeps in memory, as plain data (the exhaustive checker compares states with it). */
  state(): unknown;
}

export interface Participant extends Node<Msg> {
  state(): unknown;
}

// ---------------------------------------------------------------------------
// Coordinator

type CoordinatorRecord = { participants: NodeId[]; decision: Decision | null };

export function createCoordinator(ctx: Ctx<Msg, Out>): Coordinator {
  // The log: every transaction begun, with its decision once there is one.
  const log = (): Record<string, CoordinatorRecord> => ctx.disk.get("txs") ?? {};
  const write = (tx: string, rec: CoordinatorRecord) => {
    ctx.disk.set("txs", { ...log(), [tx]: rec });
    ctx.disk.sync();
  };
  // In memory only: votes and acknowledgements (lost in a crash, and that is fine).
  const yes = new Map<string, Set<NodeId>>();
  const acked = new Map<string, Set<NodeId>>();

  function decide(tx: string, decision: Decision): void {
    const rec = log()[tx]!;
    // Force the decision before anyone hears it: after a crash we must say the same thing again.
    write(tx, { ...rec, decision });
    ctx.output({ type: "decided", tx, decision });
    ctx.cancelTimer(`timeout ${tx}`);
    sendDecision(tx);
  }

  function sendDecision(tx: string): void {
    const rec = log()[tx]!;
    const done = acked.get(tx) ?? new Set();
    for (const p of rec.participants) if (!done.has(p)) ctx.send(p, { type: "decision", tx, decision: rec.decision! });
  }

  function outstanding(): boolean {
    return Object.entries(log()).some(([tx, rec]) => rec.participants.some((p) => (rec.decision ? !acked.get(tx)?.has(p) : !yes.get(tx)?.has(p))));
  }

  return {
    onStart() {
      // Recovery. A logged decision is sent again until every participant acknowledges it.
      // A transaction begun but not decided is aborted: the votes were in memory and are gone.
      for (const [tx, rec] of Object.entries(log())) {
        if (rec.decision === null) decide(tx, "abort");
        else sendDecision(tx);
      }
      if (outstanding()) ctx.setTimer("retry", RETRY_MS);
    },

    begin(tx, participants) {
      write(tx, { participants: [...participants], decision: null });
      yes.set(tx, new Set());
      for (const p of participants) ctx.send(p, { type: "prepare", tx });
      ctx.setTimer("retry", RETRY_MS);
      ctx.setTimer(`timeout ${tx}`, VOTE_TIMEOUT_MS);
    },

    onMessage(from, msg) {
      const rec = log()[msg.tx];
      switch (msg.type) {
        case "vote": {
          if (!rec || rec.decision !== null) return; // late or repeated: the decision is already on its way
          if (msg.vote === "no") return decide(msg.tx, "abort");
          const got = yes.get(msg.tx) ?? new Set<NodeId>();
          got.add(from);
          yes.set(msg.tx, got);
          if (rec.participants.every((p) => got.has(p))) decide(msg.tx, "commit");
          return;
        }
        case "ack": {
          const got = acked.get(msg.tx) ?? new Set<NodeId>();
          got.add(from);
          acked.set(msg.tx, got);
          return;
        }
        case "status": {
          // A participant in doubt asks. Never heard of the transaction: it cannot have committed (presumed abort).
          if (!rec) {
            ctx.disk.set("txs", { ...log(), [msg.tx]: { participants: [from], decision: "abort" } });
            ctx.disk.sync();
            ctx.output({ type: "decided", tx: msg.tx, decision: "abort" });
            ctx.send(from, { type: "decision", tx: msg.tx, decision: "abort" });
          } else if (rec.decision !== null) ctx.send(from, { type: "decision", tx: msg.tx, decision: rec.decision });
          // Still collecting votes: no answer yet; the participant will ask again.
          return;
        }
      }
    },

    onTimer(name) {
      if (name.startsWith("timeout ")) {
        const tx = name.slice("timeout ".length);
        if (log()[tx]?.decision === null) decide(tx, "abort");
        return;
      }
      // Resend whatever has not been answered: prepares without a vote, decisions without an ack.
      for (const [tx, rec] of Object.entries(log())) {
        if (rec.decision !== null) sendDecision(tx);
        else for (const p of rec.participants) if (!yes.get(tx)?.has(p)) ctx.send(p, { type: "prepare", tx });
      }
      if (outstanding()) ctx.setTimer("retry", RETRY_MS);
    },

    state() {
      const sets = (m: Map<string, Set<NodeId>>) => Object.fromEntries([...m].map(([tx, s]) => [tx, [...s].sort()]));
      return { yes: sets(yes), acked: sets(acked) };
    },
  };
}

// ---------------------------------------------------------------------------
// Participant

type ParticipantRecord = { state: "working" | "prepared" | "committed" | "aborted"; coordinator: NodeId };

export function createParticipant(ctx: Ctx<Msg, Out>, rm: ResourceManager): Participant {
  const log = (): Record<string, ParticipantRecord> => ctx.disk.get("txs") ?? {};
  const write = (tx: string, rec: ParticipantRecord) => {
    ctx.disk.set("txs", { ...log(), [tx]: rec });
    ctx.disk.sync();
  };
  const inDoubt = () => Object.values(log()).some((r) => r.state === "prepared");

  function askAboutDoubts(): void {
    for (const [tx, rec] of Object.entries(log())) if (rec.state === "prepared") ctx.send(rec.coordinator, { type: "status", tx });
    if (inDoubt()) ctx.setTimer("ask", RETRY_MS);
  }

  return {
    onStart() {
      for (const [tx, rec] of Object.entries(log())) {
        // Joined but never prepared: the tentative work died with the crash, and we never
        // promised anything, so aborting on our own is allowed.
        if (rec.state === "working") {
          write(tx, { ...rec, state: "aborted" });
          ctx.output({ type: "decided", tx, decision: "abort" });
        }
      }
      // Prepared: we promised. Only the coordinator may decide now, so ask it (and keep asking).
      askAboutDoubts();
    },

    onMessage(from, msg) {
      const rec = log()[msg.tx];
      switch (msg.type) {
        case "prepare": {
          if (rec) {
            // A repeated prepare: repeat the vote we already made.
            ctx.send(from, { type: "vote", tx: msg.tx, vote: rec.state === "aborted" ? "no" : "yes" });
            return;
          }
          write(msg.tx, { state: "working", coordinator: from });
          const vote = rm.prepare(msg.tx);
          if (vote === "yes") {
            // Force "prepared" before saying yes: after a crash we must still be able to commit.
            write(msg.tx, { state: "prepared", coordinator: from });
            ctx.output({ type: "voted", tx: msg.tx, vote: "yes" });
            ctx.send(from, { type: "vote", tx: msg.tx, vote: "yes" });
            ctx.setTimer("ask", RETRY_MS);
          } else {
            write(msg.tx, { state: "aborted", coordinator: from });
            ctx.output({ type: "voted", tx: msg.tx, vote: "no" });
            ctx.output({ type: "decided", tx: msg.tx, decision: "abort" });
            ctx.send(from, { type: "vote", tx: msg.tx, vote: "no" });
          }
          return;
        }
        case "decision": {
          // Apply a decision once; a repeated one only needs another ack.
          if (!rec || rec.state === "working" || rec.state === "prepared") {
            write(msg.tx, { state: msg.decision === "commit" ? "committed" : "aborted", coordinator: from });
            ctx.output({ type: "decided", tx: msg.tx, decision: msg.decision });
          }
          ctx.send(from, { type: "ack", tx: msg.tx });
          return;
        }
        default:
          return;
      }
    },

    onTimer(name) {
      // In doubt: we may not guess, so we ask the coordinator again.
      if (name === "ask") askAboutDoubts();
    },

    state() {
      return null; // everything this node knows is in its log
    },
  };
}
