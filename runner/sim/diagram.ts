// A space-time (Lamport) diagram of a trace excerpt, as text: one lane per
// node, time flowing down, one row per event. A message is drawn on the row
// where it arrives (or is lost), from its sender's lane to its receiver's,
// with the send time in the note column. Fits 80 columns for up to ~7 nodes.

import type { TraceEvent } from "./trace.ts";
import type { NodeId } from "./types.ts";
import { describeOp } from "./nemesis.ts";

export interface DiagramOptions {
  /** Total width in columns (default 80). */
  width?: number;
  /** Lanes to draw, in order (default: every node that appears). */
  nodes?: readonly NodeId[];
  /** Plain ASCII instead of box-drawing characters. */
  ascii?: boolean;
}

interface Glyphs {
  lane: string;
  down: string;
  paused: string;
  line: string;
  dot: string;
  right: string;
  left: string;
  lost: string;
  timer: string;
  crash: string;
  restart: string;
  output: string;
  log: string;
  error: string;
  self: string;
  fault: string;
  /** In notes: "n1→n2". */
  to: string;
  /** Marks clipped text. */
  more: string;
}

const UNICODE: Glyphs = { lane: "│", down: "┊", paused: "╎", line: "─", dot: "●", right: "▶", left: "◀", lost: "✕", timer: "○", crash: "✖", restart: "↺", output: "◉", log: "·", error: "!", self: "↻", fault: "═", to: "→", more: "…" };
const ASCII: Glyphs = { lane: "|", down: ":", paused: "'", line: "-", dot: "o", right: ">", left: "<", lost: "x", timer: "T", crash: "X", restart: "R", output: "@", log: ".", error: "!", self: "@", fault: "=", to: "->", more: "..." };

/** Short label of a message for arrows: its `type` field, else compact JSON. */
export function messageLabel(msg: unknown, max = 12, more = "…"): string {
  const t = msg && typeof msg === "object" && !Array.isArray(msg) ? (msg as Record<string, unknown>)["type"] : undefined;
  const s = typeof t === "string" ? t : compactJson(msg);
  return clip(s, max, more);
}

export function compactJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.replace(/"(\w+)":/g, "$1:") ?? String(v);
  } catch {
    return String(v);
  }
}

function fmtTime(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(1);
}

function clip(s: string, n: number, more = "…"): string {
  if (n <= 0) return "";
  if (s.length <= n) return s;
  const m = more.length < n ? more : "";
  return s.slice(0, n - m.length) + m;
}

/**
 * For {ascii: true}: the lab's own punctuation spelled in ASCII, and anything
 * else outside ASCII (in message contents or node names) shown as "?", so the
 * output is safe for terminals and logs that only take ASCII.
 */
function toAscii(s: string): string {
  return s.replace(/→/g, "->").replace(/[–—]/g, "-").replace(/…/g, "...").replace(/[^\x00-\x7f]/g, "?");
}

export function renderDiagram(events: readonly TraceEvent[], opts: DiagramOptions = {}): string {
  const g = opts.ascii ? ASCII : UNICODE;
  const text = opts.ascii ? toAscii : (s: string) => s;
  const width = Math.max(40, opts.width ?? 80);
  const nodes = opts.nodes ? [...opts.nodes] : nodesIn(events);
  if (nodes.length === 0) return "(no events)";
  const timeW = 8;
  const laneW = Math.max(3, Math.min(12, Math.floor((width - timeW - 20) / nodes.length)));
  const noteW = width - timeW - laneW * nodes.length - 1;
  const col = new Map(nodes.map((n, i) => [n, timeW + i * laneW + Math.floor(laneW / 2)] as const));
  const state = new Map<NodeId, "up" | "down" | "paused">(nodes.map((n) => [n, "up"]));
  const delivered = new Set<number>();
  const rows: string[] = [];

  // Center lane names over their lanes.
  const names = " ".repeat(timeW + laneW * nodes.length).split("");
  "t (ms)".padStart(timeW - 2).split("").forEach((c, i) => (names[i] = c));
  nodes.forEach((n, i) => {
    const label = clip(text(n), laneW - 1, g.more);
    const start = timeW + i * laneW + Math.floor(laneW / 2) - Math.floor((label.length - 1) / 2);
    label.split("").forEach((c, j) => (names[start + j] = c));
  });
  rows.push(names.join("").replace(/\s+$/, ""));

  const blank = (): string[] => {
    const cells = " ".repeat(timeW + laneW * nodes.length).split("");
    for (const n of nodes) cells[col.get(n)!] = state.get(n) === "down" ? g.down : state.get(n) === "paused" ? g.paused : g.lane;
    return cells;
  };
  const emit = (t: number | null, cells: string[], note: string): void => {
    const ts = t === null ? "" : fmtTime(t);
    const left = ts.padStart(timeW - 2) + "  ";
    for (let i = 0; i < timeW; i++) cells[i] = left[i] ?? " ";
    const body = cells.join("");
    rows.push(note ? `${body} ${clip(text(note), noteW, g.more)}`.replace(/\s+$/, "") : body.replace(/\s+$/, ""));
  };
  const arrow = (cells: string[], from: number, to: number, label: string, lostAt: number | null): void => {
    const dir = to > from ? 1 : -1;
    const end = lostAt ?? to;
    for (let c = from + dir; c !== end; c += dir) cells[c] = g.line;
    cells[from] = g.dot;
    cells[end] = lostAt !== null ? g.lost : dir > 0 ? g.right : g.left;
    // The label sits on the line, left-aligned after the dot, if it fits.
    const span = Math.abs(end - from) - 3;
    if (span >= 2 && label) {
      const l = clip(text(label), span, g.more);
      const start = dir > 0 ? from + 2 : end + 2;
      for (let i = 0; i < l.length; i++) cells[start + i] = l[i]!;
    }
  };

  let lastT: number | null = null;
  for (const e of events) {
    const showT = e.t !== lastT ? e.t : null;
    let cells: string[] | null = null;
    let note = "";
    switch (e.k) {
      case "deliver":
      case "drop": {
        const fc = col.get(e.from);
        const tc = col.get(e.to);
        if (fc === undefined && tc === undefined) break;
        cells = blank();
        const label = messageLabel(e.msg, 12, g.more);
        const content = compactJson(e.msg);
        if (e.k === "deliver") {
          const dupNote = delivered.has(e.id) ? " (again: duplicate)" : "";
          delivered.add(e.id);
          if (fc !== undefined && tc !== undefined && fc !== tc) arrow(cells, fc, tc, label, null);
          else if (tc !== undefined) cells[tc] = fc === tc ? g.self : opts.ascii ? "<" : "◀";
          // What happened first, then the content: a narrow note column clips the end.
          note = `${e.from}${g.to}${e.to}${e.corrupted ? " CORRUPTED" : ""}${dupNote} ${content} sent@${fmtTime(e.sentAt)}`;
        } else {
          if (fc !== undefined && tc !== undefined && fc !== tc) {
            // The cross sits short of the receiver (never on another lane), so the message visibly does not arrive.
            const dir = Math.sign(tc - fc);
            let lostAt = tc - dir * Math.min(3, Math.abs(tc - fc) - 1);
            if (lostAt !== fc && [...col.values()].includes(lostAt)) lostAt -= dir;
            if (lostAt === fc) lostAt = fc + dir;
            arrow(cells, fc, tc, label, lostAt);
          } else cells[(tc ?? fc)!] = g.lost;
          note = `${e.from}${g.to}${e.to} LOST (${e.why}) ${content}`;
        }
        break;
      }
      case "timer": {
        const c = col.get(e.node);
        if (c === undefined) break;
        cells = blank();
        cells[c] = g.timer;
        note = `${e.node} timer "${e.name}"`;
        break;
      }
      case "crash":
      case "restart":
      case "pause":
      case "resume": {
        const c = col.get(e.node);
        if (c === undefined) break;
        state.set(e.node, e.k === "crash" ? "down" : e.k === "pause" ? "paused" : "up");
        cells = blank();
        cells[c] = e.k === "crash" ? g.crash : e.k === "restart" ? g.restart : e.k === "pause" ? g.paused : g.lane;
        note = `${e.node} ${e.k === "crash" ? "CRASHED" : e.k === "restart" ? "restarted (same disk)" : e.k === "pause" ? "paused" : "resumed"}`;
        break;
      }
      case "output": {
        const c = col.get(e.node);
        if (c === undefined) break;
        cells = blank();
        cells[c] = g.output;
        note = `${e.node} output ${compactJson(e.value)}`;
        break;
      }
      case "log": {
        const c = col.get(e.node);
        if (c === undefined) break;
        cells = blank();
        cells[c] = g.log;
        note = `${e.node}: ${e.text}`;
        break;
      }
      case "error": {
        cells = blank();
        const c = col.get(e.node);
        if (c !== undefined) cells[c] = g.error;
        note = `ERROR ${e.message}`;
        break;
      }
      case "fault": {
        // A fault that changed nothing (resume a node that is not paused…) is noise: not drawn. (The trace keeps it.)
        if (e.note) break;
        // Crashes, restarts, pauses and resumes are drawn by their own events.
        if (e.op.op === "crash" || e.op.op === "restart" || e.op.op === "pause" || e.op.op === "resume") break;
        cells = blank();
        for (let i = timeW; i < cells.length; i++) if (cells[i] === " ") cells[i] = g.fault;
        note = describeOp(e.op);
        break;
      }
      default:
        break; // sends are drawn where they arrive; starts and duplicates are noted there
    }
    if (cells) {
      emit(showT, cells, note);
      lastT = e.t;
    }
  }
  return rows.join("\n");
}

function nodesIn(events: readonly TraceEvent[]): NodeId[] {
  const seen = new Set<NodeId>();
  for (const e of events) {
    if ("from" in e) {
      seen.add(e.from);
      seen.add(e.to);
    } else if ("node" in e && e.node !== "-") seen.add(e.node);
  }
  return [...seen].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, "en", { numeric: true }));
}

/** Servers (n…) first, then clients (c…), then anything else. */
function rank(id: NodeId): number {
  return /^n\d/.test(id) ? 0 : /^c\d/.test(id) ? 1 : 2;
}
