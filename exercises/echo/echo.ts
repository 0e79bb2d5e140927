// Exercise `echo` — your first node. Lesson: lessons/00-the-lab.md ("Your first node").
//
// Clients send your node requests like {type: "echo", id: 7, body: "hello"}.
// Answer each one with {type: "echo_ok", inReplyTo: 7, body: "hello"}, sent
// back to whoever asked. That is the whole job, but the network between you
// will drop, duplicate and reorder messages: clients retry when a reply is
// late, so the same request may reach you more than once.
//
// Run `npx faultline grade echo` (or `npx faultline watch echo`) to check your work.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

/** A client's request. `id` is unique per client; a retry repeats the same id and body. */
export type EchoRequest = { type: "echo"; id: number; body: string };
/** Your answer: the request's id and body, unchanged. */
export type EchoReply = { type: "echo_ok"; inReplyTo: number; body: string };
export type EchoMsg = EchoRequest | EchoReply;

export function createNode(ctx: Ctx<EchoMsg>): Node<EchoMsg> {
  return {
    onMessage(from: NodeId, msg: EchoMsg) {
      // 1. Ignore anything that is not an "echo" request.
      // 2. Reply with ctx.send(to, reply). Who should `to` be? (Not one of ctx.peers.)
      // 3. Keep no memory of past requests: every copy that arrives gets its own reply.
      todo("reply to each echo request with an echo_ok sent back to its sender");
    },
  };
}
