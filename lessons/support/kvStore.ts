// Lesson 09's demonstration store: a key-value service on lesson 08's demo
// Raft (raft.ts beside this file), speaking the protocol of the raft-kv
// exercise and its test clients (runner/suites/support/raftKv.ts). Every
// operation, reads included, goes through the log and is answered once it is
// applied at the index start() gave it; retries are deduplicated by (client,
// seq). No snapshots: a demonstration runs for seconds, not hours.

import type { KvInput, KvOutput } from "../../runner/check/models.ts";
import type { Ctx, Node, NodeFactory, NodeId } from "../../runner/sim/index.ts";
import { demoRaft, type Applied, type DemoMsg, type DemoRaft, type Mistakes } from "./raft.ts";

type Request = { type: "kv"; client: NodeId; seq: number; input: KvInput };
type Reply = { type: "kv_ok"; seq: number; output: KvOutput } | { type: "kv_not_leader"; seq: number };
type StoreMsg = DemoMsg | Request | Reply;

export interface KvStore extends Node<StoreMsg> {
  readonly raft: DemoRaft;
}

function execute(data: Map<string, string>, input: KvInput): KvOutput {
  const now = data.get(input.key) ?? null;
  if (input.op === "get") return { value: now };
  if (input.op === "cas") {
    if (now !== input.from) return { ok: false };
    data.set(input.key, input.to);
    return { ok: true };
  }
  data.set(input.key, input.op === "put" ? input.value : (now ?? "") + input.value);
  return {};
}

export function kvStore(opts: { mistakes?: Mistakes } = {}): NodeFactory<StoreMsg, unknown, KvStore> {
  const createRaft = demoRaft({ mistakes: opts.mistakes });
  return (ctx: Ctx<StoreMsg, unknown>) => {
    const data = new Map<string, string>();
    const last = new Map<NodeId, { seq: number; output: KvOutput }>();
    const waiting = new Map<number, { client: NodeId; seq: number }>();
    const raft = createRaft({
      ...(ctx as unknown as Ctx<DemoMsg, Applied>),
      output(ev: Applied) {
        const cmd = ev.command as { client: NodeId; seq: number; input: KvInput };
        const seen = last.get(cmd.client);
        if (!seen || cmd.seq > seen.seq) last.set(cmd.client, { seq: cmd.seq, output: execute(data, cmd.input) });
        const w = waiting.get(ev.index);
        if (!w) return;
        waiting.delete(ev.index);
        // Another command at "our" index: leadership moved on, and the client must ask elsewhere.
        const mine = w.client === cmd.client && w.seq === cmd.seq;
        ctx.send(w.client, mine ? { type: "kv_ok", seq: w.seq, output: last.get(cmd.client)!.output } : { type: "kv_not_leader", seq: w.seq });
      },
    });
    return {
      raft,
      onStart: () => raft.onStart?.(),
      onTimer: (name) => raft.onTimer?.(name),
      onMessage(from, msg) {
        if (msg.type === "kv_ok" || msg.type === "kv_not_leader") return;
        if (msg.type !== "kv") return raft.onMessage(from, msg);
        const seen = last.get(msg.client);
        if (seen?.seq === msg.seq) return ctx.send(from, { type: "kv_ok", seq: msg.seq, output: seen.output });
        const r = raft.start({ client: msg.client, seq: msg.seq, input: msg.input });
        if (!r.isLeader) return ctx.send(from, { type: "kv_not_leader", seq: msg.seq });
        waiting.set(r.index, { client: msg.client, seq: msg.seq });
      },
    };
  };
}
