// A run's trace as one self-contained HTML file (`faultline replay … --html FILE`):
// an SVG space-time diagram — a lane per node, time flowing down, an arrow per
// message coloured by its type, lost and duplicated messages marked, partitions
// and crashes shaded — an event table, and details on hover. Pure string
// building: no I/O, nothing fetched (inline CSS and script, no external URLs),
// so the file opens offline and can be attached to an issue or projected.

import type { HistoryPicture } from "../check/historyPicture.ts";
import { describeOp } from "../sim/nemesis.ts";
import type { TraceWithStates } from "../sim/snapshots.ts";
import type { TraceEvent } from "../sim/trace.ts";
import { HISTORY_CSS, HISTORY_SCRIPT, historySection } from "./historyHtml.ts";

export interface TraceHtmlInput {
  /** With `violationAt`, the row where the property broke is marked. */
  trace: TraceWithStates;
  /** e.g. "echo · every request gets exactly one reply". */
  title: string;
  /** pass, fail, not-started, error. */
  status?: string;
  /** The violated property and what happened, when the run failed. */
  failure?: { message: string; replay?: string } | null;
  /** At most this many events (the last ones) are drawn; default 3000. */
  maxEvents?: number;
  /** Pictures of the clients' history, when the run failed linearizability: drawn above the trace. */
  histories?: readonly HistoryPicture[];
}

const ROW = 22;
const LANE = 130;
const LEFT = 86;
const TOP = 46;

/** A stable, readable colour per message type. */
const PALETTE = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#ff7f0e", "#393b79", "#637939", "#7b4173", "#3182bd"];

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

export function messageType(msg: unknown): string {
  const t = msg && typeof msg === "object" && !Array.isArray(msg) ? (msg as Record<string, unknown>)["type"] : undefined;
  return typeof t === "string" ? t : Array.isArray(msg) ? "array" : typeof msg;
}

function json(v: unknown): string {
  try {
    return JSON.stringify(v, null, 1) ?? String(v);
  } catch {
    return String(v);
  }
}

function fmtT(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(1);
}

/** One line describing an event, for the table and tooltips. */
export function describeEvent(e: TraceEvent): string {
  switch (e.k) {
    case "start":
      return `${e.node} starts`;
    case "send":
      return `${e.from} → ${e.to} sends #${e.id} ${json(e.msg).replace(/\s+/g, " ")}`;
    case "deliver":
      return `${e.to} receives #${e.id} from ${e.from}${e.corrupted ? " (corrupted)" : ""} ${json(e.msg).replace(/\s+/g, " ")}`;
    case "drop":
      return `#${e.id} ${e.from} → ${e.to} lost (${e.why}) ${json(e.msg).replace(/\s+/g, " ")}`;
    case "duplicate":
      return `#${e.id} ${e.from} → ${e.to} duplicated by the network`;
    case "timer":
      return `${e.node}: timer "${e.name}" fires`;
    case "crash":
    case "restart":
    case "pause":
    case "resume":
      return `${e.node} ${{ crash: "crashed", restart: "restarted", pause: "paused", resume: "resumed" }[e.k]}`;
    case "output":
      return `${e.node} outputs ${json(e.value).replace(/\s+/g, " ")}`;
    case "log":
      return `${e.node} logs: ${e.text}`;
    case "fault":
      return `fault: ${describeOp(e.op)}${e.note ? ` (${e.note})` : ""}`;
    case "error":
      return `${e.node}: ${e.message}`;
  }
}

function nodesOfEvent(e: TraceEvent): string[] {
  if ("node" in e) return [e.node];
  if ("from" in e) return [e.from, e.to];
  return [];
}

interface Shade {
  kind: "crash" | "pause" | "partition";
  node?: string;
  from: number;
  to: number;
  label: string;
}

export interface TraceSvg {
  svg: string;
  /** Lanes drawn, in order. */
  nodes: string[];
  /** Arrows drawn: one per delivery or loss of a message. */
  messages: number;
  types: string[];
}

/** The diagram alone: rows are events (in order), lanes are nodes. */
export function traceSvg(events: readonly TraceEvent[], nodeOrder: readonly string[] = [], opts: { violationRow?: number } = {}): TraceSvg {
  const nodes = [...nodeOrder];
  for (const e of events) for (const n of nodesOfEvent(e)) if (n !== "-" && !nodes.includes(n)) nodes.push(n);
  const x = (n: string) => LEFT + LANE / 2 + nodes.indexOf(n) * LANE;
  const y = (row: number) => TOP + row * ROW + ROW / 2;
  const width = LEFT + nodes.length * LANE + 20;
  const height = TOP + events.length * ROW + 20;

  const types: string[] = [];
  const colour = (t: string) => {
    if (!types.includes(t)) types.push(t);
    return PALETTE[types.indexOf(t) % PALETTE.length]!;
  };

  // Shaded intervals: crashes and pauses per lane, partitions across lanes.
  const shades: Shade[] = [];
  const openCrash = new Map<string, Shade>();
  const openPause = new Map<string, Shade>();
  let openPart: Shade | null = null;
  events.forEach((e, row) => {
    if (e.k === "crash") openCrash.set(e.node, { kind: "crash", node: e.node, from: row, to: events.length - 1, label: `${e.node} down` });
    if (e.k === "restart" && openCrash.has(e.node)) shades.push({ ...openCrash.get(e.node)!, to: row }), openCrash.delete(e.node);
    if (e.k === "pause") openPause.set(e.node, { kind: "pause", node: e.node, from: row, to: events.length - 1, label: `${e.node} paused` });
    if (e.k === "resume" && openPause.has(e.node)) shades.push({ ...openPause.get(e.node)!, to: row }), openPause.delete(e.node);
    if (e.k === "fault" && (e.op.op === "partition" || e.op.op === "partition-oneway" || e.op.op === "isolate")) {
      if (openPart) shades.push({ ...openPart, to: row });
      openPart = { kind: "partition", from: row, to: events.length - 1, label: describeOp(e.op) };
    }
    if (e.k === "fault" && e.op.op === "heal" && openPart) shades.push({ ...openPart, to: row }), (openPart = null);
  });
  shades.push(...openCrash.values(), ...openPause.values());
  if (openPart) shades.push(openPart);

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" id="diagram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="space-time diagram of ${nodes.length} nodes">`);
  parts.push(`<defs>${PALETTE.map((c, i) => `<marker id="arrow${i}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`).join("")}<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#9ab" stroke-width="2"/></pattern></defs>`);

  for (const sh of shades) {
    const y0 = y(sh.from) - ROW / 2;
    const h = (sh.to - sh.from + 1) * ROW;
    if (sh.kind === "partition") {
      parts.push(`<g class="shade partition" data-from="${sh.from}" data-to="${sh.to}"><rect x="${LEFT}" y="${y0}" width="${nodes.length * LANE}" height="${h}" fill="#ffb74d" fill-opacity="0.16"/><text x="${LEFT + 4}" y="${y0 + 12}" class="shade-label">${esc(sh.label)}</text><title>${esc(sh.label)}</title></g>`);
    } else {
      const cx = x(sh.node!);
      parts.push(`<g class="shade ${sh.kind}" data-node="${esc(sh.node!)}"><rect x="${cx - LANE / 2 + 8}" y="${y0}" width="${LANE - 16}" height="${h}" fill="${sh.kind === "crash" ? "#777" : "url(#hatch)"}" fill-opacity="${sh.kind === "crash" ? 0.22 : 0.5}"/><title>${esc(sh.label)}</title></g>`);
    }
  }

  // Time axis and lanes.
  parts.push(`<text x="6" y="${TOP - 24}" class="axis">t (ms)</text>`);
  nodes.forEach((n) => {
    parts.push(`<g class="lane" data-node="${esc(n)}"><text x="${x(n)}" y="${TOP - 24}" text-anchor="middle" class="lane-label">${esc(n)}</text><line x1="${x(n)}" y1="${TOP - 12}" x2="${x(n)}" y2="${height - 10}" stroke="#333" stroke-width="1.4"/></g>`);
  });
  let lastT = NaN;
  events.forEach((e, row) => {
    if (e.t !== lastT) parts.push(`<text x="${LEFT - 8}" y="${y(row) + 4}" text-anchor="end" class="time">${fmtT(e.t)}</text>`);
    lastT = e.t;
  });

  // Messages: one arrow per delivery or loss, from the row of its send.
  const sentRow = new Map<number, number>();
  const arrivals = new Map<number, number>();
  let messages = 0;
  events.forEach((e, row) => {
    if (e.k === "send") sentRow.set(e.id, row);
    if (e.k !== "deliver" && e.k !== "drop") return;
    messages++;
    const copy = (arrivals.get(e.id) ?? 0) + 1;
    arrivals.set(e.id, copy);
    const type = messageType(e.msg);
    const c = colour(type);
    const ci = types.indexOf(type) % PALETTE.length;
    const from = sentRow.get(e.id);
    const x1 = x(e.from);
    const y1 = from === undefined ? TOP - 8 : y(from);
    const x2 = x(e.to);
    const y2 = y(row);
    const lost = e.k === "drop";
    const dup = copy > 1;
    const cls = ["msg", lost ? "lost" : "", dup ? "dup" : "", e.k === "deliver" && e.corrupted ? "corrupted" : ""].filter(Boolean).join(" ");
    const detail = `${describeEvent(e)}\nsent at t=${fmtT(e.sentAt)}, ${lost ? "lost" : "arrived"} at t=${fmtT(e.t)}${dup ? ` (copy ${copy})` : ""}\n${json(e.msg)}`;
    let line: string;
    if (x1 === x2) {
      // A message to itself: a small loop.
      line = `<path d="M${x1},${y1} C${x1 + 40},${y1} ${x2 + 40},${y2} ${x2 + 2},${y2}" fill="none" stroke="${c}" stroke-width="1.6"${lost ? ' stroke-dasharray="4 3"' : ""}${lost ? "" : ` marker-end="url(#arrow${ci})"`}/>`;
    } else if (lost) {
      // Lost: the arrow stops short, ends in a cross.
      const mx = x1 + (x2 - x1) * 0.6;
      const my = y1 + (y2 - y1) * 0.6;
      line = `<line x1="${x1}" y1="${y1}" x2="${mx}" y2="${my}" stroke="${c}" stroke-width="1.6" stroke-dasharray="4 3"/><text x="${mx}" y="${my + 5}" text-anchor="middle" class="lost-mark">✕</text>`;
    } else {
      line = `<line x1="${x1}" y1="${y1}" x2="${x2 + (x2 > x1 ? -3 : 3)}" y2="${y2}" stroke="${c}" stroke-width="1.6"${dup ? ' stroke-dasharray="7 2 1 2"' : ""} marker-end="url(#arrow${ci})"/>`;
    }
    const lx = (x1 + x2) / 2;
    const ly = (y1 + y2) / 2 - 3;
    const label = `${type}${dup ? " ×" + copy : ""}`;
    parts.push(`<g class="${cls}" data-id="${e.id}" data-row="${row}" data-type="${esc(type)}" data-detail="${esc(detail)}">${line}<text x="${lx}" y="${ly}" text-anchor="middle" class="msg-label" fill="${c}">${esc(label)}</text><title>${esc(detail)}</title></g>`);
  });

  // Point events on lanes.
  events.forEach((e, row) => {
    const detail = `t=${fmtT(e.t)} ${describeEvent(e)}`;
    const mark = (node: string, glyph: string, cls: string) =>
      parts.push(`<g class="ev ${cls}" data-row="${row}" data-detail="${esc(detail)}"><text x="${x(node)}" y="${y(row) + 5}" text-anchor="middle">${glyph}</text><title>${esc(detail)}</title></g>`);
    switch (e.k) {
      case "start":
        return mark(e.node, "▶", "start");
      case "timer":
        return mark(e.node, "○", "timer");
      case "crash":
        return mark(e.node, "✖", "crash");
      case "restart":
        return mark(e.node, "↺", "restart");
      case "pause":
        return mark(e.node, "‖", "pause");
      case "resume":
        return mark(e.node, "▷", "resume");
      case "output":
        return mark(e.node, "◉", "output");
      case "log":
        return mark(e.node, "·", "log");
      case "error":
        return e.node !== "-" && nodes.includes(e.node) ? mark(e.node, "!", "error") : undefined;
      case "duplicate":
        return mark(e.from, "×2", "duplicate");
      case "fault":
        return parts.push(`<g class="ev fault" data-row="${row}" data-detail="${esc(detail)}"><line x1="${LEFT}" y1="${y(row)}" x2="${LEFT + nodes.length * LANE}" y2="${y(row)}" stroke="#e65100" stroke-dasharray="2 3"/><title>${esc(detail)}</title></g>`);
      default:
        return undefined;
    }
  });
  if (opts.violationRow !== undefined && opts.violationRow >= 0) {
    const vy = y(opts.violationRow) + ROW / 2;
    parts.push(`<g class="violation" data-row="${opts.violationRow}"><line x1="${LEFT - 60}" y1="${vy}" x2="${LEFT + nodes.length * LANE}" y2="${vy}" stroke="#b00020" stroke-width="2"/><text x="${LEFT + nodes.length * LANE - 4}" y="${vy - 4}" text-anchor="end" class="violation-label">property violated here</text></g>`);
  }
  parts.push("</svg>");
  return { svg: parts.join("\n"), nodes, messages, types };
}

const CSS = `
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; }
body { margin: 0; }
header { padding: 12px 20px; border-bottom: 1px solid #ddd; background: #fafafa; }
h1 { font-size: 18px; margin: 0 0 4px; }
.status-pass { color: #1b7f3b; } .status-fail, .status-error { color: #b00020; } .status-not-started { color: #777; }
.failure { white-space: pre-wrap; background: #fff3f3; border-left: 4px solid #b00020; padding: 8px 12px; margin: 8px 0 0; font-family: ui-monospace, monospace; font-size: 13px; }
.meta { color: #555; font-size: 13px; }
main { display: flex; gap: 16px; padding: 12px 20px; align-items: flex-start; }
.diagram { overflow: auto; max-height: 85vh; border: 1px solid #ddd; flex: 0 1 auto; }
.side { flex: 1 1 420px; min-width: 320px; }
#details { white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; background: #f6f8fa; border: 1px solid #ddd; padding: 8px; min-height: 4em; position: sticky; top: 0; }
.events { max-height: 60vh; overflow: auto; border: 1px solid #ddd; margin-top: 8px; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
td.t { text-align: right; font-variant-numeric: tabular-nums; }
tr.hl { background: #fff59d; }
tr.k-drop td, tr.k-error td { color: #b00020; } tr.k-fault td { color: #e65100; }
.legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
.legend i { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin-right: 4px; }
svg text { font-size: 11px; }
svg .lane-label { font-size: 13px; font-weight: 600; }
svg .time { fill: #666; font-variant-numeric: tabular-nums; }
svg .axis { fill: #666; }
svg .msg-label { font-size: 10px; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .lost-mark { fill: #b00020; font-size: 14px; font-weight: 700; }
svg .shade-label { fill: #e65100; font-size: 10px; }
svg .violation-label { fill: #b00020; font-size: 11px; font-weight: 700; }
tr.violation td { border-bottom: 2px solid #b00020; font-weight: 600; }
svg .ev.error text { fill: #b00020; font-weight: 700; font-size: 14px; }
svg .ev.crash text { fill: #b00020; }
svg g.msg:hover line, svg g.msg:hover path { stroke-width: 3.5; }
svg g.hl line, svg g.hl path { stroke-width: 3.5; }
`;

const SCRIPT = `
(function () {
  var details = document.getElementById("details");
  var last = null;
  var recorded = document.getElementById("states");
  var st = recorded ? JSON.parse(recorded.textContent) : null;
  // Node fields and timers just after event \`row\` (when the replay recorded them).
  function statesAt(row) {
    if (!st || row === null) return "";
    var done = st.first + Number(row) + 1, latest = {};
    st.states.forEach(function (s) { if (s.at <= done) latest[s.node] = s; });
    var lines = Object.keys(latest).map(function (n) {
      var s = latest[n];
      return n + (s.state === null ? " down" : " " + JSON.stringify(s.state)) + (s.timers.length ? "  timers: " + s.timers.join(", ") : "");
    });
    return lines.length ? "\\n\\nnodes after this event:\\n" + lines.join("\\n") : "";
  }
  function show(el) {
    if (last) last.classList.remove("hl");
    var row = el.getAttribute("data-row");
    details.textContent = el.getAttribute("data-detail") + statesAt(row);
    var tr = row === null ? null : document.getElementById("row-" + row);
    if (tr) { tr.classList.add("hl"); tr.scrollIntoView({ block: "nearest" }); last = tr; }
  }
  document.querySelectorAll("#diagram [data-detail]").forEach(function (el) {
    el.addEventListener("mouseenter", function () { show(el); });
  });
  document.querySelectorAll("tr[data-row]").forEach(function (tr) {
    tr.addEventListener("mouseenter", function () {
      details.textContent = tr.getAttribute("data-detail") + statesAt(tr.getAttribute("data-row"));
      document.querySelectorAll("#diagram .hl").forEach(function (g) { g.classList.remove("hl"); });
      document.querySelectorAll('#diagram g.msg[data-row="' + tr.getAttribute("data-row") + '"]').forEach(function (g) { g.classList.add("hl"); });
    });
  });
})();
`;

/** A page's start, up to the body: a self-contained document's head with its styles inline. */
export function pageHead(title: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${css}</style>
</head>`;
}

/** The whole page. */
export function traceToHtml(input: TraceHtmlInput): string {
  const { trace } = input;
  const max = input.maxEvents ?? 3000;
  const events = trace.events.slice(-max);
  const violationRow = trace.violationAt === undefined ? undefined : lastIndexAtOrBefore(events, trace.violationAt);
  const d = traceSvg(events, trace.nodes, { violationRow });
  const first = trace.total - events.length;
  const status = input.status ?? "";
  const rows = events
    .map((e, i) => {
      const detail = `t=${fmtT(e.t)} ${describeEvent(e)}`;
      return `<tr id="row-${i}" data-row="${i}" class="k-${e.k}${i === violationRow ? " violation" : ""}" data-detail="${esc(detail)}"><td class="t">${first + i + 1}</td><td class="t">${fmtT(e.t)}</td><td>${esc(e.k)}</td><td>${esc(nodesOfEvent(e).join(" → "))}</td><td>${esc(clip(describeEvent(e), 160))}</td></tr>`;
    })
    .join("\n");
  const legend = d.types.map((t, i) => `<span><i style="background:${PALETTE[i % PALETTE.length]}"></i>${esc(t)}</span>`).join("") + `<span>- - ✕ lost</span><span>-·- duplicate copy</span><span style="background:#ffb74d55">partition</span><span style="background:#7773">crashed</span>`;
  return `${pageHead(`${input.title} — faultline trace`, CSS + (input.histories?.length ? HISTORY_CSS : ""))}
<body>
<header>
<h1>${esc(input.title)}${status ? ` <span class="status-${esc(status)}">${esc(status)}</span>` : ""}</h1>
<div class="meta">seed ${trace.seed} · ${d.nodes.length} nodes · ${d.messages} messages · ${events.length === trace.total ? `${trace.total} events` : `last ${events.length} of ${trace.total} events`} · trace hash ${esc(trace.hash)}</div>
${input.failure ? `<div class="failure" id="failure">${esc(input.failure.message)}${input.failure.replay ? `\n\nreplay: ${esc(input.failure.replay)}` : ""}</div>` : ""}
<div class="legend">${legend}</div>
</header>
${input.histories?.length ? `<div id="history-details">Hover over an operation of the history for details.</div>\n${input.histories.map((p, i) => historySection(p, i)).join("\n")}\n` : ""}<main>
<div class="diagram">
${d.svg}
</div>
<div class="side">
<div id="details">Hover over an arrow, a mark or a table row for details.</div>
<div class="events"><table id="events"><thead><tr><th>#</th><th>t (ms)</th><th>kind</th><th>nodes</th><th>what happened</th></tr></thead><tbody>
${rows}
</tbody></table></div>
</div>
</main>
${trace.states?.length ? `<script id="states" type="application/json">${JSON.stringify({ first, states: trace.states }).replace(/</g, "\\u003c")}</script>\n` : ""}<script>${SCRIPT}${input.histories?.length ? HISTORY_SCRIPT : ""}</script>
</body>
</html>
`;
}

function lastIndexAtOrBefore(events: readonly TraceEvent[], t: number): number {
  let i = -1;
  events.forEach((e, k) => {
    if (e.t <= t) i = k;
  });
  return i;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}
