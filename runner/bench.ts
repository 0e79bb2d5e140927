// npm run bench: performance figures as `name: value` lines, then how each
// compares with its budget (DESIGN §9). Measured here, never asserted in
// tests: these machines are shared and noisy.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { grade, ROOT } from "./grade/grade.ts";
import { Simulation, type Ctx, type Node } from "./sim/index.ts";

type Msg = { type: "ping" | "pong"; n: number };

/** The simulator under a message-heavy load: every delivery answers with one message. */
function simWorkload(events: number): { eventsPerSec: number; processed: number } {
  const create = (ctx: Ctx<Msg>): Node<Msg> => ({
    onStart() {
      for (const p of ctx.peers) ctx.send(p, { type: "ping", n: 0 });
    },
    onMessage(from, msg) {
      ctx.send(from, { type: msg.type === "ping" ? "pong" : "ping", n: msg.n + 1 });
    },
  });
  const nodes = Object.fromEntries(["n1", "n2", "n3", "n4", "n5"].map((id) => [id, create]));
  const sim = new Simulation({ seed: 1, nodes, network: { delayMs: [1, 20] } });
  const started = performance.now();
  let t = 0;
  while (sim.events < events) sim.runUntil((t += 1000));
  const ms = performance.now() - started;
  return { eventsPerSec: (sim.events / ms) * 1000, processed: sim.events };
}

/** A bare binary-heap event loop doing the same shape of work: pop, then push one follow-up event. */
function bareHeap(events: number): number {
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const lines: string[] = [];
const budgets: string[] = [];
const emit = (name: string, value: number, digits = 0) => {
  const line = `${name}: ${value.toFixed(digits)}`;
  lines.push(line);
  console.log(line);
};
const budget = (name: string, ok: boolean, text: string) => budgets.push(`# ${ok ? "ok  " : "OVER"} ${name} ${text}`);

async function optional(file: string, name: string, fn: string, target: number | null): Promise<void> {
  const path = join(ROOT, "runner", "bench", file);
  if (!existsSync(path)) return;
  try {
    const mod = (await import(pathToFileURL(path).href)) as Record<string, () => Promise<number | Record<string, number> | null>>;
    const v = await mod[fn]!();
    if (v === null) console.log(`# ${name}: skipped (its input data is not here)`);
    else if (typeof v === "number") {
      emit(name, v);
      if (target !== null) budget(name, v <= target, `${Math.round(v)} ≤ ${target}`);
    } else
      for (const [k, x] of Object.entries(v)) {
        emit(k, x);
      }
  } catch (e) {
    console.log(`# ${name}: could not measure: ${(e as Error).message}`);
  }
}

async function main(): Promise<void> {
  // Warm up both loops, then run five rounds, each measuring the simulator and
  // the bare loop back to back, so that load from elsewhere on the machine hits
  // both alike. The ratio is the median of the rounds' ratios (paired, which
  // is steadier than a ratio of medians on a shared machine).
  simWorkload(200_000);
  bareHeap(200_000);
  const simRates: number[] = [];
  const bareRates: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < 5; i++) {
    const sim = simWorkload(1_000_000).eventsPerSec;
    const bare = bareHeap(1_000_000);
    simRates.push(sim);
    bareRates.push(bare);
    ratios.push(sim / bare);
  }
  const ratio = median(ratios);
  emit("sim-events-per-sec", median(simRates));
  emit("bare-heap-events-per-sec", median(bareRates));
  emit("sim-throughput-ratio", ratio, 3);
  budget("sim-throughput-ratio", ratio >= 0.25, `${ratio.toFixed(3)} ≥ 0.25 (rounds: ${ratios.map((r) => r.toFixed(3)).join(", ")})`);

  const gradeTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const r = await grade({ ids: ["echo"], target: "solutions" });
    gradeTimes.push(performance.now() - started);
    if (!r.passed) console.log("# grade-echo: the reference solution did not pass!");
  }
  emit("grade-echo-ms", median(gradeTimes));

  await optional("tui.ts", "tui-first-frame-ms", "benchTuiFirstFrame", 500);
  await optional("tui.ts", "watch-regrade-ms", "benchWatchRegrade", 1500);
  await optional("lincheck.ts", "lincheck-etcd-ms", "benchLincheckEtcd", null);
  await optional("raft.ts", "raft-track-ms", "raftTrackMs", 30_000);

  console.log("");
  for (const b of budgets) console.log(b);
}

await main();
