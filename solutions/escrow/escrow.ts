// Reference solution for `escrow`.
//
// "Stock never below zero" is not I-confluent under sales: two replicas can
// each sell the last unit. It becomes so once the stock is split into rights
// that each replica owns and spends alone (escrow; O'Neil 1986, and the
// bounded counter of Balegas et al. 2015). A replica sells only from its own
// rights, so every sale is decided on the spot, and no merge can oversell.
//
// The state is a CRDT: counts that only grow, merged by entry-wise max, so a
// lost, repeated or late state is harmless. Every entry has one writer:
//   sold[r]       units replica r has sold;
//   given["a>b"]  units of rights replica a has handed to replica b.
// My rights = my share + what others gave me − what I gave − what I sold.
// Only I write the entries that lower my rights, so my own view of them is
// exact, and what I may not know yet (gifts to me) only adds: the rights I
// see are never more than I have.

import type { Ctx, Node, NodeId } from "faultline/sim";

/** Units in stock at the start, split evenly between the replicas. */
export const STOCK = 300;
/** How often a replica sends its state to the others. */
export const GOSSIP_MS = 50;
/** Ask the others for rights when yours fall below this. */
export const LOW = 20;

export type State = { sold: Record<NodeId, number>; given: Record<string, number> };

export type Msg =
  | { type: "buy"; id: number; qty: number }
  | { type: "sold"; id: number }
  | { type: "refused"; id: number }
  | { type: "state"; state: State }
  | { type: "need"; have: number; state: State };

/** The ledger: one output per unit sold, which the grader adds up. */
export type Out = { type: "sold"; client: NodeId; id: number; qty: number };

export function createReplica(ctx: Ctx<Msg, Out>): Node<Msg> {
  const me = ctx.id;
  const share = STOCK / (ctx.peers.length + 1);
  // Recover first: a replica that forgot its sales would sell its share again.
  const state: State = ctx.disk.get<State>("state") ?? { sold: {}, given: {} };
  let asked = false;

  const n = (x: number | undefined) => x ?? 0;
  function rights(): number {
    let r = share - n(state.sold[me]);
    for (const p of ctx.peers) r += n(state.given[`${p}>${me}`]) - n(state.given[`${me}>${p}`]);
    return r;
  }
  const save = () => ctx.disk.set("state", state);
  // A copy to send: a message is frozen once it leaves, and `state` keeps changing.
  const copy = (): State => ({ sold: { ...state.sold }, given: { ...state.given } });

  function merge(other: State): void {
    let changed = false;
    for (const [k, v] of Object.entries(other.sold)) if (v > n(state.sold[k])) (state.sold[k] = v), (changed = true);
    for (const [k, v] of Object.entries(other.given)) if (v > n(state.given[k])) (state.given[k] = v), (changed = true);
    if (changed) save();
  }

  function askForRights(): void {
    if (asked) return; // once per gossip round is plenty
    asked = true;
    for (const p of ctx.peers) ctx.send(p, { type: "need", have: rights(), state: copy() });
  }

  /** Decided here and now, from my own rights: no round trip. */
  function sell(client: NodeId, req: { id: number; qty: number }): void {
    if (req.qty > 0 && rights() >= req.qty) {
      state.sold[me] = n(state.sold[me]) + req.qty;
      save();
      ctx.output({ type: "sold", client, id: req.id, qty: req.qty });
      ctx.send(client, { type: "sold", id: req.id });
    } else ctx.send(client, { type: "refused", id: req.id });
    if (rights() < LOW) askForRights();
  }

  return {
    onStart() {
      ctx.setTimer("gossip", GOSSIP_MS);
    },
    onMessage(from, msg) {
      switch (msg.type) {
        case "buy":
          return sell(from, msg);
        case "state":
          return merge(msg.state);
        case "need": {
          merge(msg.state);
          // Even out with the asker: hand over half the difference, never more than I hold.
          const mine = rights();
          if (mine > msg.have) {
            const key = `${me}>${from}`;
            state.given[key] = n(state.given[key]) + Math.ceil((mine - msg.have) / 2);
            save();
          }
          ctx.send(from, { type: "state", state: copy() });
          return;
        }
      }
    },
    onTimer() {
      for (const p of ctx.peers) ctx.send(p, { type: "state", state: copy() });
      asked = false;
      ctx.setTimer("gossip", GOSSIP_MS);
    },
  };
}
