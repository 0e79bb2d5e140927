// Exercise `two-generals`, part 1 — get two generals to agree.
// Lesson: lessons/01-two-generals.md ("The exercise").
//
// Two generals, g1 (the commander) and g2, camp on either side of a valley.
// Messengers cross it and are sometimes caught (messages are lost). At t = 0
// the harness gives g1 its orders: order("attack") or order("hold"). At dawn
// (t = 1000 ms) the harness asks each general decide(): true means attack.
//
// What the grader checks:
//   - validity: nobody attacks unless g1 was ordered to attack;
//   - when no message is lost, both generals follow g1's orders — even when
//     messengers are slow (delays far beyond your retry timer) — and stop
//     sending by t = 500 ms: once the commander holds an acknowledgement,
//     more messengers buy no certainty;
//   - at 10% message loss, the two decide the same in at least 99% of 200 battles.
// It then searches every loss pattern of the first messages of a run for one
// under which your generals disagree. It always finds one: that is the
// lesson. To see the pattern it finds for *your* generals, run the lesson's
// first cell with its import switched to this file
// (`npx faultline run 01-two-generals --cell 1`).
//
// Both generals run this same code; tell them apart with ctx.id ("g1"/"g2").

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

export type Plan = "attack" | "hold";

/** Your messages. Add fields or kinds as you need (plain data only). */
export type GeneralMsg = { kind: "order"; plan: Plan } | { kind: "ack" };

export interface General extends Node<GeneralMsg> {
  /** Called once on the commander (g1) at t = 0 with its orders. */
  order(plan: Plan): void;
  /** Called on both generals at dawn: true = attack. */
  decide(): boolean;
}

export function createGeneral(ctx: Ctx<GeneralMsg>): General {
  const other: NodeId = ctx.peers[0]!; // g2 for g1, g1 for g2
  void other;

  return {
    order(plan: Plan) {
      // g1 only. Tell g2 — and remember that a messenger may be caught.
      // ctx.setTimer("retry", ms) and onTimer let you try again.
      todo("send the orders to the other general");
    },
    onTimer(name: string) {
      todo("handle your timers (e.g. send the orders again)");
    },
    onMessage(from: NodeId, msg: GeneralMsg) {
      todo("handle orders and acknowledgements");
    },
    decide(): boolean {
      // Decide from what you know now. Which of the two needs proof that the
      // other one knows?
      return todo("decide: attack (true) or hold (false)");
    },
  };
}
