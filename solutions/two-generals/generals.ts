// Reference solution for `two-generals`, part 1.
//
// The commander repeats the order until it hears an acknowledgement; the
// lieutenant acknowledges every copy it receives. Each general decides from
// what it knows at dawn. This agrees almost always on a lossy link — and the
// grader's exhaustive search still finds the one loss pattern that splits it,
// as it would for any protocol (lesson 01).

import type { Ctx, Node, NodeId } from "faultline/sim";

export type Plan = "attack" | "hold";

export type GeneralMsg = { kind: "order"; plan: Plan } | { kind: "ack" };

export interface General extends Node<GeneralMsg> {
  /** Called once on the commander (g1) at t = 0 with its orders. */
  order(plan: Plan): void;
  /** Called on both generals at dawn: true = attack. */
  decide(): boolean;
}

const RETRY_MS = 20;

export function createGeneral(ctx: Ctx<GeneralMsg>): General {
  const other: NodeId = ctx.peers[0]!;
  let plan: Plan | null = null; // commander: its orders; lieutenant: what it heard
  let acked = false; // commander only: has the lieutenant confirmed?

  function sendOrder(): void {
    if (plan === null || acked) return;
    ctx.send(other, { kind: "order", plan });
    ctx.setTimer("retry", RETRY_MS);
  }

  return {
    order(p) {
      plan = p;
      sendOrder();
    },
    onTimer() {
      sendOrder();
    },
    onMessage(_from, msg) {
      if (msg.kind === "order") {
        plan = msg.plan;
        // Acknowledge every copy: the previous ack may have been the one lost.
        ctx.send(other, { kind: "ack" });
      } else if (msg.kind === "ack") {
        acked = true;
        ctx.cancelTimer("retry");
      }
    },
    decide() {
      if (plan !== "attack") return false; // validity: nobody attacks without the order
      // The commander attacks only once it knows the lieutenant heard the order.
      return ctx.id === "g1" ? acked : true;
    },
  };
}
