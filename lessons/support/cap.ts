// Lesson 10's bench: one workload, two small replicated key-value stores, a
// partition, and the client's-eye view of what each store gave up.
//
//  - `quorumStore` (CP): every read and write must reach a majority of
//    replicas (the ABD register of Attiya, Bar-Noy and Dolev, 1995, one per
//    key): linearizable, and unavailable wherever a majority cannot be reached.
//  - `gossipStore` (AP): every replica answers at once from its own copy and
//    spreads writes by gossip, last-writer-wins by (Lamport time, node id):
//    always available, sometimes stale.
//
// Pure and deterministic: seeded simulations, no I/O.

import { Simulation, type Ctx, type NetworkConfig, type Node, type NodeFactory, type NodeId } from "../../runner/sim/index.ts";

export type Op = { op: "get"; key: string } | { op: "put"; key: string; value: string };
type ClientReq = { type: "req"; id: number; op: Op };
type ClientRep = { type: "rep"; id: number; ok: boolean; value?: string | null };
type Versioned = { n: number; w: NodeId; value: string | null };

const newer = (a: Versioned, b: Versioned) => a.n > b.n || (a.n === b.n && a.w > b.w);

// ---------------------------------------------------------------------------
// CP: majority quorums

type QuorumMsg =
  | ClientReq
  | ClientRep
  | { type: "q-read"; op: string; key: string }
  | { type: "q-read-ok"; op: string; v: Versioned }
  | { type: "q-write"; op: string; key: string; v: Versioned }
  | { type: "q-write-ok"; op: string };

export function quorumStore(opTimeoutMs = 250): NodeFactory {
  return (ctx: Ctx<QuorumMsg>): Node<QuorumMsg> => {
    const data = new Map<string, Versioned>();
    const all = [ctx.id, ...ctx.peers];
    const majority = Math.floor(all.length / 2) + 1;
    type Pending = { client: NodeId; id: number; op: Op; phase: "read" | "write"; best: Versioned; count: number; reply?: string | null };
    const pending = new Map<string, Pending>();
    let next = 0;
    const local = (key: string): Versioned => data.get(key) ?? { n: 0, w: "", value: null };
    const toAll = (m: QuorumMsg) => all.forEach((p) => (p === ctx.id ? handle(ctx.id, m) : ctx.send(p, m)));
    function handle(from: NodeId, m: QuorumMsg): void {
      switch (m.type) {
        case "req": {
          const op = `${ctx.id}/${++next}`;
          pending.set(op, { client: from, id: m.id, op: m.op, phase: "read", best: { n: 0, w: "", value: null }, count: 0 });
          ctx.setTimer(op, opTimeoutMs);
          toAll({ type: "q-read", op, key: m.op.key });
          return;
        }
        case "q-read":
          return reply(from, { type: "q-read-ok", op: m.op, v: local(m.key) });
        case "q-write":
          if (newer(m.v, local(m.key))) data.set(m.key, m.v);
          return reply(from, { type: "q-write-ok", op: m.op });
        case "q-read-ok": {
          const p = pending.get(m.op);
          if (!p || p.phase !== "read") return;
          if (newer(m.v, p.best)) p.best = m.v;
          if (++p.count < majority) return;
          // Phase 2: a put writes a newer version; a get writes back what it read, so later reads cannot see older.
          p.phase = "write";
          p.count = 0;
          const v = p.op.op === "put" ? { n: p.best.n + 1, w: ctx.id, value: p.op.value } : p.best;
          p.reply = p.op.op === "get" ? p.best.value : undefined;
          toAll({ type: "q-write", op: m.op, key: p.op.key, v });
          return;
        }
        case "q-write-ok": {
          const p = pending.get(m.op);
          if (!p || p.phase !== "write" || ++p.count < majority) return;
          pending.delete(m.op);
          ctx.cancelTimer(m.op);
          ctx.send(p.client, p.op.op === "get" ? { type: "rep", id: p.id, ok: true, value: p.reply ?? null } : { type: "rep", id: p.id, ok: true });
          return;
        }
      }
    }
    const reply = (to: NodeId, m: QuorumMsg) => (to === ctx.id ? handle(ctx.id, m) : ctx.send(to, m));
    return {
      onMessage: handle,
      onTimer(op) {
        // No majority in time: refuse rather than risk an inconsistent answer.
        const p = pending.get(op);
        if (!p) return;
        pending.delete(op);
        ctx.send(p.client, { type: "rep", id: p.id, ok: false });
      },
    };
  };
}

// ---------------------------------------------------------------------------
// AP: answer locally, gossip, last writer wins

type GossipMsg = ClientReq | ClientRep | { type: "gossip"; data: { [key: string]: Versioned } };

export function gossipStore(gossipMs = 10): NodeFactory {
  return (ctx: Ctx<GossipMsg>): Node<GossipMsg> => {
    const data: { [key: string]: Versioned } = {};
    let clock = 0;
    return {
      onStart() {
        ctx.setTimer("gossip", gossipMs);
      },
      onTimer() {
        for (const p of ctx.peers) ctx.send(p, { type: "gossip", data: { ...data } }); // a copy: sent messages are frozen
        ctx.setTimer("gossip", gossipMs);
      },
      onMessage(from, m) {
        if (m.type === "gossip") {
          for (const [k, v] of Object.entries(m.data)) {
            clock = Math.max(clock, v.n);
            if (!data[k] || newer(v, data[k])) data[k] = v;
          }
        } else if (m.type === "req") {
          if (m.op.op === "put") {
            data[m.op.key] = { n: ++clock, w: ctx.id, value: m.op.value };
            ctx.send(from, { type: "rep", id: m.id, ok: true });
          } else ctx.send(from, { type: "rep", id: m.id, ok: true, value: data[m.op.key]?.value ?? null });
        }
      },
    };
  };
}

// ---------------------------------------------------------------------------
// The workload and what clients observe

export interface Request {
  client: NodeId;
  op: Op;
  start: number;
  end: number | null;
  ok: boolean;
  value?: string | null;
}

/** How a client speaks to a store: the request it sends, and how to read a reply. */
export interface Protocol {
  request(client: NodeId, seq: number, op: Op): unknown;
  /** A reply to `seq`: done (ok or refused), "elsewhere" (ask another replica), or null (not ours). */
  reply(m: any, seq: number): { ok: boolean; value?: string | null } | "elsewhere" | null;
}

/** The request/reply shapes of the two lab stores above. */
export const simpleProtocol: Protocol = {
  request: (_client, seq, op) => ({ type: "req", id: seq, op }),
  reply: (m, seq) => (m?.type === "rep" && m.id === seq ? { ok: m.ok, value: m.value ?? null } : null),
};

/** The Raft track's `raft-kv` protocol: (client, seq) requests, "not leader" redirects. */
export const raftKvProtocol: Protocol = {
  request: (client, seq, op) => ({ type: "kv", client, seq, input: op }),
  reply: (m, seq) => (m?.seq !== seq ? null : m.type === "kv_not_leader" ? "elsewhere" : m.type === "kv_ok" ? { ok: true, value: m.output?.value ?? null } : null),
};

/**
 * A client of its own replica (c1 → n1, …). It wants one request every
 * `everyMs` (an open workload, like users who do not wait for each other); it
 * keeps one in flight at a time, so a request that falls due while the last
 * is still unanswered counts as failed. No answer within `timeoutMs` is a
 * failure too. On "not leader" it tries the next replica.
 */
function client(home: number, servers: NodeId[], protocol: Protocol, requests: Request[], everyMs: number, timeoutMs: number, keys: string[]): NodeFactory {
  return (ctx: Ctx<any>): Node<any> => {
    let seq = 0;
    let target = home;
    let current: Request | null = null;
    const pick = (): Op => {
      const key = keys[Math.floor(ctx.random() * keys.length)]!;
      return ctx.random() < 0.3 ? { op: "put", key, value: `${ctx.id}:${seq + 1}` } : { op: "get", key };
    };
    return {
      onStart() {
        ctx.setTimer("tick", 1 + Math.floor(ctx.random() * everyMs));
      },
      onTimer(name) {
        if (name === "timeout") {
          // Give up on this request (it may or may not have taken effect).
          current = null;
          target = (target + 1) % servers.length;
          return;
        }
        ctx.setTimer("tick", everyMs);
        const op = pick();
        if (current) {
          requests.push({ client: ctx.id, op, start: ctx.now(), end: null, ok: false });
          return;
        }
        current = { client: ctx.id, op, start: ctx.now(), end: null, ok: false };
        requests.push(current);
        seq++;
        ctx.send(servers[target]!, protocol.request(ctx.id, seq, op));
        ctx.setTimer("timeout", timeoutMs);
      },
      onMessage(_from, m) {
        if (!current) return;
        const r = protocol.reply(m, seq);
        if (r === null) return;
        if (r === "elsewhere") {
          target = (target + 1) % servers.length;
          ctx.send(servers[target]!, protocol.request(ctx.id, seq, current.op));
          return;
        }
        current.end = ctx.now();
        current.ok = r.ok;
        if (current.op.op === "get") current.value = r.value ?? null;
        current = null;
        ctx.cancelTimer("timeout");
      },
    };
  };
}

// ---------------------------------------------------------------------------
// An AP store built from a state-based CRDT register (e.g. lesson 11's LwwRegister)

export interface RegisterCrdt {
  write(value: string, clock: number): void;
  value(): string | null;
  state(): unknown;
  merge(other: any): void;
}

/** One register per key, answered locally, whole state gossiped to every peer every `gossipMs`. */
export function crdtStore(makeRegister: (id: NodeId) => RegisterCrdt, gossipMs = 10): NodeFactory {
  type M = ClientReq | ClientRep | { type: "gossip"; states: { [key: string]: any } };
  return (ctx: Ctx<M>): Node<M> => {
    const regs = new Map<string, RegisterCrdt>();
    const reg = (k: string) => regs.get(k) ?? (regs.set(k, makeRegister(ctx.id)), regs.get(k)!);
    return {
      onStart() {
        ctx.setTimer("gossip", gossipMs);
      },
      onTimer() {
        const states = Object.fromEntries([...regs].map(([k, r]) => [k, r.state()]));
        for (const p of ctx.peers) ctx.send(p, { type: "gossip", states: JSON.parse(JSON.stringify(states)) });
        ctx.setTimer("gossip", gossipMs);
      },
      onMessage(from, m) {
        if (m.type === "gossip") for (const [k, st] of Object.entries(m.states)) reg(k).merge(st);
        else if (m.type === "req") {
          if (m.op.op === "put") {
            reg(m.op.key).write(m.op.value, ctx.now());
            ctx.send(from, { type: "rep", id: m.id, ok: true });
          } else ctx.send(from, { type: "rep", id: m.id, ok: true, value: regs.get(m.op.key)?.value() ?? null });
        }
      },
    };
  };
}

export interface BenchOptions {
  seed: number;
  store: NodeFactory;
  /** How clients talk to it (default: the lab stores' protocol). */
  protocol?: Protocol;
  replicas?: number;
  durationMs?: number;
  partition?: { from: number; to: number; minority: number };
  everyMs?: number;
  timeoutMs?: number;
  /** The network's conditions (default: 2–12 ms, and 2% of messages on a 40–120 ms long tail). */
  network?: Partial<NetworkConfig>;
}

/** Runs the workload; returns every request with its outcome. */
export function runWorkload(o: BenchOptions): { requests: Request[]; sim: Simulation } {
  const n = o.replicas ?? 5;
  const ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  const requests: Request[] = [];
  const nodes = Object.fromEntries(ids.map((id) => [id, o.store]));
  const clients = Object.fromEntries(ids.map((_, i) => [`c${i + 1}`, client(i, ids, o.protocol ?? simpleProtocol, requests, o.everyMs ?? 80, o.timeoutMs ?? 300, ["x", "y", "z"])]));
  const p = o.partition ?? { from: 2000, to: 5000, minority: 2 };
  const side = (k: number) => [...ids.slice(0, k).flatMap((id, i) => [id, `c${i + 1}`])];
  const other = ids.slice(p.minority).flatMap((id, i) => [id, `c${i + 1 + p.minority}`]);
  const sim = new Simulation({
    seed: o.seed,
    nodes,
    clients,
    network: o.network ?? { delayMs: [2, 12], tail: 0.02, tailMs: [40, 120] },
    schedule: [{ at: p.from, op: "partition", groups: [side(p.minority), other] }, { at: p.to, op: "heal" }],
  });
  sim.run(o.durationMs ?? 7000);
  return { requests, sim };
}

/**
 * A read is *fresh* unless some write to its key finished before the read
 * began while the value it returned was written entirely before that write
 * started (it missed a write it should have seen).
 */
export function isFresh(get: Request, all: readonly Request[]): boolean {
  const puts = all.filter((r) => r.op.op === "put" && r.op.key === get.op.key);
  // The write that produced the value read (any outcome: a timed-out write may still have taken effect).
  const source = get.value == null ? null : puts.find((p) => p.op.op === "put" && p.op.value === get.value) ?? null;
  for (const p of puts) {
    if (!p.ok || p.end === null || p.end >= get.start) continue;
    if (source === null) return false; // read nothing although a write had finished
    if (p !== source && source.end !== null && source.end < p.start) return false; // read a value that write had replaced
  }
  return true;
}

export interface Bucket {
  t: number;
  /** Requests answered successfully / requests issued (%). */
  yield: number;
  /**
   * Fresh reads / successful reads (%). Not Fox and Brewer's harvest: every
   * replica holds all the data, so every answer is complete; what a stale
   * read lacks is recency.
   */
  freshness: number;
  p50: number;
  p99: number;
}

function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export function summarise(requests: readonly Request[], from: number, to: number): Omit<Bucket, "t"> {
  const rs = requests.filter((r) => r.start >= from && r.start < to);
  const ok = rs.filter((r) => r.ok && r.end !== null);
  const gets = ok.filter((r) => r.op.op === "get");
  const lat = ok.map((r) => r.end! - r.start);
  return {
    yield: rs.length ? (100 * ok.length) / rs.length : 100,
    freshness: gets.length ? (100 * gets.filter((g) => isFresh(g, requests)).length) / gets.length : 100,
    p50: percentile(lat, 0.5),
    p99: percentile(lat, 0.99),
  };
}

export function buckets(requests: readonly Request[], durationMs: number, widthMs: number): Bucket[] {
  const out: Bucket[] = [];
  // The last bucket is left out: its requests have not had time to finish.
  for (let t = 0; t + widthMs <= durationMs - 300; t += widthMs) out.push({ t, ...summarise(requests, t, t + widthMs) });
  return out;
}

/** Yield (%) per client over [from, to): availability as each client sees it. */
export function yieldByClient(requests: readonly Request[], from: number, to: number): Record<NodeId, number> {
  const out: Record<NodeId, number> = {};
  for (const c of [...new Set(requests.map((r) => r.client))].sort()) out[c] = summarise(requests.filter((r) => r.client === c), from, to).yield;
  return out;
}
