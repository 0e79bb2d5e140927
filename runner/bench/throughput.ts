// The simulator's throughput budget (DESIGN §9): at least a quarter of a bare
// binary-heap event loop's, measured in the same process. Both loops do the
// same shape of work, one event in, one follow-up event out; the simulator
// also copies, freezes and hashes every message and records it in the trace.
// Measured as graded code runs: the realm locked down, the nodes loaded from
// a learner file into a compartment, one module instance per node.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { bundleLearnerFiles } from "../learner/bundle.ts";
import { LearnerModule } from "../learner/compartment.ts";
import { hardenRealm } from "../learner/lockdown.ts";
import { membraneExports } from "../learner/membrane.ts";
import { Simulation, type NodeFactory } from "../sim/index.ts";

export const THROUGHPUT_BUDGET = 0.25;

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The bench's ping-pong node, loaded as graded code is. */
export async function learnerNode(): Promise<NodeFactory> {
  const folder = join(ROOT, "runner", "bench", "fixtures", "ping-pong");
  const [b] = await bundleLearnerFiles({ root: ROOT, folder, entries: [join(folder, "pingPong.ts")] });
  if (!b?.ok) throw new Error(`the bench's node did not bundle: ${b && !b.ok ? b.error : "no bundle"}`);
  hardenRealm();
  const mod = new LearnerModule(b, "runner/bench/fixtures/ping-pong/pingPong.ts");
  return membraneExports(mod, mod.instantiate())["createNode"] as NodeFactory;
}

/** The simulator under a message-heavy load: every delivery answers with one message. */
export function simWorkload(create: NodeFactory, events: number): { eventsPerSec: number; processed: number } {
  const nodes = Object.fromEntries(["n1", "n2", "n3", "n4", "n5"].map((id) => [id, create]));
  // The engine's speed, not a graded run: no cap on the events of one simulation.
  const sim = new Simulation({ seed: 1, nodes, network: { delayMs: [1, 20] }, maxEventsPerRun: Infinity });
  const started = performance.now();
  let t = 0;
  while (sim.events < events) sim.runUntil((t += 1000));
  const ms = performance.now() - started;
  return { eventsPerSec: (sim.events / ms) * 1000, processed: sim.events };
}

/** A bare binary-heap event loop doing the same shape of work: pop, then push one follow-up event. */
export function bareHeap(events: number): number {
  type E = { t: number; seq: number; node: number; n: number };
  const heap: E[] = [];
  let seq = 0;
  const less = (a: E, b: E) => a.t < b.t || (a.t === b.t && a.seq < b.seq);
  const push = (e: E) => {
    let i = heap.length;
    heap.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(e, heap[p]!)) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = e;
  };
  const pop = (): E => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const c = r < heap.length && less(heap[r]!, heap[l]!) ? r : l;
        if (!less(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  };
  let rng = 1;
  const delay = () => {
    rng = (Math.imul(rng, 1103515245) + 12345) | 0;
    return 1 + ((rng >>> 16) % 20);
  };
  for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) if (a !== b) push({ t: delay(), seq: seq++, node: b, n: 0 });
  const started = performance.now();
  let sink = 0;
  for (let i = 0; i < events; i++) {
    const e = pop();
    sink += e.n;
    push({ t: e.t + delay(), seq: seq++, node: (e.node + 1) % 5, n: e.n + 1 });
  }
  const ms = performance.now() - started;
  if (sink < 0) console.log(sink);
  return (events / ms) * 1000;
}

/** The middle value (the upper middle of an even count): the benches' summary of repeated measurements. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export interface Throughput {
  simEventsPerSec: number;
  bareEventsPerSec: number;
  /** The median of the rounds' ratios. */
  ratio: number;
  rounds: number[];
}

/**
 * Warms up both loops, then runs `rounds` rounds, each measuring the simulator
 * and the bare loop back to back, so that load from elsewhere on the machine
 * hits both alike. The ratio is the median of the rounds' ratios (paired,
 * which is steadier than a ratio of medians on a shared machine).
 */
export function measureThroughput(create: NodeFactory, rounds = 7, events = 1_000_000): Throughput {
  simWorkload(create, 200_000);
  bareHeap(200_000);
  const sims: number[] = [];
  const bares: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const sim = simWorkload(create, events).eventsPerSec;
    const bare = bareHeap(events);
    sims.push(sim);
    bares.push(bare);
    ratios.push(sim / bare);
  }
  return { simEventsPerSec: median(sims), bareEventsPerSec: median(bares), ratio: median(ratios), rounds: ratios };
}

/**
 * The measurement in `processes` fresh processes, one after another, and the
 * median process by ratio. A fresh process measures the simulator without the
 * other benches' modules loaded beside it, and the median of a few processes
 * evens out how differently the JIT happens to optimize a given process (the
 * largest source of spread here: about ±10% from one process to the next).
 */
export function measureThroughputIsolated(processes = 3): Throughput & { processes: number[]; nodeStartUs: number } {
  const runs: (Throughput & { nodeStartUs: number })[] = [];
  for (let i = 0; i < processes; i++) {
    const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--json"], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) throw new Error(`the throughput process failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
    runs.push(JSON.parse(r.stdout) as Throughput & { nodeStartUs: number });
  }
  const byRatio = [...runs].sort((a, b) => a.ratio - b.ratio);
  return { ...byRatio[Math.floor(byRatio.length / 2)]!, processes: runs.map((r) => r.ratio), nodeStartUs: median(runs.map((r) => r.nodeStartUs)) };
}

/**
 * What building one node costs (DESIGN §9's node-start-us): a fresh instance
 * of the learner's module and the node it makes, in microseconds, the median
 * of several batches.
 */
export function nodeStartMicros(create: NodeFactory, batches = 7, perBatch = 2000): number {
  const sim = new Simulation({ seed: 1, nodes: { n1: create } });
  const results: number[] = [];
  for (let b = 0; b < batches; b++) {
    const started = performance.now();
    for (let i = 0; i < perBatch; i++) {
      sim.crash("n1");
      sim.restart("n1");
    }
    results.push(((performance.now() - started) * 1000) / perBatch);
  }
  return median(results);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const create = await learnerNode();
  const tp = { ...measureThroughput(create), nodeStartUs: nodeStartMicros(create) };
  if (process.argv.includes("--json")) process.stdout.write(JSON.stringify(tp) + "\n");
  else process.stdout.write(`sim-events-per-sec: ${tp.simEventsPerSec.toFixed(0)}\nbare-heap-events-per-sec: ${tp.bareEventsPerSec.toFixed(0)}\nsim-throughput-ratio: ${tp.ratio.toFixed(3)}\nnode-start-us: ${tp.nodeStartUs.toFixed(1)}\n# rounds: ${tp.rounds.map((r) => r.toFixed(3)).join(", ")}\n`);
}
