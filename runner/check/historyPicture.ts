// The picture of a linearizability check, the way Porcupine draws one: each
// client's operations as bars on a time axis, which of them the longest
// linearizable prefix places (and in what order, leaving what state), the
// point no order gets past, and the operations no order can place at all.
//
// `historyPicture` turns one part of a check's result into plain data (JSON,
// so a failing suite can hand it to the grader, and `replay --html` can draw
// it later); `pictureLines` draws it as styled text lines for a terminal, and
// `pictureText` as plain text (80 columns for failure messages). The HTML
// page draws the same data (runner/grade/historyHtml.ts). Pure.

import { describeState, operationText, statesAlong, type Model, type PartResult, type Verdict } from "./linearizability.ts";

/** Where an operation stands in the picture. */
export type Fate =
  /** In the linearization, or in the longest linearizable prefix found. */
  | "linearized"
  /** Known outcome, called before the point no order gets past, yet no linearizable prefix places it. */
  | "unplaceable"
  /** Called after the point no order gets past: no order got that far. */
  | "unreached"
  /** Not in the longest prefix, though some other prefix places it; or an unknown outcome left out. */
  | "other";

export interface PictureOp {
  /** 1-based, in call order: "#3". */
  id: number;
  client: string;
  call: number;
  /** null: the outcome is unknown (it never returned). */
  ret: number | null;
  /** The model's words, e.g. `get("x") -> "1"`. */
  label: string;
  fate: Fate;
  /** Position in the linearization or longest prefix (1-based), when linearized. */
  order: number | null;
  /** The model's state right after it took effect, when linearized. */
  stateAfter: string | null;
  /** The operation whose return the longest prefix could not get past. */
  stuck: boolean;
}

export interface HistoryPicture {
  /** e.g. `key "x"`, or a file name. */
  title: string;
  verdict: Verdict;
  /** Lanes, in order of each client's first call. */
  clients: string[];
  /** In call order. */
  ops: PictureOp[];
  /** Not linearizable: the latest return the search reached but could not get past. */
  frontier: number | null;
  initialState: string;
}

/** The picture of one part of a check (a failed part shows why; a linearizable one shows an order that works). */
export function historyPicture<S, I, O>(model: Model<S, I, O>, part: PartResult<I, O>, title = part.label): HistoryPicture {
  const byCall = part.ops.map((_, i) => i).sort((a, b) => part.ops[a]!.call - part.ops[b]!.call || a - b);
  const idOf = new Map(byCall.map((i, k) => [i, k + 1]));
  const states = statesAlong(model, part);
  const orderOf = new Map(part.linearization.map((i, k) => [i, k]));
  const unplaceable = new Set(part.unplaceable);
  const frontier = part.verdict === "not-linearizable" ? part.frontier : null;
  const ops = byCall.map((i): PictureOp => {
    const op = part.ops[i]!;
    const k = orderOf.get(i);
    const fate: Fate = k !== undefined ? "linearized" : unplaceable.has(i) ? "unplaceable" : frontier !== null && op.call > frontier ? "unreached" : "other";
    return {
      id: idOf.get(i)!,
      client: String(op.client),
      call: op.call,
      ret: op.ret === Infinity ? null : op.ret,
      label: operationText(model, op),
      fate,
      order: k === undefined ? null : k + 1,
      stateAfter: k === undefined ? null : describeState(model, states[k + 1]!),
      stuck: part.stuck === i,
    };
  });
  const clients = [...new Set(ops.map((o) => o.client))];
  return { title, verdict: part.verdict === "unchecked" ? "unknown" : part.verdict, clients, ops, frontier, initialState: describeState(model, states[0]!) };
}

// ---------------------------------------------------------------------------
// Text

/** A run of text with a style; the same shape as the terminal screens' segments. */
export interface PictureSeg {
  text: string;
  style?: { color?: string; bold?: boolean; dim?: boolean };
}
export type PictureLine = PictureSeg[];

export interface PictureTextOptions {
  /** Columns available (default 80). */
  width?: number;
  /**
   * Draw at most this many operations, those nearest the point no order gets
   * past (default: all, however wide that makes the picture).
   */
  maxOps?: number;
}

/** Bar ends and fill per fate: told apart without colour too. */
const GLYPHS: Record<Fate | "stuck", { open: string; fill: string; close: string; style: PictureSeg["style"] }> = {
  linearized: { open: "├", fill: "─", close: "┤", style: { color: "green" } },
  unplaceable: { open: "╞", fill: "═", close: "╡", style: { color: "red", bold: true } },
  stuck: { open: "╞", fill: "═", close: "╡", style: { color: "red", bold: true } },
  other: { open: "├", fill: "┄", close: "┤", style: {} },
  unreached: { open: "┊", fill: "·", close: "┊", style: { dim: true } },
};

const len = (s: string) => [...s].length;
const clip = (s: string, n: number) => (len(s) <= n ? s : [...s].slice(0, Math.max(0, n - 1)).join("") + "…");

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}

/** What the legend says about an operation. */
export function fateText(op: PictureOp): string {
  if (op.fate === "linearized") return `${ordinal(op.order!)} to take effect, leaving ${op.stateAfter}`;
  if (op.stuck) return op.fate === "unplaceable" ? "the longest prefix stops here, and no order places it at all" : "the longest prefix stops here: other orders place it, never with all the rest";
  if (op.fate === "unplaceable") return "no order places it";
  if (op.fate === "unreached") return "called after the point no order gets past";
  return op.ret === null ? "outcome unknown: left out" : "not in the longest prefix";
}

/** The operations drawn: all, or the `max` nearest the point no order gets past (the stuck one first). */
function chosen(pic: HistoryPicture, max: number | undefined): PictureOp[] {
  if (max === undefined || pic.ops.length <= max) return pic.ops;
  const focus = pic.frontier ?? Math.max(...pic.ops.map((o) => o.ret ?? o.call));
  const distance = (o: PictureOp) => (o.call <= focus && (o.ret ?? Infinity) >= focus ? 0 : Math.min(Math.abs(o.call - focus), Math.abs((o.ret ?? o.call) - focus)));
  const rank = (o: PictureOp) => (o.stuck ? 0 : o.fate === "unplaceable" ? 1 : o.fate === "unreached" ? 3 : 2);
  const keep = new Set([...pic.ops].sort((a, b) => rank(a) - rank(b) || distance(a) - distance(b) || b.id - a.id).slice(0, max));
  return pic.ops.filter((o) => keep.has(o));
}

/** Where everything goes, in character columns (the HTML page scales them to pixels). */
export interface PictureGeometry {
  /** The operations drawn. */
  shown: PictureOp[];
  /** Column of each distinct time. */
  x: Map<number, number>;
  /** Where bars of operations that never returned end. */
  right: number;
  /** Text inside each bar. */
  inside: Map<PictureOp, string>;
  /** One row per client, more when a client's operations overlap (one never returned). */
  rows: { client: string; first: boolean; ops: PictureOp[] }[];
}

type Layout = Omit<PictureGeometry, "shown" | "rows">;

/**
 * Columns for the times, so that each bar can hold `text(op)`: every distinct
 * time gets its own column (order is all that matters, as in Porcupine), and
 * gaps widen until each bar is wide enough.
 */
function layout(ops: readonly PictureOp[], text: (o: PictureOp) => string, frontier: number | null): Layout {
  const times = [...new Set(ops.flatMap((o) => (o.ret === null ? [o.call] : [o.call, o.ret])).concat(frontier === null ? [] : [frontier]))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const gaps = new Array<number>(Math.max(0, times.length - 1)).fill(1);
  const span = (o: PictureOp) => (o.ret === null ? 0 : index.get(o.ret)! - index.get(o.call)!);
  for (const o of [...ops].sort((a, b) => span(a) - span(b))) {
    if (o.ret === null) continue;
    const a = index.get(o.call)!;
    const b = index.get(o.ret)!;
    // A bar from column x(call) to x(ret) holds x(ret) - x(call) - 1 characters; a zero-length op gets its call's gap.
    const need = len(text(o)) + 1;
    const from = b > a ? a : Math.min(a, gaps.length - 1);
    const to = b > a ? b : from + 1;
    if (from < 0) continue;
    let have = 0;
    for (let g = from; g < to; g++) have += gaps[g]!;
    for (let g = from; have < need; g = g + 1 < to ? g + 1 : from) {
      gaps[g]!++;
      have++;
    }
  }
  const x = new Map<number, number>();
  let at = 0;
  times.forEach((t, i) => {
    x.set(t, at);
    at += gaps[i] ?? 0;
  });
  const unknownRoom = Math.max(0, ...ops.filter((o) => o.ret === null).map((o) => len(text(o)) + 2));
  return { x, right: at + Math.max(2, unknownRoom), inside: new Map(ops.map((o) => [o, text(o)])) };
}

/** Most characters of a label inside a bar (long values would stretch the time axis; the legend has them whole). */
const BAR_TEXT = 32;

/** Width of the client names' column. */
function marginOf(pic: HistoryPicture, shown: readonly PictureOp[]): number {
  return Math.min(12, Math.max(...pic.clients.filter((c) => shown.some((o) => o.client === c)).map(len), 6)) + 1;
}

/**
 * The geometry of a picture in `room` columns (Infinity: as wide as it takes):
 * bars hold "#id label" where that fits, else "#id" alone (the legend gives
 * the words); with `maxOps`, fewer operations until it fits.
 */
export function pictureGeometry(pic: HistoryPicture, room: number, maxOps?: number): PictureGeometry {
  const shown = chosen(pic, maxOps);
  let lay = layout(shown, (o) => `#${o.id} ${clip(o.label, BAR_TEXT)}`, pic.frontier);
  if (lay.right > room) lay = layout(shown, (o) => `#${o.id}`, pic.frontier);
  if (lay.right > room && maxOps !== undefined && shown.length > 2) return pictureGeometry(pic, room + marginOf(pic, shown) - marginOf(pic, chosen(pic, shown.length - 1)), shown.length - 1);
  const rows: PictureGeometry["rows"] = [];
  for (const client of pic.clients) {
    const mine: { end: number; ops: PictureOp[] }[] = [];
    for (const op of shown.filter((o) => o.client === client)) {
      const start = lay.x.get(op.call)!;
      const end = op.ret === null ? lay.right : lay.x.get(op.ret)!;
      let row = mine.find((r) => r.end < start);
      if (!row) mine.push((row = { end: -1, ops: [] }));
      row.ops.push(op);
      row.end = Math.max(end, start + 1);
    }
    mine.forEach((r, i) => rows.push({ client, first: i === 0, ops: r.ops }));
  }
  return { shown, rows, ...lay };
}

/** The picture in three blocks, so that a screen can scroll the lanes sideways and keep the rest. */
export interface PictureBlocks {
  /** Title, and what was left out. */
  head: PictureLine[];
  /** The time axis, then a row per lane; the first `margin` columns name the client. */
  lanes: PictureLine[];
  margin: number;
  /** Column (in lane lines) of the point no order gets past. */
  frontierCol: number | null;
  /** Column (in lane lines) where the operation the prefix stops at was called. */
  stuckCol: number | null;
  /** The glyph key, then a line per operation. */
  legend: PictureLine[];
}

/** The picture as styled lines: a header, a lane per client, the glyph key and a legend line per operation. */
export function pictureLines(pic: HistoryPicture, opts: PictureTextOptions = {}): PictureLine[] {
  const b = pictureBlocks(pic, opts);
  return [...b.head, ...b.lanes, [], ...b.legend];
}

export function pictureBlocks(pic: HistoryPicture, opts: PictureTextOptions = {}): PictureBlocks {
  const width = opts.width ?? 80;
  const margin0 = marginOf(pic, chosen(pic, opts.maxOps));
  const lay = pictureGeometry(pic, opts.maxOps === undefined ? Infinity : width - margin0 - 1, opts.maxOps);
  const shown = lay.shown;
  const margin = marginOf(pic, shown);

  const head: PictureLine[] = [];
  const lines: PictureLine[] = [];
  const legend: PictureLine[] = [];
  const verdict = pic.verdict === "not-linearizable" ? "not linearizable" : pic.verdict === "linearizable" ? "linearizable" : "not settled (unknown)";
  head.push([{ text: `${pic.title}: ${verdict}`, style: { bold: true } }, { text: ` · ${pic.ops.length} operation${pic.ops.length === 1 ? "" : "s"} by ${pic.clients.length} client${pic.clients.length === 1 ? "" : "s"}`, style: { dim: true } }]);
  if (shown.length < pic.ops.length) head.push([{ text: `(the ${shown.length} operations nearest the point no order gets past)`, style: { dim: true } }]);
  // The time axis, with the point no order gets past marked: the words right of the mark if they fit, else left.
  if (pic.frontier !== null) {
    const col = margin + lay.x.get(pic.frontier)!;
    const right = "▼ no order gets past here";
    const left = "no order gets past here ▼";
    const text = col + len(right) <= Math.max(width, margin + lay.right) || col < len(left) ? " ".repeat(col) + right : " ".repeat(col - len(left) + 1) + left;
    lines.push([{ text: "time →".padEnd(Math.min(margin, text.search(/\S/))).slice(0, Math.min(margin, text.search(/\S/))), style: { dim: true } }, { text: text.slice(Math.min(margin, text.search(/\S/))), style: { color: "red" } }]);
  } else lines.push([{ text: "time →", style: { dim: true } }]);

  for (const row of lay.rows) {
    const line: PictureLine = [{ text: (row.first ? clip(row.client, margin - 1) : "").padEnd(margin), style: { bold: row.first } }];
    let at = 0;
    for (const op of row.ops) {
      const col = lay.x.get(op.call)!;
      if (col > at) line.push({ text: " ".repeat(col - at) });
      const g = GLYPHS[op.stuck ? "stuck" : op.fate];
      const end = op.ret === null ? lay.right : lay.x.get(op.ret)!;
      const inner = Math.max(0, end - col - 1);
      const text = clip(lay.inside.get(op)!, inner);
      const bar = op.ret === null ? g.open + text + g.fill.repeat(Math.max(0, inner - len(text) - 1)) + "…" : end === col ? g.open : g.open + text + g.fill.repeat(inner - len(text)) + g.close;
      line.push({ text: bar, style: g.style });
      at = col + len(bar);
    }
    lines.push(line);
  }
  const key: PictureLine[] = [
    [{ text: "├─┤", style: GLYPHS.linearized.style }, { text: pic.verdict === "linearizable" ? " in the order found" : " in the longest linearizable prefix" }],
    ...(pic.verdict === "not-linearizable"
      ? [
          [{ text: "╞═╡", style: GLYPHS.unplaceable.style }, { text: " cannot be placed" }],
          [{ text: "┊·┊", style: GLYPHS.unreached.style }, { text: " not reached" }],
        ]
      : []),
    ...(shown.some((o) => o.ret === null) ? [[{ text: "…" }, { text: " no answer" }]] : []),
  ];
  let row: PictureLine = [];
  for (const item of key) {
    const w = row.reduce((n, x) => n + len(x.text), 0);
    if (w > 0 && w + 2 + item.reduce((n, x) => n + len(x.text), 0) > width) {
      legend.push(row);
      row = [];
    }
    row.push(...(row.length ? [{ text: "  " }] : []), ...item);
  }
  legend.push(row);
  for (const op of shown) {
    const g = GLYPHS[op.stuck ? "stuck" : op.fate];
    const head = `#${op.id}`.padStart(4) + ` ${clip(op.client, 6).padEnd(6)} `;
    const label = clip(op.label, Math.max(12, Math.floor((width - len(head)) / 2)));
    const what = fateText(op);
    const style = op.fate === "linearized" ? { dim: true } : g.style;
    if (len(head) + len(label) + 2 + len(what) <= width || op.fate === "linearized" || op.fate === "unreached") legend.push([{ text: head, style: { dim: true } }, { text: label, style: g.style }, { text: `  ${clip(what, Math.max(0, width - len(head) - len(label) - 2))}`, style }]);
    else {
      // What matters most gets a line of its own rather than being cut.
      legend.push([{ text: head, style: { dim: true } }, { text: label, style: g.style }]);
      legend.push([{ text: " ".repeat(len(head)) + clip(what, width - len(head)), style }]);
    }
  }
  const stuck = shown.find((o) => o.stuck);
  return { head, lanes: lines, margin, frontierCol: pic.frontier === null ? null : margin + lay.x.get(pic.frontier)!, stuckCol: stuck ? margin + lay.x.get(stuck.call)! : null, legend };
}

/** The picture as plain text lines (no styles). */
export function pictureText(pic: HistoryPicture, opts: PictureTextOptions = {}): string {
  return pictureLines(pic, opts)
    .map((l) => l.map((s) => s.text).join("").replace(/\s+$/, ""))
    .join("\n");
}
