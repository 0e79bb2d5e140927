// Lesson 01's generals, for the lesson's cells and quizzes (the `two-generals`
// exercise asks you to write your own in exercises/two-generals/).
//
//  - `persistentGeneral`: the commander sends its order every 20 ms until an
//    acknowledgement comes back; the lieutenant acknowledges every copy it
//    gets. The best anyone can do over a lossy link, and still not certain.
//  - `threeMessageGeneral`: order, acknowledgement, confirmation, each sent
//    exactly once. The commander attacks once it holds the acknowledgement,
//    the lieutenant once it holds the confirmation.
//
// Both fit the battlefield of runner/suites/support/two-generals.ts.

import type { Ctx } from "../../runner/sim/index.ts";
import type { GeneralLike, Plan } from "../../runner/suites/support/two-generals.ts";

type Word = { kind: "order"; plan: Plan } | { kind: "ack" } | { kind: "confirm" };

const RESEND_MS = 20;

export function persistentGeneral(ctx: Ctx<Word>): GeneralLike {
  const peer = ctx.peers[0]!;
  let orders: Plan | null = null; // what g1 was told, or what g2 heard
  let heardBack = false; // g1: an acknowledgement arrived
  const resend = () => {
    if (heardBack || orders === null) return;
    ctx.send(peer, { kind: "order", plan: orders });
    ctx.setTimer("resend", RESEND_MS);
  };
  return {
    order: (plan) => {
      orders = plan;
      resend();
    },
    onTimer: resend,
    onMessage: (_from, word) => {
      if (word.kind === "ack") heardBack = true;
      if (word.kind !== "order") return;
      orders = word.plan;
      ctx.send(peer, { kind: "ack" }); // every copy: the last acknowledgement may be the one that was caught
    },
    decide: () => orders === "attack" && (ctx.id !== "g1" || heardBack),
  };
}

export function threeMessageGeneral(ctx: Ctx<Word>): GeneralLike {
  const peer = ctx.peers[0]!;
  let orders: Plan | null = null;
  let proof = false; // g1: the acknowledgement; g2: the confirmation
  return {
    order: (plan) => {
      orders = plan;
      ctx.send(peer, { kind: "order", plan });
    },
    onMessage: (_from, word) => {
      if (word.kind === "order") {
        orders = word.plan;
        ctx.send(peer, { kind: "ack" });
      } else if (word.kind === "ack") {
        proof = true;
        ctx.send(peer, { kind: "confirm" });
      } else proof = true;
    },
    decide: () => orders === "attack" && proof,
  };
}
