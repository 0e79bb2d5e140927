// Suite for `raft-kv` (lesson 09): a linearizable key-value service on your
// Raft. Histories of retrying clients are checked by the linearizability
// checker; Raft's own invariants are checked after every event; and every
// scenario of the four Raft stages runs again against raft.ts.

import { quiesce, scheduleArb, type FaultOp, type NodeId } from "../sim/index.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import { RAFT_MEMBRANE, RaftWorld, story } from "./support/raft.ts";
import { kvRules } from "./support/raftKvRules.ts";
import { raftStagesUpTo } from "./support/raftStages.ts";
import { expectAllAnswered, expectLinearizable, KV_SERVERS, kvClient, kvWorld, randomPlan, type ClientOptions, type KvClient, type KvInput } from "./support/raftKv.ts";
import { expectThat } from "../check/violation.ts";
import type * as Kv from "../../exercises/raft/kv.ts";
import type * as Raft from "../../exercises/raft/raft.ts";

const kv = await exercise<typeof Kv>("raft-kv", "kv.ts");
const raft = await exercise<typeof Raft>("raft-kv", "raft.ts", RAFT_MEMBRANE);

const SERVERS = KV_SERVERS;
const impl = { createRaft: raft.impl.createRaft, createServer: kv.impl.createServer };

/** Five key-value servers and the given clients; Raft's invariants checked at every step. */
function world(lab: Lab, clients: Record<NodeId, ClientOptions>, opts: { unreliable?: boolean; schedule?: FaultOp[] } = {}): RaftWorld {
  return kvWorld(lab, impl, Object.fromEntries(Object.entries(clients).map(([id, o]) => [id, kvClient(o)])), opts);
}

/** Runs until every client finished its plan, or `maxMs` passed. */
function runClients(w: RaftWorld, clients: readonly NodeId[], maxMs: number): void {
  const deadline = w.sim.now + maxMs;
  while (w.sim.now < deadline && !clients.every((c) => w.sim.node<KvClient>(c)?.finished())) w.sim.run(200);
}

/** Builds the world in two steps so plans can use the run's seeded randomness. */
function withClients(lab: Lab, clients: NodeId[], ops: number, opts: { unreliable?: boolean; schedule?: FaultOp[] } = {}): RaftWorld {
  return world(lab, Object.fromEntries(clients.map((c, i) => [c, { plan: randomPlan(c, ops, seeded(lab.seed * 31 + i)), gapMs: 5 + ((lab.seed * 7 + i * 13) % 30) }])), opts);
}

/** A tiny seeded generator for plans (the world's own stream is not ready before the world is). */
function seeded(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

kv.scripted("one client: puts, appends, gets and compare-and-sets behave like a single sequential store", { runs: 3 }, (lab) =>
  story(() => {
    const w = withClients(lab, ["c1"], 30);
    runClients(w, ["c1"], 30_000);
    expectAllAnswered(w.sim, ["c1"]);
    expectLinearizable(w.sim, ["c1"]);
  }),
);

kv.scripted("five clients at once: the history is linearizable", { runs: 3 }, (lab) =>
  story(() => {
    const cs = ["c1", "c2", "c3", "c4", "c5"];
    const w = withClients(lab, cs, 20);
    runClients(w, cs, 30_000);
    expectAllAnswered(w.sim, cs);
    expectLinearizable(w.sim, cs);
  }),
);

kv.scripted("under loss, duplication and delay, a retried operation takes effect once (deduplication by client and sequence number)", { runs: 3 }, (lab) =>
  story(() => {
    const cs = ["c1", "c2", "c3", "c4"];
    const w = withClients(lab, cs, 20, { unreliable: true });
    w.sim.setNetwork({ drop: 0.1, duplicate: 0.15, delayMs: [0, 26] });
    runClients(w, cs, 60_000);
    expectAllAnswered(w.sim, cs);
    expectLinearizable(w.sim, cs);
  }),
);

kv.scripted("a deposed leader cut off with a client never answers a read with stale data", { runs: 3 }, (lab) =>
  story(() => {
    const w = world(lab, { c1: {}, c2: {} });
    const client = (c: NodeId) => w.sim.node<KvClient>(c)!;
    const until = (pred: () => boolean, ms: number) => {
      const end = w.sim.now + ms;
      while (!pred() && w.sim.now < end) w.sim.run(20);
    };
    const leader = w.ids[w.checkOneLeader()]!;
    w.sim.call<KvClient, boolean>("c1", "submit", (c) => c.submit({ op: "put", key: "k", value: "old" }));
    until(() => !client("c1").busy(), 5000);
    // c1 now talks to the leader. Cut the two of them off from everyone else.
    const others = SERVERS.filter((s) => s !== leader);
    w.sim.partition([leader, "c1"], [...others, "c2"]);
    w.sim.call<KvClient, boolean>("c2", "submit", (c) => c.submit({ op: "put", key: "k", value: "new" }));
    until(() => !client("c2").busy(), 10_000);
    expectThat(!client("c2").busy(), "the majority side keeps serving writes", () => "c2's put was not answered within 10 s of the partition", w.sim.now);
    w.sim.call<KvClient, boolean>("c1", "submit", (c) => c.submit({ op: "get", key: "k" }));
    w.sim.run(2000);
    w.sim.heal();
    until(() => !client("c1").busy(), 10_000);
    // Again, now with a write: c1's append to a stranded leader must not be acknowledged,
    // because it cannot commit (its read afterwards would not see it).
    const leader2 = w.ids[w.checkOneLeader()]!;
    w.sim.partition([leader2, "c1"], [...SERVERS.filter((s) => s !== leader2), "c2"]);
    w.sim.call<KvClient, boolean>("c1", "submit", (c) => c.submit({ op: "append", key: "k", value: "+more" }));
    w.sim.run(1500);
    if (!client("c1").busy()) w.sim.call<KvClient, boolean>("c1", "submit", (c) => c.submit({ op: "get", key: "k" }));
    w.sim.run(1500);
    w.sim.heal();
    until(() => !client("c1").busy(), 10_000);
    expectLinearizable(w.sim, ["c1", "c2"]);
    expectAllAnswered(w.sim, ["c1", "c2"]);
  }),
);

kv.scripted("every server crashes and restarts mid-run: the store comes back whole from snapshots and the log", { runs: 3 }, (lab) =>
  story(() => {
    // c1–c3 run random plans; c4 keeps appending to one key and reads it at the end, so a
    // server that forgets what its snapshot held cannot go unnoticed.
    const journal = [...Array.from({ length: 40 }, (_, i): KvInput => ({ op: "append", key: "journal", value: `${i};` })), { op: "get", key: "journal" } as KvInput];
    const cs = ["c1", "c2", "c3", "c4"];
    const w = world(lab, {
      ...Object.fromEntries(cs.slice(0, 3).map((c, i) => [c, { plan: randomPlan(c, 40, seeded(lab.seed * 31 + i)), gapMs: 10 + i * 7 }])),
      c4: { plan: journal, gapMs: 5 },
    });
    w.sim.run(1500); // dozens of operations: past a snapshot or two
    for (const id of SERVERS) w.sim.crash(id);
    w.sim.run(200);
    for (const id of SERVERS) w.sim.restart(id);
    runClients(w, cs, 60_000);
    expectAllAnswered(w.sim, cs);
    expectLinearizable(w.sim, cs);
  }),
);

kv.scripted("leaders crash and restart while clients work: the state comes back from snapshots and the log", { runs: 3 }, (lab) =>
  story(() => {
    const cs = ["c1", "c2", "c3"];
    const w = withClients(lab, cs, 30);
    for (let round = 0; round < 5; round++) {
      w.sim.run(800);
      const l = w.ids.findIndex((_, i) => w.getState(i)?.isLeader);
      if (l >= 0) {
        w.sim.crash(w.ids[l]!);
        w.sim.run(700);
        w.sim.restart(w.ids[l]!);
      }
    }
    runClients(w, cs, 60_000);
    expectAllAnswered(w.sim, cs);
    expectLinearizable(w.sim, cs);
  }),
);

kv.generative(
  "random crashes, partitions, pauses, loss and delay: linearizable histories, and every operation answered after healing",
  { runs: 15, schedule: scheduleArb({ nodes: SERVERS, durationMs: 5000, kinds: ["crash", "restart", "partition", "heal", "pause", "resume", "network"], maxOps: 8, maxDrop: 0.3, maxDuplicate: 0.2, maxDelayMs: 60 }) },
  (lab, schedule) =>
    story(() => {
      const cs = ["c1", "c2", "c3"];
      const w = withClients(lab, cs, 15, { schedule: [...schedule, ...quiesce(5000, SERVERS, {}, schedule)] });
      w.sim.runUntil(5000);
      runClients(w, cs, 60_000);
      expectAllAnswered(w.sim, cs);
      expectLinearizable(w.sim, cs);
    }),
);

kvRules(kv, impl);

// Your Raft still has to pass every earlier stage.
raftStagesUpTo(raft, "raft-snapshot");
