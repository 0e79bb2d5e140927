// Suite for `careful-transfer`: whenever A reports "done", B's disk already
// holds the exact file; A reports "failed" rather than lie; and when faults
// are moderate, A succeeds. Scenarios show why per-packet checksums alone do
// not suffice: disks damage data before a packet is sealed and after it is
// opened.

import { expectThat } from "../check/violation.ts";
import { quiesce, scheduleArb, Stream, type FaultOp, type NetworkConfig, type Simulation } from "../sim/index.ts";
import { exercise, type Lab } from "./harness/exercise.ts";
import type * as Transfer from "../../exercises/careful-transfer/transfer.ts";

const ex = await exercise<typeof Transfer>("careful-transfer", "transfer.ts");

/** The lab's own checksum (the same FNV-1a the exercise is given), so the grader never trusts the code under test. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

function makeFile(seed: number, parts = 16, size = 40): string[] {
  const rng = new Stream(seed, "file");
  const alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,";
  return Array.from({ length: parts }, () => Array.from({ length: size }, () => alphabet[rng.int(0, alphabet.length - 1)]).join(""));
}

type Out = { type: "done" } | { type: "failed"; reason: string };

interface Run {
  sim: Simulation;
  file: string[];
  /** For each "done": the time and what B's disk held at that moment. */
  dones: { t: number; atB: unknown }[];
}

/** Reads a disk key as it really is, without the opt-in read damage. */
function trueRead(sim: Simulation, node: string, key: string): unknown {
  const d = sim.disk(node);
  const rate = d.corruptRate;
  d.corruptRate = 0;
  try {
    return d.get(key);
  } finally {
    d.corruptRate = rate;
  }
}

function transfer(lab: Lab, o: { network?: Partial<NetworkConfig>; schedule?: FaultOp[]; runMs?: number; rot?: { a?: number; b?: number } }): Run {
  const file = makeFile(lab.seed);
  const sim = lab.simulation({ nodes: { a: ex.impl.createSender, b: ex.impl.createReceiver }, network: o.network ?? {}, schedule: o.schedule ?? [] });
  sim.disk("a").set("file", file);
  sim.disk("a").set("digest", fnv(file.join("")));
  // Disks that rot from the very first read (a scheduled fault at t=0 would come after onStart).
  sim.disk("a").corruptRate = o.rot?.a ?? 0;
  sim.disk("b").corruptRate = o.rot?.b ?? 0;
  const dones: Run["dones"] = [];
  sim.onOutput((out) => {
    if (out.node === "a" && (out.value as Out).type === "done") dones.push({ t: out.t, atB: trueRead(sim, "b", "file") });
  });
  sim.run(o.runMs ?? 20_000);
  return { sim, file, dones };
}

function describeDamage(file: string[], got: unknown): string {
  if (got === undefined) return "B's disk has no \"file\" at all";
  if (!Array.isArray(got)) return `B's "file" is ${JSON.stringify(got).slice(0, 80)}, not an array of parts`;
  if (got.length !== file.length) return `B's "file" has ${got.length} parts, the original ${file.length}`;
  const bad = file.flatMap((p, i) => (got[i] === p ? [] : [i]));
  const i = bad[0]!;
  return `B's "file" differs in part${bad.length > 1 ? "s" : ""} ${bad.join(", ")}: part ${i} is ${JSON.stringify(got[i])}, the original ${JSON.stringify(file[i])}`;
}

/** The end-to-end property: "done" is only ever said about an exact copy. */
function expectNoSilentDamage(r: Run): void {
  for (const d of r.dones) {
    const exact = JSON.stringify(d.atB) === JSON.stringify(r.file);
    expectThat(exact, "when A reports done, B's disk already holds the exact file (never silent damage)", () => `at t=${d.t} ms A reported done, but ${describeDamage(r.file, d.atB)}`, d.t);
  }
}

function lastReport(r: Run): Out | undefined {
  return r.sim.outputsOf<Out>("a").at(-1)?.value;
}

function expectDone(r: Run): void {
  const last = lastReport(r);
  expectThat(last?.type === "done", "when faults are moderate, the transfer succeeds (A reports done)", () => (last ? `A's last report was ${JSON.stringify(last)}` : "A never reported done or failed"));
}

ex.scripted("on a quiet network the file arrives intact and A reports done", { runs: 3 }, (lab) => {
  const r = transfer(lab, {});
  expectNoSilentDamage(r);
  expectDone(r);
  // The receiver buffers on disk, as the exercise specifies: its reads of the spool are where B's disk can hurt.
  const keys = r.sim.disk("b").keys();
  const missing = r.file.map((_, i) => `spool:${i}`).filter((k) => !keys.includes(k));
  expectThat(missing.length === 0, "B spools every part to disk (keys spool:0, spool:1, …) and builds the file from the spool", () => `B's disk has no ${missing.slice(0, 4).join(", ")}${missing.length > 4 ? ", …" : ""}`);
});

ex.scripted("drops, duplicates and reordering: the file still arrives intact", { runs: 5 }, (lab) => {
  const r = transfer(lab, { network: { drop: 0.2, duplicate: 0.2, tail: 0.2, tailMs: [50, 300] } });
  expectNoSilentDamage(r);
  expectDone(r);
});

ex.scripted("a corrupting network: damaged packets are caught and resent", { runs: 5 }, (lab) => {
  const r = transfer(lab, { network: { corrupt: 0.2, drop: 0.05 } });
  expectNoSilentDamage(r);
  expectDone(r);
});

ex.scripted("B's disk rots: damage after the per-packet check passed is caught end to end", { runs: 8 }, (lab) => {
  const r = transfer(lab, { rot: { b: 0.08 } });
  expectNoSilentDamage(r);
  expectDone(r);
});

ex.scripted("A's disk rots: a damaged read is never sent off as the file", { runs: 8 }, (lab) => {
  const r = transfer(lab, { rot: { a: 0.3 } });
  expectNoSilentDamage(r);
  expectDone(r);
});

ex.scripted("B unreachable: A reports failure, not success and not silence", { runs: 2 }, (lab) => {
  const r = transfer(lab, { schedule: [{ at: 0, op: "isolate", node: "b" }], runMs: 30_000 });
  expectNoSilentDamage(r);
  const last = lastReport(r);
  expectThat(last?.type === "failed", "when B cannot be reached, A eventually reports failure", () => (last ? `A's last report was ${JSON.stringify(last)}` : "after 30 s A had said nothing: a transfer that can never finish must say so"));
});

ex.generative(
  "crashes mid-transfer, rotting disks and a bad network: done means an exact copy, and calm brings success",
  {
    runs: 30,
    schedule: scheduleArb({ nodes: ["a", "b"], durationMs: 3000, kinds: ["crash", "restart", "network", "disk-corruption", "partition", "heal"], maxOps: 8, maxDrop: 0.3, maxDuplicate: 0.3, maxDelayMs: 80 }),
  },
  (lab, schedule) => {
    const calm: FaultOp[] = [...quiesce(3000, ["a", "b"], {}, schedule), { at: 3000, op: "disk-corruption", node: "a", rate: 0 }, { at: 3000, op: "disk-corruption", node: "b", rate: 0 }];
    const r = transfer(lab, { network: { corrupt: 0.05 }, schedule: [...schedule, ...calm], runMs: 25_000 });
    expectNoSilentDamage(r);
    expectDone(r);
  },
);
