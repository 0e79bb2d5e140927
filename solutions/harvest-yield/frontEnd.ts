// Reference solution for `harvest-yield`.
//
// Every query goes to both replicas of every shard at once (a hedged request:
// no time is lost finding out that one of them is cut off). The front end
// keeps the freshest part per shard and answers as soon as every primary has
// answered, or at ANSWER_BY_MS with what it has: a stale part beats a missing
// shard, and a partial answer beats none (Fox and Brewer's trade of harvest
// for yield).

import type { Ctx, Node, NodeId } from "faultline/sim";

export const SHARDS: readonly { shard: number; replicas: readonly [primary: NodeId, backup: NodeId] }[] = [
  { shard: 1, replicas: ["p1", "b1"] },
  { shard: 2, replicas: ["p2", "b2"] },
  { shard: 3, replicas: ["p3", "b3"] },
  { shard: 4, replicas: ["p4", "b4"] },
];

/** Long enough for every reachable replica (2 × 10 ms), short enough for the client (150 ms, 10 of them travelling). */
export const ANSWER_BY_MS = 60;

export type Part = { shard: number; version: number; hits: number[] };

export type Msg =
  | { type: "query"; id: number; term: string }
  | { type: "result"; id: number; parts: Part[] }
  | { type: "search"; qid: string; term: string }
  | { type: "hits"; qid: string; shard: number; version: number; hits: number[] };

type Query = { client: NodeId; id: number; best: Record<number, Part>; primaries: number[] };

export function createFrontEnd(ctx: Ctx<Msg>): Node<Msg> {
  const open = new Map<string, Query>();

  function answer(qid: string): void {
    const q = open.get(qid);
    if (!q) return;
    open.delete(qid);
    ctx.cancelTimer(qid);
    ctx.send(q.client, { type: "result", id: q.id, parts: Object.values(q.best) });
  }

  return {
    onMessage(from, msg) {
      if (msg.type === "query") {
        const qid = `${from}/${msg.id}`;
        if (open.has(qid)) return;
        open.set(qid, { client: from, id: msg.id, best: {}, primaries: [] });
        for (const { replicas } of SHARDS) for (const r of replicas) ctx.send(r, { type: "search", qid, term: msg.term });
        ctx.setTimer(qid, ANSWER_BY_MS);
      } else if (msg.type === "hits") {
        const q = open.get(msg.qid);
        if (!q) return; // late: that query is answered already
        const old = q.best[msg.shard];
        if (!old || msg.version > old.version) q.best[msg.shard] = { shard: msg.shard, version: msg.version, hits: msg.hits };
        const s = SHARDS.find((x) => x.shard === msg.shard);
        if (s && from === s.replicas[0] && !q.primaries.includes(msg.shard)) q.primaries.push(msg.shard);
        // Nothing fresher can come: answer now rather than at the deadline.
        if (q.primaries.length === SHARDS.length) answer(msg.qid);
      }
    },
    onTimer(qid) {
      answer(qid);
    },
  };
}
