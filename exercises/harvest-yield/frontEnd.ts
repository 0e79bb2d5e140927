// Exercise `harvest-yield`. Lesson: lessons/10-cap.md ("Harvest and yield", "Exercise").
//
// You write the front end ("fe") of a search service. The index is split into
// four shards, and each shard lives on two replicas (SHARDS below): a primary
// that always holds the whole shard, and a backup that copies it from the
// primary every 200 ms — so the backup is a little behind, and further behind
// while it cannot reach its primary. The index grows all the time.
//
// Clients send you {type: "query", id, term}. To answer, ask replicas
//     ctx.send(replica, { type: "search", qid, term })
// (qid is any string you like; it comes back in the reply) and collect their
//     { type: "hits", qid, shard, version, hits }
// — the shard's matching documents among its first `version` ones. Then reply
//     ctx.send(client, { type: "result", id, parts: [{ shard, version, hits }, …] })
// with at most one part per shard, each exactly as a replica sent it.
//
// The grader partitions, crashes and pauses replicas, and measures what Fox and
// Brewer (1999) call
//   yield   — the fraction of queries answered before the client gives up
//             (150 ms after asking; a query takes 5 ms to reach you and the
//             result 5 ms to get back);
//   harvest — the fraction of the data reflected in an answer: a missing shard
//             reflects none of its data, a stale part (an older version) less.
// Targets: every query answered in time; a shard that has a replica you can
// reach (for the 50 ms after the query arrives) is in the answer — from its
// primary, if the primary can be reached; and through the lesson's partition
// schedule, yield ≥ 99% and mean harvest ≥ 85%.
//
// Run `npx faultline grade harvest-yield` (or `npx faultline watch harvest-yield`).

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

/** Where the data lives: replicas[0] is the shard's primary (fresh), replicas[1] its backup (may be stale). */
export const SHARDS: readonly { shard: number; replicas: readonly [primary: NodeId, backup: NodeId] }[] = [
  { shard: 1, replicas: ["p1", "b1"] },
  { shard: 2, replicas: ["p2", "b2"] },
  { shard: 3, replicas: ["p3", "b3"] },
  { shard: 4, replicas: ["p4", "b4"] },
];

/**
 * Your deadline: how long after a query arrives you answer with whatever you
 * have. Choose it. A replica you can reach answers within 2 × 10 ms; the
 * client stops waiting 150 ms after asking. (0 answers before anyone replies.)
 */
export const ANSWER_BY_MS: number = 0;

export type Part = { shard: number; version: number; hits: number[] };

export type Msg =
  | { type: "query"; id: number; term: string }
  | { type: "result"; id: number; parts: Part[] }
  | { type: "search"; qid: string; term: string }
  | { type: "hits"; qid: string; shard: number; version: number; hits: number[] };

export function createFrontEnd(ctx: Ctx<Msg>): Node<Msg> {
  // Your state: the queries you have not answered yet, and for each the best
  // part you have so far for every shard. Several queries are open at once.

  return {
    onMessage(from: NodeId, msg: Msg) {
      // "query": remember who asked (from) and the id; ask the replicas — which
      //   ones, and all at once or one after the other? Set a timer for your deadline.
      // "hits": keep it if it is the freshest part for its shard so far (a
      //   higher version reflects more data). Replies may be duplicated, and may
      //   arrive after you have answered. If nothing fresher can come for any
      //   shard, answer now instead of waiting for the deadline.
      todo("ask the shards' replicas and keep the freshest part of each shard");
    },
    onTimer(name: string) {
      // The deadline: answer with the parts you have — a partial, or stale,
      // answer in time beats a complete one the client never sees. One answer per query.
      todo("answer with what you have when the deadline comes");
    },
  };
}
