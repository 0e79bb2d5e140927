// Reference solution for `echo`.

import type { Ctx, Node, NodeId } from "faultline/sim";

export type EchoRequest = { type: "echo"; id: number; body: string };
export type EchoReply = { type: "echo_ok"; inReplyTo: number; body: string };
export type EchoMsg = EchoRequest | EchoReply;

export function createNode(ctx: Ctx<EchoMsg>): Node<EchoMsg> {
  return {
    onMessage(from: NodeId, msg: EchoMsg) {
      if (msg.type !== "echo") return;
      // Stateless on purpose: a duplicate or a retry simply gets another reply.
      ctx.send(from, { type: "echo_ok", inReplyTo: msg.id, body: msg.body });
    },
  };
}
