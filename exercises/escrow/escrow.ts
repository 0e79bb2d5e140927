// Exercise `escrow`. Lesson: lessons/12-coordination-avoidance.md ("Escrow").
//
// Three replicas (r1, r2, r3) sell one product from a shared stock of STOCK
// units. Each has its own clients, who send {type: "buy", id, qty}; answer
// each request with {type: "sold", id} or {type: "refused", id}, and for
// every sale output the ledger entry {type: "sold", client, id, qty}.
//
// The invariant: the units sold never exceed STOCK — at any moment, through
// partitions, crashes, lost, repeated and reordered messages. It is not
// I-confluent under sales: two replicas that each check "is there stock left?"
// can both sell the last unit. Asking the others before every sale would keep
// it, at the price of a round trip per sale and no sales during a partition.
//
// Escrow instead: split the stock into rights that each replica owns. A
// replica sells only from its own rights, so it decides every sale on the
// spot, alone — and when its rights run low it asks the others to hand some
// over. The grader checks the invariant, that at least 90% of requests are
// answered with no round trip, and that when buyers want more than the stock
// at least 95% of it is sold, even if all of them shop at one replica.
//
// Run `npx faultline grade escrow` (or `npx faultline watch escrow`).

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

/** Units in stock at the start: each replica starts with an equal share of the rights. */
export const STOCK = 300;
/** How often a replica sends its state to the others. */
export const GOSSIP_MS = 50;
/** Ask the others for rights when yours fall below this. */
export const LOW = 20;

/**
 * A suggestion (change it if you like): counts that only grow, merged by
 * taking the larger of each entry, so a lost, repeated or late state does no
 * harm — a CRDT (lesson 11). Each entry has exactly one writer:
 *   sold[r]       units replica r has sold;
 *   given["a>b"]  units of rights replica a has handed over to replica b.
 */
export type State = { sold: Record<NodeId, number>; given: Record<string, number> };

export type Msg =
  | { type: "buy"; id: number; qty: number }
  | { type: "sold"; id: number }
  | { type: "refused"; id: number }
  | { type: "state"; state: State }
  | { type: "need"; have: number; state: State };

/** The ledger: one output per sale, which the grader adds up. */
export type Out = { type: "sold"; client: NodeId; id: number; qty: number };

export function createReplica(ctx: Ctx<Msg, Out>): Node<Msg> {
  // Your state. This body runs at boot and after every restart: a replica
  // that forgot what it sold would sell its share a second time. (ctx.disk
  // keeps what you set across a crash.)
  const share = STOCK / (ctx.peers.length + 1);

  // My rights = share + what others gave me − what I gave away − what I sold.
  // Only this replica writes the entries that lower its rights, so its own
  // view of them is exact; gifts it has not heard of yet can only add.

  return {
    onStart() {
      // Gossip your state to the others every GOSSIP_MS.
    },
    onMessage(from: NodeId, msg: Msg) {
      // "buy": sell if YOUR rights cover msg.qty (record it, output the ledger
      //   entry, reply "sold"); otherwise reply "refused". Either way, decide
      //   now: no message to anyone else before you answer. Running low? Ask.
      // "state": merge it into yours (entry-wise max) — repeats are harmless.
      // "need": a replica asks for rights. Merge its state, hand over part of
      //   yours if you have more (never more than you hold), and send your state back.
      todo("sell from your own rights, and move rights between replicas");
    },
    onTimer(name: string) {
      todo("send your state to the other replicas");
    },
  };
}
