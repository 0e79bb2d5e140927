// Failure detectors, judged from a run's history: strong completeness,
// accuracy, and the quality-of-service metrics of Chen, Toueg & Aguilera
// ("On the Quality of Service of Failure Detectors", 2002):
//
//   T_D   detection time: from a crash until the monitor suspects the crashed
//         node for good (until it restarts or the run ends);
//   T_MR  mistake recurrence time: between the starts of two consecutive
//         mistakes of one monitor about one node;
//   T_M   mistake duration: from a wrong suspicion until it is withdrawn;
//   P_A   query accuracy probability: the fraction of the time, while both are
//         up, that the monitor's answer about a live node is right ("trusted").
//
// Detectors tell the world what they think through outputs of the shared
// shape below (one output per change of mind). A monitor that restarts is a
// fresh instance and suspects nobody until it says so again. Pure: no I/O.

import type { NodeId, OutputRecord, TraceEvent } from "../sim/index.ts";
import { expectThat } from "./violation.ts";

/** What every detector exercise outputs, once per change of mind. `dead` (SWIM) is a suspicion that is never withdrawn. */
export type DetectorOutput = { type: "suspect"; node: NodeId } | { type: "restore"; node: NodeId } | { type: "dead"; node: NodeId };

export interface SuspicionChange {
  t: number;
  monitor: NodeId;
  target: NodeId;
  suspected: boolean;
}

export interface LifeEvent {
  t: number;
  node: NodeId;
  up: boolean;
}

export interface DetectorHistory {
  /** The monitored nodes (each monitors every other). */
  nodes: readonly NodeId[];
  changes: readonly SuspicionChange[];
  /** Crashes (up: false) and restarts (up: true), in time order. */
  life: readonly LifeEvent[];
  /** End of the observed run, ms. */
  end: number;
}

/** A failure detector's outputs read as changes of mind (anything else is ignored). */
export function suspicionChanges(outputs: readonly OutputRecord[]): SuspicionChange[] {
  const out: SuspicionChange[] = [];
  for (const o of outputs) {
    const v = o.value as Partial<DetectorOutput> | null;
    if (!v || typeof v !== "object" || typeof v.node !== "string") continue;
    if (v.type === "suspect" || v.type === "dead") out.push({ t: o.t, monitor: o.node, target: v.node, suspected: true });
    else if (v.type === "restore") out.push({ t: o.t, monitor: o.node, target: v.node, suspected: false });
  }
  return out;
}

/** Crashes and restarts as recorded in a trace. */
export function lifeEvents(events: readonly TraceEvent[]): LifeEvent[] {
  const out: LifeEvent[] = [];
  for (const e of events) if (e.k === "crash" || e.k === "restart") out.push({ t: e.t, node: e.node, up: e.k === "restart" });
  return out;
}

/** The history of a finished simulation (anything with outputs, a trace and a clock). */
export function detectorHistory(sim: { outputs: readonly OutputRecord[]; trace: { all(): readonly TraceEvent[]; readonly total?: number }; now: number; nodeIds: readonly NodeId[] }, nodes?: readonly NodeId[]): DetectorHistory {
  const events = sim.trace.all();
  // Crash and restart times come from the trace; a trace that forgot its start would hide crashes.
  if (sim.trace.total !== undefined && sim.trace.total > events.length)
    throw new Error(`The run recorded ${sim.trace.total} events, more than the trace keeps (${events.length}), so crash times are lost and the detector cannot be judged. Is a node sending far more messages than it should?`);
  return { nodes: nodes ?? sim.nodeIds, changes: suspicionChanges(sim.outputs), life: lifeEvents(events), end: sim.now };
}

export interface Detection {
  monitor: NodeId;
  target: NodeId;
  crashedAt: number;
  /** When the monitor could start noticing: the crash, or the monitor's own (re)start if later. */
  from: number;
  /** When the target restarted, or the end of the run. */
  until: number;
  /** From when the monitor suspected the target without interruption until `until`; null if it did not. */
  detectedAt: number | null;
}

export interface Mistake {
  monitor: NodeId;
  target: NodeId;
  start: number;
  /** When it stopped being a mistake (withdrawn, target crashed, monitor crashed), or null if still open at the end. */
  end: number | null;
  endedBy: "restore" | "target crashed" | "monitor crashed" | null;
}

export interface PairAccuracy {
  monitor: NodeId;
  target: NodeId;
  /** ms during which both were up. */
  bothUp: number;
  /** ms of that time during which the monitor trusted the target. */
  trusted: number;
}

export interface DetectorAnalysis {
  detections: Detection[];
  mistakes: Mistake[];
  accuracy: PairAccuracy[];
  /** Who suspects whom at the end of the run (live monitors only). */
  finalSuspicions: { monitor: NodeId; target: NodeId; since: number }[];
  end: number;
}

/** Replays the history in time order and extracts detections, mistakes and trusted time per pair. */
export function analyse(h: DetectorHistory): DetectorAnalysis {
  const up = new Map(h.nodes.map((n) => [n, true]));
  // suspectedSince.get(q).get(p): time q started suspecting p (absent = trusts).
  const since = new Map(h.nodes.map((n) => [n, new Map<NodeId, number>()]));
  const pairs = new Map<string, PairAccuracy>();
  const openMistake = new Map<string, Mistake>();
  const openCrash = new Map<NodeId, number>();
  const startedAt = new Map<NodeId, number>(h.nodes.map((n) => [n, 0]));
  const detections: Detection[] = [];
  const mistakes: Mistake[] = [];
  const key = (q: NodeId, p: NodeId) => `${q}\u0000${p}`;
  for (const q of h.nodes) for (const p of h.nodes) if (q !== p) pairs.set(key(q, p), { monitor: q, target: p, bothUp: 0, trusted: 0 });

  type Ev = { t: number; order: number; apply: () => void };
  const evs: Ev[] = [];
  let last = 0;
  const advance = (t: number) => {
    const dt = t - last;
    if (dt > 0) {
      for (const pa of pairs.values()) {
        if (!up.get(pa.monitor) || !up.get(pa.target)) continue;
        pa.bothUp += dt;
        if (!since.get(pa.monitor)!.has(pa.target)) pa.trusted += dt;
      }
    }
    last = t;
  };
  const closeMistake = (q: NodeId, p: NodeId, t: number, why: Mistake["endedBy"]) => {
    const m = openMistake.get(key(q, p));
    if (!m) return;
    m.end = t;
    m.endedBy = why;
    openMistake.delete(key(q, p));
  };
  const closeDetections = (p: NodeId, t: number) => {
    const crashedAt = openCrash.get(p);
    if (crashedAt === undefined) return;
    openCrash.delete(p);
    for (const q of h.nodes) {
      if (q === p || !up.get(q)) continue; // a monitor that is down at the end of the window has no opinion
      const s = since.get(q)!.get(p);
      const from = Math.max(crashedAt, startedAt.get(q)!);
      detections.push({ monitor: q, target: p, crashedAt, from, until: t, detectedAt: s === undefined ? null : Math.max(s, from) });
    }
  };

  for (const [i, e] of h.life.entries()) {
    if (!h.nodes.includes(e.node)) continue;
    evs.push({
      t: e.t,
      order: i,
      apply: () => {
        if (e.up) {
          if (up.get(e.node)) return;
          closeDetections(e.node, e.t);
          up.set(e.node, true);
          startedAt.set(e.node, e.t);
          since.get(e.node)!.clear(); // a fresh instance trusts everyone until it says otherwise
          return;
        }
        if (!up.get(e.node)) return;
        up.set(e.node, false);
        openCrash.set(e.node, e.t);
        for (const q of h.nodes) {
          closeMistake(q, e.node, e.t, "target crashed");
          closeMistake(e.node, q, e.t, "monitor crashed");
        }
      },
    });
  }
  const base = h.life.length;
  for (const [i, c] of h.changes.entries()) {
    evs.push({
      t: c.t,
      order: base + i,
      apply: () => {
        const s = since.get(c.monitor);
        if (!s || !up.get(c.monitor) || c.monitor === c.target) return;
        if (c.suspected) {
          if (s.has(c.target)) return;
          s.set(c.target, c.t);
          if (up.get(c.target)) {
            const m: Mistake = { monitor: c.monitor, target: c.target, start: c.t, end: null, endedBy: null };
            mistakes.push(m);
            openMistake.set(key(c.monitor, c.target), m);
          }
        } else {
          if (!s.has(c.target)) return;
          s.delete(c.target);
          closeMistake(c.monitor, c.target, c.t, "restore");
        }
      },
    });
  }
  // Outputs at the same instant as a crash were made before it (a crashed node outputs nothing).
  evs.sort((a, b) => a.t - b.t || (a.order >= base ? 0 : 1) - (b.order >= base ? 0 : 1) || a.order - b.order);
  for (const e of evs) {
    if (e.t > h.end) break;
    advance(e.t);
    e.apply();
  }
  advance(h.end);
  for (const p of [...openCrash.keys()]) closeDetections(p, h.end);
  const finalSuspicions: DetectorAnalysis["finalSuspicions"] = [];
  for (const q of h.nodes) if (up.get(q)) for (const [p, t] of since.get(q)!) finalSuspicions.push({ monitor: q, target: p, since: t });
  return { detections, mistakes, accuracy: [...pairs.values()], finalSuspicions, end: h.end };
}

export interface QoS {
  /** Detection time, ms: worst and mean over detected crashes (null if none). */
  T_D_max: number | null;
  T_D_mean: number | null;
  /** Crashes some live monitor never (stably) suspected. */
  undetected: number;
  /** Mean mistake recurrence time, ms (null with fewer than two mistakes on any pair). */
  T_MR: number | null;
  /** Mean mistake duration, ms, over withdrawn mistakes (null if none). */
  T_M: number | null;
  mistakes: number;
  /** Query accuracy probability over all pairs' time with both up (1 = never wrong). */
  P_A: number;
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Chen–Toueg–Aguilera metrics of one run. Crashes whose window is shorter than `minWindowMs` are not counted as undetected. */
export function qos(a: DetectorAnalysis, opts: { minWindowMs?: number } = {}): QoS {
  const minWindow = opts.minWindowMs ?? 0;
  const detected = a.detections.filter((d) => d.detectedAt !== null).map((d) => d.detectedAt! - d.from);
  const undetected = a.detections.filter((d) => d.detectedAt === null && d.until - d.from >= minWindow).length;
  const recurrences: number[] = [];
  const byPair = new Map<string, number[]>();
  for (const m of a.mistakes) {
    const k = `${m.monitor}\u0000${m.target}`;
    if (!byPair.has(k)) byPair.set(k, []);
    byPair.get(k)!.push(m.start);
  }
  for (const starts of byPair.values()) for (let i = 1; i < starts.length; i++) recurrences.push(starts[i]! - starts[i - 1]!);
  const durations = a.mistakes.filter((m) => m.endedBy === "restore").map((m) => m.end! - m.start);
  const both = a.accuracy.reduce((s, p) => s + p.bothUp, 0);
  const trusted = a.accuracy.reduce((s, p) => s + p.trusted, 0);
  const tdMean = mean(detected);
  const tmr = mean(recurrences);
  const tm = mean(durations);
  return {
    T_D_max: detected.length ? round(Math.max(...detected)) : null,
    T_D_mean: tdMean === null ? null : round(tdMean),
    undetected,
    T_MR: tmr === null ? null : round(tmr),
    T_M: tm === null ? null : round(tm),
    mistakes: a.mistakes.length,
    P_A: both > 0 ? round(trusted / both, 5) : 1,
  };
}

/** One line for people: `T_D max 312 ms (mean 305), T_MR —, T_M —, P_A 1, 0 mistakes`. */
export function formatQoS(q: QoS): string {
  const ms = (x: number | null) => (x === null ? "—" : `${x} ms`);
  return `T_D max ${ms(q.T_D_max)} (mean ${ms(q.T_D_mean)})${q.undetected ? `, ${q.undetected} crash(es) undetected` : ""}, T_MR ${ms(q.T_MR)}, T_M ${ms(q.T_M)}, P_A ${q.P_A}, ${q.mistakes} mistake${q.mistakes === 1 ? "" : "s"}`;
}

// ---------------------------------------------------------------------------
// Properties (throw a Violation in plain words).

/**
 * Strong completeness with a bound: every crash that stays down for at least
 * `boundMs` is suspected by every live monitor within `boundMs` (counted from
 * the crash, or from the monitor's own restart if that came later), and the
 * suspicion holds until the node restarts (or the run ends).
 */
export function expectStrongCompleteness(a: DetectorAnalysis, boundMs: number): void {
  for (const d of a.detections) {
    if (d.until - d.from < boundMs) continue; // restarted too soon to judge
    expectThat(
      d.detectedAt !== null,
      `strong completeness: every crashed node is suspected by every live node, and stays suspected`,
      () => `${d.target} crashed at t=${d.crashedAt} ms and stayed down until t=${d.until} ms, but ${d.monitor} did not suspect it for good in that time`,
      d.until,
    );
    const late = d.detectedAt - d.from;
    expectThat(
      late <= boundMs,
      `every crashed node is suspected for good within ${boundMs} ms of its crash`,
      () => `${d.target} crashed at t=${d.crashedAt} ms; ${d.monitor} suspected it for good only from t=${d.detectedAt} ms (${late} ms after ${d.from === d.crashedAt ? "the crash" : `its own restart at t=${d.from} ms`})`,
      d.detectedAt!,
    );
  }
}

/** Strong accuracy from `fromMs` on: no live node is suspected by a live node (a wrong suspicion starting at or after `fromMs`, or still held then). */
export function expectNoMistakes(a: DetectorAnalysis, fromMs = 0, why = "no correct node is suspected"): void {
  for (const m of a.mistakes) {
    // Counts if it was raised at or after fromMs, or still held then.
    if (m.start < fromMs && m.end !== null && m.end <= fromMs) continue;
    expectThat(
      false,
      why,
      () => `${m.monitor} suspected ${m.target} at t=${m.start} ms, although ${m.target} was up${m.end === null ? " (and still suspected it at the end of the run)" : m.endedBy === "restore" ? ` (withdrawn at t=${m.end} ms)` : ""}`,
      Math.max(m.start, fromMs),
    );
  }
}

/**
 * Eventual strong accuracy: at the end, no live monitor suspects a live node,
 * and no wrong suspicion was raised after `settledMs` (the network having been
 * stable since `stableSinceMs`, if given).
 */
export function expectEventualAccuracy(a: DetectorAnalysis, settledMs: number, isUp: (n: NodeId) => boolean, stableSinceMs?: number): void {
  for (const s of a.finalSuspicions) {
    expectThat(
      !isUp(s.target),
      `eventual strong accuracy: after the network stabilises, eventually no correct node is suspected`,
      () => `at the end of the run (t=${a.end} ms) ${s.monitor} still suspects ${s.target} (since t=${s.since} ms), although ${s.target} is up`,
      s.since,
    );
  }
  const late = a.mistakes.find((m) => m.start >= settledMs);
  expectThat(
    late === undefined,
    `eventual strong accuracy: once the network is stable the detector stops making mistakes`,
    () => `${stableSinceMs === undefined ? "the network was stable" : `the network has been stable since t=${stableSinceMs} ms`} and the detector had until t=${settledMs} ms to adapt, yet ${late!.monitor} wrongly suspected ${late!.target} at t=${late!.start} ms`,
    late?.start,
  );
}

// ---------------------------------------------------------------------------
// Outputs are the specification. The analysis above reads outputs as changes
// of mind and forgives repeats; the rules below do not: each output must be
// one change of mind, in order, and mean what it says. They read the trace
// itself, so outputs and crashes/restarts keep the order in which they happened.

/** SWIM also declares members dead; heartbeat-style detectors only suspect and restore. */
export interface OutputRules {
  dead: boolean;
}

/** What a monitor holds about one node, besides trusting it. */
export type Opinion = "suspect" | "dead";

/** A detector output, or a crash or restart of a monitor, at its position `i` in the trace. */
export interface DetectorEvent {
  i: number;
  t: number;
  k: "output" | "crash" | "restart";
  node: NodeId;
  value?: unknown;
}

/** The outputs, crashes and restarts of a trace, in order. `first` is the trace index of `events[0]`. */
export function detectorEvents(events: readonly TraceEvent[], first = 0): DetectorEvent[] {
  const out: DetectorEvent[] = [];
  for (const [j, e] of events.entries()) {
    if (e.k === "output") out.push({ i: first + j, t: e.t, k: "output", node: e.node, value: e.value });
    else if (e.k === "crash" || e.k === "restart") out.push({ i: first + j, t: e.t, k: e.k, node: e.node });
  }
  return out;
}

export interface Breach {
  property: string;
  details: string;
  t: number;
}

const show = (v: unknown) => JSON.stringify(v) ?? String(v);

/**
 * Replays what each monitor has said (a restarted monitor is a fresh instance
 * that trusts everyone) and reports the first output that is not a change of
 * mind about a peer: an unknown output, a repeated suspicion, a restore of a
 * node not suspected, or anything said after "dead". `visit` sees every
 * monitor's opinions after each event (for checking queries against them).
 */
export function replayOpinions(
  events: readonly DetectorEvent[],
  nodes: readonly NodeId[],
  rules: OutputRules,
  visit?: (index: number, opinions: ReadonlyMap<NodeId, ReadonlyMap<NodeId, Opinion>>) => Breach | null,
): Breach | null {
  const held = new Map<NodeId, Map<NodeId, Opinion>>(nodes.map((n) => [n, new Map()]));
  const kinds = rules.dead ? `"suspect", "restore" or "dead"` : `"suspect" or "restore"`;
  for (const [index, e] of events.entries()) {
    const mine = held.get(e.node);
    if (mine && e.k === "restart") mine.clear();
    if (mine && e.k === "output") {
      const v = e.value as { type?: unknown; node?: unknown } | null;
      const type = v && typeof v === "object" ? v.type : undefined;
      const target = v && typeof v === "object" ? v.node : undefined;
      const known = type === "suspect" || type === "restore" || (rules.dead && type === "dead");
      if (!known || typeof target !== "string" || target === e.node || !held.has(target))
        return {
          property: `a detector outputs only {type: ${kinds}, node} about one of its peers`,
          details: `${e.node} output ${show(e.value)} at t=${e.t} ms${typeof target === "string" && !held.has(target) ? ` — there is no node "${target}" (the nodes are ${nodes.join(", ")})` : target === e.node ? " — about itself" : ""}`,
          t: e.t,
        };
      const now = mine.get(target);
      if (now === "dead")
        return { property: "dead is final: once a node is declared dead, nothing more is said about it", details: `${e.node} declared ${target} dead and then output ${show(e.value)} at t=${e.t} ms`, t: e.t };
      if (type === "suspect" && now === "suspect")
        return { property: "each change of mind is output once: a node already suspected is not suspected again", details: `${e.node} output suspect ${target} at t=${e.t} ms while it already suspected ${target} (and had not restored it since)`, t: e.t };
      if (type === "restore" && now !== "suspect")
        return { property: "restore withdraws a suspicion: only a suspected node is restored", details: `${e.node} output restore ${target} at t=${e.t} ms, but it did not suspect ${target}${e.t > 0 ? " at that time" : ""}`, t: e.t };
      if (type === "restore") mine.delete(target);
      else mine.set(target, type as Opinion);
    }
    const breach = visit?.(index, held);
    if (breach) return breach;
  }
  return null;
}

/** What a node answered when asked who it suspects, and when: `after` trace events had happened. */
export interface QuerySample {
  t: number;
  node: NodeId;
  after: number;
  opinions: ReadonlyMap<NodeId, Opinion>;
}

/**
 * Every sampled answer to "whom do you suspect?" must agree with what the node
 * has output since it last started: a query and the outputs are two views of
 * one state. Reports the first disagreement (or the first output breach).
 */
export function queryDisagreement(events: readonly DetectorEvent[], nodes: readonly NodeId[], rules: OutputRules, samples: readonly QuerySample[], query: string): Breach | null {
  const queue = [...samples].sort((a, b) => a.after - b.after);
  let next = 0;
  const word = (o: Opinion | undefined) => o ?? "trusted";
  /** Compares the samples taken before trace event `upTo` with the opinions held then. */
  const check = (held: ReadonlyMap<NodeId, ReadonlyMap<NodeId, Opinion>>, upTo: number): Breach | null => {
    for (; next < queue.length && queue[next]!.after <= upTo; next++) {
      const s = queue[next]!;
      const said = held.get(s.node) ?? new Map<NodeId, Opinion>();
      const wrong = [...new Set([...said.keys(), ...s.opinions.keys()])].sort().filter((p) => said.get(p) !== s.opinions.get(p));
      if (wrong.length > 0)
        return {
          property: `${query} agrees with the outputs: it answers what the node has said so far`,
          details: `at t=${s.t} ms ${s.node}'s ${query} says ${wrong.map((p) => `${p} is ${word(s.opinions.get(p))}`).join(", ")}, but its outputs say ${wrong.map((p) => `${p} is ${word(said.get(p))}`).join(", ")}`,
          t: s.t,
        };
    }
    return null;
  };
  const trusting = new Map<NodeId, Map<NodeId, Opinion>>(nodes.map((n) => [n, new Map()]));
  return check(trusting, events[0]?.i ?? Infinity) ?? replayOpinions(events, nodes, rules, (k, held) => check(held, events[k + 1]?.i ?? Infinity));
}

/** Who suspects whom at time `t` (inclusive), as the outputs say; a monitor that is down holds nothing it said before its crash once it restarts. */
export function opinionsAt(events: readonly DetectorEvent[], nodes: readonly NodeId[], rules: OutputRules, t: number): Map<NodeId, Map<NodeId, Opinion>> {
  const upTo = events.filter((e) => e.t <= t);
  let held = new Map<NodeId, Map<NodeId, Opinion>>(nodes.map((n) => [n, new Map()]));
  replayOpinions(upTo, nodes, rules, (k, h) => {
    if (k === upTo.length - 1) held = new Map([...h].map(([n, m]) => [n, new Map(m)]));
    return null;
  });
  return held;
}
