// Reference solution for `raft-kv`: a linearizable key-value service on Raft.
// Lesson: lessons/09-linearizable-kv.md.
//
// Every operation — reads included — goes through the Raft log, so all
// replicas execute the same operations in the same order, and a reply is sent
// only once the operation is committed and applied. Clients retry; the state
// machine remembers, per client, the last sequence number it executed and its
// result, so a retried operation is executed at most once (lesson 05 again).

import type { Ctx, Json, Node, NodeId } from "faultline/sim";
import { createRaft, type RaftMsg, type RaftNode, type RaftOut } from "./raft.ts";

/** The operations (the same shapes as runner/check/models.ts's kvModel). */
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

/** The state machine, and what a snapshot holds. */
type State = { data: Record<string, string>; last: Record<NodeId, { seq: number; output: KvOutput }> };

/** Snapshot after this many applied entries (keeps the Raft log short). */
export const SNAPSHOT_EVERY = 20;

export interface KvServer extends Node<RaftMsg | KvMsg> {
  readonly raft: RaftNode;
}

export function createServer(ctx: Ctx<RaftMsg | KvMsg, unknown>): KvServer {
  let state: State = { data: {}, last: {} };
  /** Requests this node started as leader, by log index: whom to answer once that index is applied. */
  const waiting = new Map<number, { client: NodeId; seq: number }>();
  let appliedIndex = 0;

  function execute(input: KvInput): KvOutput {
    const current = Object.prototype.hasOwnProperty.call(state.data, input.key) ? state.data[input.key]! : null;
    switch (input.op) {
      case "get":
        return { value: current };
      case "put":
        state.data[input.key] = input.value;
        return {};
      case "append":
        state.data[input.key] = (current ?? "") + input.value;
        return {};
      case "cas":
        if (current !== input.from) return { ok: false };
        state.data[input.key] = input.to;
        return { ok: true };
    }
  }

  function onApplied(index: number, cmd: KvCommand): void {
    appliedIndex = index;
    const seen = state.last[cmd.client];
    // Deduplicate: a retry that was already executed gets the remembered result.
    let output: KvOutput;
    if (seen && cmd.seq <= seen.seq) output = seen.output;
    else {
      output = execute(cmd.input);
      state.last[cmd.client] = { seq: cmd.seq, output };
    }
    const w = waiting.get(index);
    if (w) {
      waiting.delete(index);
      // Another command took this index (we lost leadership): the client must try elsewhere.
      if (w.client === cmd.client && w.seq === cmd.seq) ctx.send(w.client, { type: "kv_ok", seq: cmd.seq, output });
      else ctx.send(w.client, { type: "kv_not_leader", seq: w.seq });
    }
    if (index % SNAPSHOT_EVERY === 0) ctx.setTimer("kv-snapshot", 0); // after the apply, not inside it
  }

  const raftCtx: Ctx<RaftMsg, RaftOut> = {
    ...(ctx as unknown as Ctx<RaftMsg, RaftOut>),
    output(ev: RaftOut) {
      if (ev.type === "applied") onApplied(ev.index, ev.command as KvCommand);
      else {
        // A snapshot replaces the whole state machine (dedup table included).
        state = structuredClone(ev.data as State);
        appliedIndex = ev.index;
        for (const i of waiting.keys()) if (i <= ev.index) waiting.delete(i);
      }
    },
  };
  const raft = createRaft(raftCtx);

  return {
    raft,
    onStart() {
      raft.onStart?.();
    },
    onTimer(name) {
      // A copy: the state keeps changing, the snapshot must not.
      if (name === "kv-snapshot") return raft.snapshot(appliedIndex, structuredClone(state) as unknown as Json);
      raft.onTimer?.(name);
    },
    onMessage(from, msg) {
      if (msg.type === "kv_ok" || msg.type === "kv_not_leader") return;
      if (msg.type !== "kv") return raft.onMessage(from, msg);
      {
        const seen = state.last[msg.client];
        if (seen && msg.seq === seen.seq) return ctx.send(from, { type: "kv_ok", seq: msg.seq, output: seen.output });
        // Reads go through the log too: a leader cannot know it still leads without asking a majority.
        const r = raft.start({ client: msg.client, seq: msg.seq, input: msg.input } satisfies KvCommand);
        if (!r.isLeader) return ctx.send(from, { type: "kv_not_leader", seq: msg.seq });
        const old = waiting.get(r.index);
        if (old) ctx.send(old.client, { type: "kv_not_leader", seq: old.seq });
        waiting.set(r.index, { client: msg.client, seq: msg.seq });
      }
    },
  };
}
