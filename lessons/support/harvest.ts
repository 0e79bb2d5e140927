// Lesson 10's harvest bench: the lab's sharded search index (one primary per
// shard here, no backups), two front ends, a partition that cuts one shard
// off, and Fox and Brewer's two numbers as the clients see them:
//   yield   — the fraction of queries answered before the client gives up;
//   harvest — the fraction of the data an answer reflects (shards that
//             answered, weighted by their documents).
//
//  - `waitForAll`: answers when every shard has answered. Every answer is
//    complete; while a shard is unreachable, nothing is answered at all.
//  - `answerBy(ms)`: answers when every shard has answered or `ms` after the
//    query arrived, whichever comes first, with the shards it has.
//
// (The `harvest-yield` exercise adds backups, which are stale, and asks for
// the best of both.) Pure and deterministic: seeded simulations, no I/O.

import { Simulation, type Ctx, type Node, type NodeFactory, type NodeId } from "../../runner/sim/index.ts";
import { SHARDS, WORDS, harvestOf, primary, type Part, type SearchMsg } from "../../runner/suites/support/searchIndex.ts";

type Msg = SearchMsg | { type: "query"; id: number; term: string } | { type: "result"; id: number; parts: Part[] };

const PRIMARIES: NodeId[] = SHARDS.map((s) => s.replicas[0]);

/** A front end that asks every shard's primary and answers once all have replied, or at `deadlineMs` (Infinity: never early). */
function frontEnd(deadlineMs: number): NodeFactory<Msg> {
  return (ctx: Ctx<Msg>): Node<Msg> => {
    const open = new Map<string, { client: NodeId; id: number; parts: Part[] }>();
    const answer = (qid: string) => {
      const q = open.get(qid);
      if (!q) return;
      open.delete(qid);
      ctx.cancelTimer(qid);
      ctx.send(q.client, { type: "result", id: q.id, parts: q.parts });
    };
    return {
      onMessage(from, msg) {
        if (msg.type === "query") {
          const qid = `${from}/${msg.id}`;
          open.set(qid, { client: from, id: msg.id, parts: [] });
          for (const p of PRIMARIES) ctx.send(p, { type: "search", qid, term: msg.term });
          if (Number.isFinite(deadlineMs)) ctx.setTimer(qid, deadlineMs);
        } else if (msg.type === "hits") {
          const q = open.get(msg.qid);
          if (!q || q.parts.some((p) => p.shard === msg.shard)) return;
          q.parts.push({ shard: msg.shard, version: msg.version, hits: msg.hits });
          if (q.parts.length === SHARDS.length) answer(msg.qid);
        }
      },
      onTimer: answer,
    };
  };
}

export const waitForAll = (): NodeFactory<Msg> => frontEnd(Infinity);
export const answerBy = (ms: number): NodeFactory<Msg> => frontEnd(ms);

export interface Query {
  client: NodeId;
  askedAt: number;
  /** When the client got its answer, or null if not before it gave up. */
  answeredAt: number | null;
  harvest: number;
}

export interface SearchBenchOptions {
  seed: number;
  frontEnd: NodeFactory<Msg>;
  /** Shards cut off from the front end, and when. */
  cut?: { shards: number[]; from: number; to: number };
  durationMs?: number;
  clients?: number;
  everyMs?: number;
  /** A client gives up on a query after this long. */
  giveUpMs?: number;
}

/** Runs the workload; returns every query with its outcome as its client saw it. */
export function runSearch(o: SearchBenchOptions): Query[] {
  const giveUp = o.giveUpMs ?? 150;
  const queries: Query[] = [];
  const client = (ctx: Ctx<Msg>): Node<Msg> => {
    const mine = new Map<number, Query>();
    let next = 0;
    return {
      onStart() {
        ctx.setTimer("ask", 1 + Math.floor(ctx.random() * (o.everyMs ?? 40)));
      },
      onTimer() {
        const q: Query = { client: ctx.id, askedAt: ctx.now(), answeredAt: null, harvest: 0 };
        mine.set(++next, q);
        queries.push(q);
        ctx.send("fe", { type: "query", id: next, term: WORDS[Math.floor(ctx.random() * WORDS.length)]! });
        ctx.setTimer("ask", o.everyMs ?? 40);
      },
      onMessage(_from, msg) {
        const q = msg.type === "result" ? mine.get(msg.id) : undefined;
        if (!q || msg.type !== "result" || ctx.now() - q.askedAt > giveUp) return;
        q.answeredAt = ctx.now();
        q.harvest = harvestOf(msg.parts, q.askedAt);
      },
    };
  };
  const clients = Object.fromEntries(Array.from({ length: o.clients ?? 3 }, (_, i) => [`c${i + 1}`, client]));
  const nodes: Record<NodeId, NodeFactory> = { fe: o.frontEnd, ...Object.fromEntries(SHARDS.map((s) => [s.replicas[0], primary(s.shard)])) };
  const cut = o.cut ?? { shards: [3], from: 2000, to: 4000 };
  const away = SHARDS.filter((s) => cut.shards.includes(s.shard)).map((s) => s.replicas[0]);
  const sim = new Simulation({
    seed: o.seed,
    nodes,
    clients,
    schedule: [{ at: cut.from, op: "partition", groups: [away, ["fe", ...PRIMARIES.filter((p) => !away.includes(p))]] }, { at: cut.to, op: "heal" }],
  });
  sim.run(o.durationMs ?? 6000);
  return queries;
}

/** Yield and mean harvest of the queries asked in [from, to). */
export function harvestYield(queries: readonly Query[], from: number, to: number): { yield: number; harvest: number } {
  const asked = queries.filter((q) => q.askedAt >= from && q.askedAt < to);
  const answered = asked.filter((q) => q.answeredAt !== null);
  return {
    yield: asked.length ? (100 * answered.length) / asked.length : 100,
    harvest: answered.length ? (100 * answered.reduce((s, q) => s + q.harvest, 0)) / answered.length : 100,
  };
}
