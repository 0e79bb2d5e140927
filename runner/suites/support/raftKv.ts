// The raft-kv world: key-value servers (the learner's kv.ts on the learner's
// Raft) and clients that retry, with every client operation recorded as a
// history for the linearizability checker (runner/check/linearizability.ts).

import { historyPicture, pictureText } from "../../check/historyPicture.ts";
import { checkLinearizability, type CheckResult, type Operation } from "../../check/linearizability.ts";
import { kvModel, type KvInput, type KvOutput } from "../../check/models.ts";
import { expectThat, Violation } from "../../check/violation.ts";
import type { Ctx, FaultOp, Node, NodeId, Simulation } from "../../sim/index.ts";
import type { Lab } from "../harness/exercise.ts";
import { RaftWorld, type CreateRaft, type RaftNode } from "./raft.ts";

export type KvRequest = { type: "kv"; client: NodeId; seq: number; input: KvInput };
export type KvReply = { type: "kv_ok"; seq: number; output: KvOutput } | { type: "kv_not_leader"; seq: number };
export type ClientOut = { type: "call"; seq: number; input: KvInput } | { type: "return"; seq: number; output: KvOutput };

export interface KvClient extends Node<KvReply> {
  /** Starts an operation now (one at a time); returns false if one is still running. */
  submit(input: KvInput): boolean;
  busy(): boolean;
  /** Its whole plan is done and answered. */
  finished(): boolean;
}

export interface ClientOptions {
  /** Operations to run one after another (with `gapMs` between), from onStart. */
  plan?: KvInput[];
  gapMs?: number;
  /** Resend to the next server when no answer came for this long. */
  retryMs?: number;
}

export const KV_SERVERS = ["n1", "n2", "n3", "n4", "n5"];

/** The learner's two modules: kv.ts's server on raft.ts's Raft. */
export interface KvImpl {
  createRaft: CreateRaft;
  createServer: (ctx: Ctx<any, any>) => Node<any> & { readonly raft: RaftNode };
}

/** Key-value servers (five unless `n` says otherwise) and the given clients; Raft's invariants checked at every step. */
export function kvWorld(lab: Lab, impl: KvImpl, clients: Record<NodeId, (ctx: Ctx<any, any>) => Node<any>>, opts: { n?: number; unreliable?: boolean; schedule?: FaultOp[] } = {}): RaftWorld {
  return new RaftWorld(lab, impl.createRaft, {
    n: opts.n ?? KV_SERVERS.length,
    unreliable: opts.unreliable,
    schedule: opts.schedule,
    wrap: () => impl.createServer,
    raftOf: (x) => (x as ReturnType<KvImpl["createServer"]>).raft,
    clients,
  });
}

/** A client the scenario drives by hand: it sends exactly the requests it is told to (retries and duplicates included) and keeps every reply. */
export interface KvPuppet extends Node<KvReply> {
  inbox: { t: number; from: NodeId; msg: KvReply }[];
  request(to: NodeId, seq: number, input: KvInput): void;
}

export function kvPuppet(ctx: Ctx<KvRequest>): KvPuppet {
  const p: KvPuppet = {
    inbox: [],
    request: (to, seq, input) => ctx.send(to, { type: "kv", client: ctx.id, seq, input }),
    onMessage(from, msg) {
      p.inbox.push({ t: ctx.now(), from, msg });
    },
  };
  return p;
}

/** A client that sends each operation to the server it believes leads, retrying (same seq) elsewhere until answered. */
export function kvClient(o: ClientOptions = {}): (ctx: Ctx<KvRequest, ClientOut>) => KvClient {
  return (ctx) => {
    const servers = ctx.peers;
    let leader = Math.floor(ctx.random() * servers.length);
    let seq = 0;
    let current: KvInput | null = null;
    let planned = 0;
    let moved = false;
    const retryMs = o.retryMs ?? 250;
    const send = () => ctx.send(servers[leader]!, { type: "kv", client: ctx.id, seq, input: current! });
    const c: KvClient = {
      submit(input) {
        if (current) return false;
        current = input;
        seq++;
        ctx.output({ type: "call", seq, input });
        send();
        ctx.setTimer("retry", retryMs);
        return true;
      },
      busy: () => current !== null,
      finished: () => current === null && planned >= (o.plan?.length ?? 0),
      onStart() {
        if (o.plan?.length) ctx.setTimer("next", o.gapMs ?? 20);
      },
      onTimer(name) {
        if (name === "next") {
          if (o.plan && planned < o.plan.length) c.submit(o.plan[planned++]!);
          return;
        }
        if (name === "retry" && current) {
          // No answer in time: try the next server. (After kv_not_leader we already moved on.)
          if (!moved) leader = (leader + 1) % servers.length;
          moved = false;
          send();
          ctx.setTimer("retry", retryMs);
        }
      },
      onMessage(_from, msg) {
        if (!current || msg.seq !== seq) return; // an answer to an older attempt
        if (msg.type === "kv_not_leader") {
          leader = (leader + 1) % servers.length;
          moved = true;
          ctx.setTimer("retry", 10);
          return;
        }
        leader = servers.indexOf(_from);
        current = null;
        ctx.cancelTimer("retry");
        ctx.output({ type: "return", seq, output: msg.output });
        if (o.plan && planned < o.plan.length) ctx.setTimer("next", o.gapMs ?? 20);
      },
    };
    return c;
  };
}

/** A random plan: a few keys, every kind of operation, values unique so that a duplicate shows. */
export function randomPlan(client: NodeId, n: number, rand: () => number, keys = ["x", "y", "z"]): KvInput[] {
  const plan: KvInput[] = [];
  const seen: (string | null)[] = [null];
  for (let i = 1; i <= n; i++) {
    const key = keys[Math.floor(rand() * keys.length)]!;
    const value = `${client}.${i};`;
    const r = rand();
    if (r < 0.35) plan.push({ op: "get", key });
    else if (r < 0.55) plan.push({ op: "put", key, value });
    else if (r < 0.85) plan.push({ op: "append", key, value });
    else plan.push({ op: "cas", key, from: seen[Math.floor(rand() * seen.length)]!, to: value });
    if (r >= 0.35 && r < 0.55) seen.push(value);
  }
  return plan;
}

/** The clients' histories, as the checker wants them (unanswered operations have an unknown outcome). */
export function history(sim: Simulation, clients: readonly NodeId[]): Operation<KvInput, KvOutput>[] {
  const ops: Operation<KvInput, KvOutput>[] = [];
  for (const c of clients) {
    const open = new Map<number, Operation<KvInput, KvOutput>>();
    for (const o of sim.outputsOf<ClientOut>(c)) {
      const v = o.value;
      if (v.type === "call") {
        const op: Operation<KvInput, KvOutput> = { client: c, input: v.input, output: undefined, call: o.t, ret: Infinity };
        open.set(v.seq, op);
        ops.push(op);
      } else {
        const op = open.get(v.seq);
        if (op) {
          op.output = v.output;
          op.ret = o.t;
        }
      }
    }
  }
  return ops;
}

export function expectLinearizable(sim: Simulation, clients: readonly NodeId[]): void {
  const h = history(sim, clients);
  const r = checkLinearizability(kvModel, h);
  if (r.verdict !== "linearizable") throw linearizabilityViolation(r, h, clients, sim.now);
}

/** Operations the failure message draws (the whole history is on the replay's screen and page). */
const PICTURED = 12;

/**
 * The violation for a history the checker did not find linearizable: what
 * went wrong in words, the operations around it drawn per client, and where
 * to see the whole picture. It carries the picture for the replay.
 */
export function linearizabilityViolation(r: CheckResult<KvInput, KvOutput>, h: readonly Operation<KvInput, KvOutput>[], clients: readonly NodeId[], at: number): Violation {
  const who = `(${h.length} operations by ${clients.join(", ")}; ${h.filter((o) => o.output === undefined).length} never answered)`;
  if (r.verdict === "unknown") return new Violation("the clients' history can be checked for linearizability (the checker ran out of budget)", `${r.explanation}\n${who}`, at);
  const picture = historyPicture(kvModel, r.failed!);
  const [what] = r.explanation.split("\n");
  return new Violation(
    "Linearizability: every operation appears to take effect at one instant between its call and its return",
    [
      `${what} ${who}`,
      "",
      pictureText(picture, { width: 80, maxOps: PICTURED }),
      "",
      "The whole history, drawn: run the replay command below on a terminal and press H, or add --html FILE to it for a page.",
    ].join("\n"),
    at,
    [picture],
  );
}

export function expectAllAnswered(sim: Simulation, clients: readonly NodeId[]): void {
  const h = history(sim, clients);
  const open = h.filter((o) => o.output === undefined);
  expectThat(open.length === 0, "once the faults are over, every client operation is answered (clients retry; servers must not lose them)", () => `${open.length} operations never got an answer, e.g. ${open[0]!.client}'s ${JSON.stringify(open[0]!.input)} called at t=${open[0]!.call} ms`, sim.now);
}

export type { KvInput, KvOutput, RaftNode };
