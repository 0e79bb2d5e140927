// Exercise raft-kv — a linearizable key-value service on your Raft.
// Lesson: lessons/09-linearizable-kv.md.
//
// This file sits beside your Raft worksheet (raft.ts, stages raft-election …
// raft-snapshot) and runs on it: finish those stages first. Then write the
// server:
//
//   client ──{type:"kv", client, seq, input}──▶ server ──start()──▶ Raft log
//   client ◀──{type:"kv_ok", seq, output}────── server ◀──applied── Raft
//
// - Every operation goes through the log, reads included: only then is a
//   reply proof that the operation took effect while this server led.
// - Reply only when the operation is applied at the index start() returned
//   (if another command shows up at that index, leadership was lost: answer
//   kv_not_leader so the client tries another server).
// - Clients retry with the same (client, seq). The state machine remembers,
//   per client, the last seq it executed and its output, and never executes
//   an operation twice (lesson 05: deduplication turns at-least-once into
//   exactly-once effects).
// - Every SNAPSHOT_EVERY applied entries, snapshot the state (data and the
//   dedup table) with raft.snapshot(index, copy); when Raft reports a
//   snapshot ({ type: "snapshot" }), replace the state with it.
//
// Grade with `npx faultline grade raft-kv`.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";
import { createRaft, type RaftMsg, type RaftNode, type RaftOut } from "./raft.ts";

/** The operations (the same shapes as the checker's kvModel). A missing key reads as null. */
export type KvInput =
  | { op: "get"; key: string }
  | { op: "put"; key: string; value: string }
  | { op: "append"; key: string; value: string }
  | { op: "cas"; key: string; from: string | null; to: string };
/** get → { value }, cas → { ok }, put and append → {}. */
export type KvOutput = { value?: string | null; ok?: boolean };

/** A client request. `seq` grows by one per operation of a client; a retry repeats it. */
export type KvRequest = { type: "kv"; client: NodeId; seq: number; input: KvInput };
export type KvReply = { type: "kv_ok"; seq: number; output: KvOutput } | { type: "kv_not_leader"; seq: number };
export type KvMsg = KvRequest | KvReply;

/** What goes into the Raft log. */
export type KvCommand = { client: NodeId; seq: number; input: KvInput };

/** Snapshot after this many applied entries (keeps the Raft log short). */
export const SNAPSHOT_EVERY = 20;

export interface KvServer extends Node<RaftMsg | KvMsg> {
  /** The grader checks Raft's invariants through this. */
  readonly raft: RaftNode;
}

export function createServer(ctx: Ctx<RaftMsg | KvMsg, unknown>): KvServer {
  // Your state machine: the data, and per client { seq, output } of the last operation executed.
  // Requests you started as leader, by log index, so you know whom to answer.

  // Raft reports applied entries and snapshots through its ctx.output: give it a ctx of its
  // own whose output() feeds your state machine; everything else is the server's ctx.
  const raftCtx: Ctx<RaftMsg, RaftOut> = {
    ...(ctx as unknown as Ctx<RaftMsg, RaftOut>),
    output(ev: RaftOut) {
      todo("raft-kv: apply a committed command (once per client and seq) or load a snapshot, and answer whoever waits for that index");
    },
  };
  const raft = createRaft(raftCtx);

  return {
    raft,
    onStart() {
      raft.onStart?.();
    },
    onTimer(name) {
      // Your own timers (e.g. a 0 ms "kv-snapshot", to snapshot after an apply rather than inside it)
      // share the names with Raft's: pass everything else on.
      raft.onTimer?.(name);
    },
    onMessage(from, msg) {
      if (msg.type === "kv_ok" || msg.type === "kv_not_leader") return;
      if (msg.type !== "kv") return raft.onMessage(from, msg);
      todo("raft-kv: answer a repeat from the dedup table, or start() the command and remember who waits for its index");
    },
  };
}
