// Lesson 06's two-phase commit, for the lesson's cells (the `two-phase-commit`
// exercise asks you to write your own). Durable logs, written before any
// message that announces them ("write before you speak"):
//
//   coordinator disk  `tx <id>` = { participants, decision: null | "commit" | "abort" }
//   participant disk  `tx <id>` = "prepared" | "committed" | "aborted"
//
// A prepared participant whose coordinator goes quiet keeps asking it for the
// outcome (a `status` question) and does nothing else: it has promised to
// commit if told to, and cannot know what was decided. That is the blocking.

import type { Ctx, Node, NodeId } from "../../runner/sim/index.ts";

type Decision = "commit" | "abort";
type Msg =
  | { type: "prepare"; tx: string }
  | { type: "vote"; tx: string; yes: boolean }
  | { type: "decision"; tx: string; decision: Decision }
  | { type: "ack"; tx: string }
  | { type: "status"; tx: string };
type Out = { type: "voted"; tx: string; yes: boolean } | { type: "decided"; tx: string; decision: Decision };
type Entry = { participants: NodeId[]; decision: Decision | null };

export interface Coordinator extends Node<Msg> {
  begin(tx: string, participants: readonly NodeId[]): void;
}

const RESEND_MS = 50;
const VOTE_TIMEOUT_MS = 300;

export function coordinator(ctx: Ctx<Msg, Out>): Coordinator {
  const votes = new Map<string, Set<NodeId>>(); // tx → who voted yes (memory: lost in a crash, and that is fine)
  const acks = new Map<string, Set<NodeId>>();
  const entry = (tx: string) => ctx.disk.get<Entry>(`tx ${tx}`);
  const record = (tx: string, e: Entry) => {
    ctx.disk.set(`tx ${tx}`, e);
    ctx.disk.sync();
  };
  const known = (): string[] => ctx.disk.get<string[]>("txs") ?? [];

  const decide = (tx: string, decision: Decision) => {
    record(tx, { ...entry(tx)!, decision }); // on disk first: then nobody can be told otherwise after a crash
    ctx.output({ type: "decided", tx, decision });
    resend();
  };
  /** Prepares for the votes still missing, decisions for the acks still missing; again later while anything is missing. */
  const resend = () => {
    let missing = false;
    for (const tx of known()) {
      const e = entry(tx)!;
      const heard = (e.decision ? acks : votes).get(tx) ?? new Set();
      for (const p of e.participants.filter((p) => !heard.has(p))) {
        missing = true;
        ctx.send(p, e.decision ? { type: "decision", tx, decision: e.decision } : { type: "prepare", tx });
      }
    }
    if (missing) ctx.setTimer("resend", RESEND_MS);
  };

  return {
    begin(tx, participants) {
      ctx.disk.set("txs", [...known(), tx]);
      record(tx, { participants: [...participants], decision: null });
      resend();
      ctx.setTimer(`votes for ${tx}`, VOTE_TIMEOUT_MS);
    },
    onStart() {
      // Back from a crash: whatever was not decided yet, nobody can have been told to commit. Abort it.
      for (const tx of known()) if (entry(tx)!.decision === null) decide(tx, "abort");
      resend();
    },
    onTimer(name) {
      const tx = name.startsWith("votes for ") ? name.slice("votes for ".length) : null;
      if (tx === null) return resend();
      if (entry(tx)?.decision === null) decide(tx, "abort");
    },
    onMessage(from, msg) {
      const e = entry(msg.tx);
      if (!e) return;
      if (msg.type === "vote" && e.decision === null) {
        if (!msg.yes) return decide(msg.tx, "abort");
        const yes = votes.get(msg.tx) ?? new Set<NodeId>();
        votes.set(msg.tx, yes.add(from));
        if (e.participants.every((p) => yes.has(p))) decide(msg.tx, "commit");
      } else if (msg.type === "ack") {
        const got = (acks.get(msg.tx) ?? new Set<NodeId>()).add(from);
        acks.set(msg.tx, got);
        if (known().every((tx) => entry(tx)!.participants.every((p) => acks.get(tx)?.has(p)))) ctx.cancelTimer("resend"); // all done: stop resending
      }
      else if (msg.type === "status" && e.decision) ctx.send(from, { type: "decision", tx: msg.tx, decision: e.decision });
    },
  };
}

/** A participant whose resource manager votes `yes` (or not) on every transaction. */
export function participant(yes = true) {
  return (ctx: Ctx<Msg, Out>): Node<Msg> => {
    const state = (tx: string) => ctx.disk.get<string>(`tx ${tx}`);
    const record = (tx: string, s: "prepared" | "committed" | "aborted") => {
      ctx.disk.set(`tx ${tx}`, s);
      ctx.disk.sync();
    };
    /** Transactions this node voted yes on, with their coordinators: after a crash it must still ask. */
    const voted = () => ctx.disk.get<[string, NodeId][]>("voted yes") ?? [];
    const ask = () => {
      const doubts = voted().filter(([tx]) => state(tx) === "prepared");
      for (const [tx, co] of doubts) ctx.send(co, { type: "status", tx });
      if (doubts.length) ctx.setTimer("ask", RESEND_MS);
    };
    return {
      onStart: ask,
      onTimer: ask,
      onMessage(from, msg) {
        if (msg.type === "prepare") {
          if (state(msg.tx) === undefined) {
            if (yes) ctx.disk.set("voted yes", [...voted(), [msg.tx, from]]);
            record(msg.tx, yes ? "prepared" : "aborted"); // the promise is on disk before the vote leaves
            ctx.output({ type: "voted", tx: msg.tx, yes });
            if (yes) ctx.setTimer("ask", RESEND_MS);
            else ctx.output({ type: "decided", tx: msg.tx, decision: "abort" });
          }
          ctx.send(from, { type: "vote", tx: msg.tx, yes: state(msg.tx) !== "aborted" });
        } else if (msg.type === "decision") {
          if (state(msg.tx) === "prepared") {
            record(msg.tx, msg.decision === "commit" ? "committed" : "aborted");
            ctx.output({ type: "decided", tx: msg.tx, decision: msg.decision });
            if (!voted().some(([tx]) => state(tx) === "prepared")) ctx.cancelTimer("ask"); // no doubts left
          }
          ctx.send(from, { type: "ack", tx: msg.tx });
        }
      },
    };
  };
}
