// Suite for `echo`: a node answers every request with its own id and body,
// back to whoever asked, whatever the network does to the messages.

import { expectThat, outputEvent } from "../check/violation.ts";
import { quiesce, scheduleArb, type Ctx, type Node, type NodeFactory, type NodeId, type Simulation, type TraceEvent } from "../sim/index.ts";
import { exercise } from "./harness/exercise.ts";
import type * as Echo from "../../exercises/echo/echo.ts";

const ex = await exercise<typeof Echo>("echo", "echo.ts");

type Invoked = { type: "invoke"; id: number; body: string };
type Answered = { type: "answer"; inReplyTo: number; body: string; from: NodeId };
type ClientOut = Invoked | Answered;

/**
 * A client that sends `count` requests to `server`, one every `gapMs`, and
 * retries each one every `retryMs` until it is answered.
 */
function client(server: NodeId, count: number, gapMs = 20, retryMs = 100): NodeFactory<Echo.EchoMsg, ClientOut> {
  return (ctx: Ctx<Echo.EchoMsg, ClientOut>): Node<Echo.EchoMsg> => {
    const pending = new Map<number, string>();
    const send = (id: number) => ctx.send(server, { type: "echo", id, body: pending.get(id)! });
    return {
      onStart() {
        for (let i = 1; i <= count; i++) ctx.setTimer(`request ${i}`, i * gapMs);
      },
      onTimer(name) {
        const id = Number(name.split(" ")[1]);
        if (name.startsWith("request")) {
          const body = `${ctx.id} says ${Math.floor(ctx.random() * 1000)}`;
          pending.set(id, body);
          ctx.output({ type: "invoke", id, body });
        }
        if (!pending.has(id)) return;
        send(id);
        ctx.setTimer(`retry ${id}`, retryMs);
      },
      onMessage(from, msg) {
        if (msg.type !== "echo_ok") return;
        ctx.output({ type: "answer", inReplyTo: msg.inReplyTo, body: msg.body, from });
        pending.delete(msg.inReplyTo);
      },
    };
  };
}

/** Every answer a client got matches one of its own requests exactly (same id, same body, from the server it asked). */
function expectAnswersMatch(sim: Simulation, clients: readonly NodeId[], server: NodeId): void {
  for (const c of clients) {
    const records = sim.outputsOf<ClientOut>(c);
    const asked = new Map(records.map((o) => o.value).filter((o): o is Invoked => o.type === "invoke").map((o) => [o.id, o.body]));
    for (const r of records) {
      if (r.value.type !== "answer") continue;
      const a = r.value;
      // Checked at the end of the run, but the client's answer is where it went wrong.
      const at = outputEvent(r);
      expectThat(asked.has(a.inReplyTo), "every echo_ok answers a request its receiver actually sent", () => `${c} got echo_ok with inReplyTo ${a.inReplyTo}, but its requests have ids ${[...asked.keys()].join(", ")}`, at);
      expectThat(a.body === asked.get(a.inReplyTo), "an echo_ok carries the request's body unchanged", () => `${c} asked request ${a.inReplyTo} with body ${JSON.stringify(asked.get(a.inReplyTo))} and got back ${JSON.stringify(a.body)}`, at);
      expectThat(a.from === server, "replies come from the node that was asked", () => `${c} asked ${server} but got an echo_ok from ${a.from}`, at);
    }
  }
}

/** Every request of every client was answered at least once. */
function expectAllAnswered(sim: Simulation, clients: readonly NodeId[]): void {
  for (const c of clients) {
    const outs = sim.outputsOf<ClientOut>(c).map((o) => o.value);
    const answered = new Set(outs.filter((o) => o.type === "answer").map((o) => (o as Answered).inReplyTo));
    const missing = outs.filter((o): o is Invoked => o.type === "invoke" && !answered.has(o.id)).map((o) => o.id);
    expectThat(missing.length === 0, "every request is eventually answered (clients retry, so a lost message is not an excuse)", () => `${c}'s requests ${missing.join(", ")} never got an echo_ok back`);
  }
}

/** The node answers each delivered request exactly once, to its sender, while handling it. */
function expectOneReplyPerDelivery(sim: Simulation, server: NodeId): void {
  const events = sim.trace.all();
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.k !== "deliver" || e.to !== server || (e.msg as Echo.EchoMsg).type !== "echo") continue;
    // What the node sent while handling this delivery: the sends right after it, at the same instant.
    const sends: Extract<TraceEvent, { k: "send" }>[] = [];
    for (let j = i + 1; j < events.length; j++) {
      const f = events[j]!;
      if (f.t !== e.t || f.k === "deliver" || f.k === "timer") break;
      if (f.k === "send" && f.from === server) sends.push(f);
    }
    const req = e.msg as Echo.EchoRequest;
    expectThat(sends.length === 1, "each request that arrives gets exactly one reply (retries and duplicates included)", () => `request ${req.id} from ${e.from} arrived at t=${e.t} and ${server} sent ${sends.length} messages in reply`, e.t);
    expectThat(sends[0]!.to === e.from, "the reply goes back to whoever asked", () => `request ${req.id} came from ${e.from} but the reply went to ${sends[0]!.to}`, e.t);
  }
}

ex.scripted("answers each request with its own id and body", { runs: 3 }, (lab) => {
  const sim = lab.simulation({ nodes: { n1: ex.impl.createNode }, clients: { c1: client("n1", 5) } });
  sim.run(1000);
  expectAnswersMatch(sim, ["c1"], "n1");
  expectAllAnswered(sim, ["c1"]);
  expectOneReplyPerDelivery(sim, "n1");
});

ex.scripted("answers go back to whoever asked, with several clients", { runs: 3 }, (lab) => {
  const sim = lab.simulation({ nodes: { n1: ex.impl.createNode, n2: ex.impl.createNode }, clients: { c1: client("n1", 4), c2: client("n1", 4, 15), c3: client("n2", 3) } });
  sim.run(1000);
  expectAnswersMatch(sim, ["c1", "c2"], "n1");
  expectAnswersMatch(sim, ["c3"], "n2");
  expectAllAnswered(sim, ["c1", "c2", "c3"]);
  expectOneReplyPerDelivery(sim, "n1");
});

ex.generative(
  "under drops, duplicates and reordering every request is answered, correctly",
  {
    runs: 60,
    schedule: scheduleArb({ nodes: ["n1"], durationMs: 2000, kinds: ["network"], maxOps: 6, maxDrop: 0.5, maxDuplicate: 0.4, maxDelayMs: 150 }),
  },
  (lab, schedule) => {
    const sim = lab.simulation({
      nodes: { n1: ex.impl.createNode },
      clients: { c1: client("n1", 6, 30), c2: client("n1", 6, 45) },
      // Long-tail delays reorder messages even when the schedule is calm.
      network: { tail: 0.1, tailMs: [100, 400] },
      schedule: [...schedule, ...quiesce(2000, [])],
    });
    sim.run(4000);
    expectAnswersMatch(sim, ["c1", "c2"], "n1");
    expectOneReplyPerDelivery(sim, "n1");
    expectAllAnswered(sim, ["c1", "c2"]);
  },
);
