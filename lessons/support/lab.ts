// Lesson 00's echo server, for the lesson's cells. The `echo` exercise asks
// you to write your own in exercises/echo/; the cells use this one so that
// they run before you have (and in a course copy without reference answers).

import type { Ctx, Node } from "../../runner/sim/index.ts";

export type EchoMsg = { type: "echo"; id: number; body: string } | { type: "echo_ok"; inReplyTo: number; body: string };

/** Answers every request, repeats included, and remembers nothing. */
export function echoServer(ctx: Ctx<EchoMsg>): Node<EchoMsg> {
  return {
    onMessage: (from, msg) => {
      if (msg.type === "echo") ctx.send(from, { type: "echo_ok", inReplyTo: msg.id, body: msg.body });
    },
  };
}
