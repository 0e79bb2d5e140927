// The lab's three-phase commit (after Skeen, "Nonblocking Commit Protocols",
// 1981), used by the `break-3pc` exercise and lesson 06. It is correct when
// the only faults are crashes and a timeout means "that node has crashed"
// (reliable failure detection). It is *not* correct under partitions, and the
// exercise is to show it.
//
// Phases: canCommit? → votes; preCommit → acks; doCommit. A participant that
// has voted but hears nothing more times out and runs the termination
// protocol: it asks the participants it can reach for their state and decides
// from what it hears: anyone committed or pre-committed → commit; otherwise
// (everyone uncertain, or anyone aborted) → abort. The premise is that a node
// it cannot hear from has crashed and so cannot have done anything since.

import type { Ctx, Node, NodeId } from "../../sim/index.ts";

export type ParticipantState = "init" | "uncertain" | "precommitted" | "committed" | "aborted";

export type Msg3 =
  | { type: "canCommit"; tx: string }
  | { type: "vote"; tx: string; vote: "yes" | "no" }
  | { type: "preCommit"; tx: string }
  | { type: "ack"; tx: string }
  | { type: "doCommit"; tx: string }
  | { type: "abort"; tx: string }
  | { type: "stateReq"; tx: string }
  | { type: "stateRep"; tx: string; state: ParticipantState };

export type Out3 = { type: "voted"; tx: string; vote: "yes" } | { type: "decided"; tx: string; decision: "commit" | "abort" };

/** Every message takes exactly this long in the exercise's network (no loss, no reordering). */
export const DELAY_MS = 5;
/** The coordinator waits this long for votes, then for acks. */
export const COORDINATOR_TIMEOUT_MS = 100;
/** A participant waits this long for the next message of the protocol before it runs the termination protocol. */
export const PARTICIPANT_TIMEOUT_MS = 200;
/** The termination protocol collects states for this long. */
export const COLLECT_MS = 50;
/** When the harness begins the transaction. */
export const BEGIN_AT_MS = 10;

export interface Coordinator3 extends Node<Msg3> {
  begin(tx: string, participants: readonly NodeId[]): void;
}

export function create3pcCoordinator(ctx: Ctx<Msg3, Out3>): Coordinator3 {
  let tx = "";
  let participants: NodeId[] = [];
  let phase: "idle" | "votes" | "acks" | "done" = "idle";
  const yes = new Set<NodeId>();
  const acks = new Set<NodeId>();

  const decide = (decision: "commit" | "abort") => {
    phase = "done";
    ctx.disk.set("decision", decision);
    ctx.output({ type: "decided", tx, decision });
    for (const p of participants) ctx.send(p, decision === "commit" ? { type: "doCommit", tx } : { type: "abort", tx });
  };
  const preCommit = () => {
    phase = "acks";
    for (const p of participants) ctx.send(p, { type: "preCommit", tx });
    ctx.setTimer("timeout", COORDINATOR_TIMEOUT_MS);
  };

  return {
    begin(t, ps) {
      tx = t;
      participants = [...ps];
      phase = "votes";
      for (const p of participants) ctx.send(p, { type: "canCommit", tx });
      ctx.setTimer("timeout", COORDINATOR_TIMEOUT_MS);
    },
    onMessage(from, msg) {
      if (msg.type === "vote" && phase === "votes") {
        if (msg.vote === "no") return decide("abort");
        yes.add(from);
        if (participants.every((p) => yes.has(p))) preCommit();
      } else if (msg.type === "ack" && phase === "acks") {
        acks.add(from);
        if (participants.every((p) => acks.has(p))) decide("commit");
      }
    },
    onTimer() {
      // A silent participant is taken to have crashed (reliable failure detection).
      if (phase === "votes") decide("abort");
      // Everyone voted yes and the pre-commits are out: a participant that did not
      // ack has crashed and will learn the outcome when it recovers. Commit.
      else if (phase === "acks") decide("commit");
    },
  };
}

export function create3pcParticipant(ctx: Ctx<Msg3, Out3>): Node<Msg3> {
  let tx = "";
  let state: ParticipantState = "init";
  let coordinator: NodeId = "";
  let collecting = false;
  const heard = new Map<NodeId, ParticipantState>();

  const others = () => ctx.peers.filter((p) => p !== coordinator && p.startsWith("p"));
  const become = (s: ParticipantState) => {
    state = s;
    if (s === "committed" || s === "aborted") {
      ctx.cancelTimer("timeout");
      ctx.output({ type: "decided", tx, decision: s === "committed" ? "commit" : "abort" });
    } else ctx.setTimer("timeout", PARTICIPANT_TIMEOUT_MS);
  };

  return {
    onMessage(from, msg) {
      const final = state === "committed" || state === "aborted";
      switch (msg.type) {
        case "canCommit":
          if (state !== "init") return;
          tx = msg.tx;
          coordinator = from;
          ctx.output({ type: "voted", tx, vote: "yes" });
          ctx.send(from, { type: "vote", tx, vote: "yes" });
          return become("uncertain");
        case "preCommit":
          if (state !== "uncertain") return;
          ctx.send(from, { type: "ack", tx });
          return become("precommitted");
        case "doCommit":
          if (!final) become("committed");
          return;
        case "abort":
          if (!final) become("aborted");
          return;
        case "stateReq":
          ctx.send(from, { type: "stateRep", tx: msg.tx, state });
          return;
        case "stateRep":
          if (collecting) heard.set(from, msg.state);
          return;
        default:
          return;
      }
    },
    onTimer(name) {
      if (name === "timeout" && (state === "uncertain" || state === "precommitted")) {
        // The coordinator has gone quiet: it must have crashed. Ask the other participants.
        collecting = true;
        heard.clear();
        for (const p of others()) ctx.send(p, { type: "stateReq", tx });
        ctx.setTimer("collect", COLLECT_MS);
      } else if (name === "collect" && collecting) {
        collecting = false;
        if (state === "committed" || state === "aborted") return;
        // Whoever did not answer has crashed; decide from the states we can see.
        const states = [state, ...heard.values()];
        const decision = states.includes("committed") || states.includes("precommitted") ? (states.includes("aborted") ? "abort" : "commit") : "abort";
        for (const p of others()) ctx.send(p, decision === "commit" ? { type: "doCommit", tx } : { type: "abort", tx });
        become(decision === "commit" ? "committed" : "aborted");
      }
    },
  };
}

export const PARTICIPANTS_3PC = ["p1", "p2", "p3"] as const;
export const NODES_3PC = ["co", ...PARTICIPANTS_3PC] as const;

/** The exercise's cluster: the coordinator and three participants, a calm 5 ms network, the transaction begun at t=10 ms. */
export function threePcOptions() {
  return {
    nodes: { co: create3pcCoordinator, p1: create3pcParticipant, p2: create3pcParticipant, p3: create3pcParticipant },
    network: { delayMs: [DELAY_MS, DELAY_MS] as const, drop: 0, duplicate: 0, tail: 0 },
  };
}

/** Begins the transaction at BEGIN_AT_MS (if the coordinator is up). */
export function begin3pc(sim: { at(t: number, fn: () => void): void; status(id: NodeId): string; call<N, R>(id: NodeId, method: string, fn: (n: N) => R): R }, tx = "t1"): void {
  sim.at(BEGIN_AT_MS, () => {
    if (sim.status("co") === "up") sim.call<Coordinator3, void>("co", "begin", (n) => n.begin(tx, PARTICIPANTS_3PC));
  });
}
