// The picture of a linearizability check as HTML (`faultline lincheck --html`,
// and `replay --html` of a raft-kv run that failed linearizability): an SVG
// with a lane per client and a bar per operation on a time axis — the longest
// linearizable prefix in green, numbered in the order it takes effect, the
// operations no order can place in red, the point no order gets past as a red
// line — details on hover, and the prefix as a table with the state after
// each step. Same geometry as the terminal picture (check/historyPicture.ts),
// in pixels. Pure string building, nothing fetched.

import { fateText, pictureGeometry, type HistoryPicture, type PictureOp } from "../check/historyPicture.ts";
import { esc, pageHead } from "./html.ts";

/** Pixels per character column of the shared geometry. */
const COL = 7.2;
const ROW = 26;
const BAR = 18;
const LEFT = 90;
const TOP = 40;

const FILL: Record<PictureOp["fate"], string> = { linearized: "#c8e6c9", unplaceable: "#ffcdd2", unreached: "#eeeeee", other: "#fff8e1" };
const STROKE: Record<PictureOp["fate"], string> = { linearized: "#2e7d32", unplaceable: "#b00020", unreached: "#9e9e9e", other: "#8d6e63" };

export interface HistorySvg {
  svg: string;
  /** Bars drawn (one per operation). */
  bars: number;
  lanes: number;
}

/** The diagram alone. `index` keeps ids unique when a page holds several. */
export function historySvg(pic: HistoryPicture, index = 0): HistorySvg {
  const g = pictureGeometry(pic, Infinity);
  const x = (col: number) => LEFT + col * COL;
  const width = Math.ceil(x(g.right) + 40);
  const height = TOP + g.rows.length * ROW + 24;
  const parts: string[] = [];
  const frontierX = pic.frontier === null ? null : x(g.x.get(pic.frontier)!);
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="history" id="history-${index}"${frontierX === null ? "" : ` data-frontier-x="${frontierX}"`} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="operations of ${esc(pic.title)} per client over time">`);
  parts.push(`<text x="6" y="${TOP - 20}" class="axis">clients · time →</text>`);
  g.rows.forEach((row, r) => {
    const y = TOP + r * ROW;
    parts.push(`<g class="lane" data-client="${esc(row.client)}">${row.first ? `<text x="${LEFT - 8}" y="${y + BAR / 2 + 4}" text-anchor="end" class="lane-label">${esc(row.client)}</text>` : ""}<line x1="${LEFT}" y1="${y + BAR + 3}" x2="${width - 10}" y2="${y + BAR + 3}" stroke="#eee"/></g>`);
    for (const op of row.ops) {
      const x1 = x(g.x.get(op.call)!);
      const x2 = op.ret === null ? x(g.right) : x(g.x.get(op.ret)!);
      const w = Math.max(4, x2 - x1);
      const cls = ["op", op.fate, op.stuck ? "stuck" : "", op.ret === null ? "open" : ""].filter(Boolean).join(" ");
      const when = op.ret === null ? `called at ${op.call}, never answered` : `called at ${op.call}, returned at ${op.ret}`;
      const detail = `#${op.id} ${op.client}: ${op.label}\n${when}\n${fateText(op)}`;
      const text = g.inside.get(op)!;
      const fits = text.length * COL <= w - 6;
      parts.push(
        `<g class="${cls}" data-id="${op.id}" data-order="${op.order ?? ""}" data-detail="${esc(detail)}"><rect x="${x1}" y="${y}" width="${w}" height="${BAR}" rx="3" fill="${FILL[op.fate]}" stroke="${STROKE[op.fate]}" stroke-width="${op.stuck ? 2.5 : 1.2}"${op.ret === null ? ' stroke-dasharray="5 3"' : ""}/>` +
          `<text x="${x1 + 4}" y="${y + BAR / 2 + 4}" class="op-label">${esc(fits ? text : `#${op.id}`)}</text>` +
          (op.order !== null ? `<text x="${x1 + w - 3}" y="${y - 2}" text-anchor="end" class="order">${op.order}</text>` : "") +
          `<title>${esc(detail)}</title></g>`,
      );
    }
  });
  if (frontierX !== null) {
    const fx = frontierX;
    parts.push(`<g class="frontier"><line x1="${fx}" y1="${TOP - 14}" x2="${fx}" y2="${height - 8}" stroke="#b00020" stroke-width="2" stroke-dasharray="6 3"/><text x="${fx + 4}" y="${TOP - 18}" class="frontier-label">no order gets past here</text></g>`);
  }
  parts.push("</svg>");
  return { svg: parts.join("\n"), bars: g.shown.length, lanes: g.rows.length };
}

/** A section for one picture: heading, key, diagram, and the longest prefix with its states. */
export function historySection(pic: HistoryPicture, index = 0): string {
  const d = historySvg(pic, index);
  const verdict = pic.verdict === "not-linearizable" ? "not linearizable" : pic.verdict === "linearizable" ? "linearizable" : "not settled (unknown)";
  const prefix = pic.ops.filter((o) => o.order !== null).sort((a, b) => a.order! - b.order!);
  const stuck = pic.ops.filter((o) => o.fate === "unplaceable" || o.stuck);
  const row = (o: PictureOp, what: string) => `<tr data-id="${o.id}"><td>#${o.id}</td><td>${esc(o.client)}</td><td class="mono">${esc(o.label)}</td><td>${esc(what)}</td></tr>`;
  return `<section class="history-section" id="picture-${index}">
<h2>${esc(pic.title)} <span class="verdict-${esc(pic.verdict)}">${esc(verdict)}</span></h2>
<p class="meta">${pic.ops.length} operations by ${pic.clients.length} clients. ${pic.verdict === "linearizable" ? "The numbers above the bars give an order in which they take effect." : "Green bars are the longest linearizable prefix the search found, numbered in the order they take effect; red ones cannot be placed; after the red line no order got anywhere."} Hover over a bar for details.</p>
<div class="key"><span class="k linearized">${pic.verdict === "linearizable" ? "in the order found" : "in the longest linearizable prefix"}</span>${pic.verdict === "not-linearizable" ? '<span class="k unplaceable">cannot be placed</span><span class="k stuck">the prefix stops here</span><span class="k unreached">not reached</span>' : ""}<span class="k other">not in the prefix</span><span class="k open">never answered</span></div>
<div class="diagram">${d.svg}</div>
${stuck.length ? `<h3>Cannot be placed</h3><table class="stuck-ops"><thead><tr><th>op</th><th>client</th><th>operation</th><th>why</th></tr></thead><tbody>${stuck.map((o) => row(o, fateText(o))).join("")}</tbody></table>` : ""}
<h3>${pic.verdict === "linearizable" ? "An order that works" : "The longest linearizable prefix"} (from ${esc(pic.initialState)})</h3>
<table class="prefix"><thead><tr><th>op</th><th>client</th><th>operation</th><th>state after</th></tr></thead><tbody>${prefix.map((o) => row(o, o.stateAfter ?? "")).join("")}</tbody></table>
</section>`;
}

/** CSS for history sections (also used inside the trace page). */
export const HISTORY_CSS = `
.history-section { padding: 8px 20px 16px; border-bottom: 1px solid #ddd; }
.history-section h2 { font-size: 16px; margin: 8px 0 4px; }
.history-section h3 { font-size: 14px; margin: 12px 0 4px; }
.verdict-not-linearizable { color: #b00020; } .verdict-linearizable { color: #1b7f3b; } .verdict-unknown { color: #777; }
.history-section .diagram { overflow: auto; max-height: 70vh; border: 1px solid #ddd; }
.history-section table { border-collapse: collapse; font-size: 12px; }
.history-section td, .history-section th { text-align: left; padding: 2px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
.mono, svg.history text.op-label { font-family: ui-monospace, monospace; }
svg.history text { font-size: 11px; }
svg.history .lane-label { font-size: 12px; font-weight: 600; }
svg.history .axis { fill: #666; }
svg.history .order { fill: #2e7d32; font-size: 9px; }
svg.history .frontier-label { fill: #b00020; font-weight: 700; }
svg.history g.op:hover rect, svg.history g.op.hl rect { stroke-width: 3; }
.key .k { display: inline-block; margin-right: 12px; font-size: 12px; padding: 0 6px; border: 1px solid; border-radius: 3px; }
.key .linearized { background: ${FILL.linearized}; border-color: ${STROKE.linearized}; }
.key .unplaceable { background: ${FILL.unplaceable}; border-color: ${STROKE.unplaceable}; }
.key .stuck { background: ${FILL.unplaceable}; border: 2.5px solid ${STROKE.unplaceable}; }
.key .unreached { background: ${FILL.unreached}; border-color: ${STROKE.unreached}; }
.key .other { background: ${FILL.other}; border-color: ${STROKE.other}; }
.key .open { border-style: dashed; }
#history-details { white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 12px; background: #f6f8fa; border: 1px solid #ddd; padding: 8px; min-height: 3.5em; margin: 8px 0; }
`;

/** Shows a bar's details on hover and highlights its table rows. */
export const HISTORY_SCRIPT = `
(function () {
  // Open each picture at the point no order gets past.
  document.querySelectorAll("svg.history[data-frontier-x]").forEach(function (svg) {
    var box = svg.parentNode;
    box.scrollLeft = Math.max(0, Number(svg.getAttribute("data-frontier-x")) - box.clientWidth * 2 / 3);
  });
  var details = document.getElementById("history-details");
  if (!details) return;
  document.querySelectorAll("svg.history g.op").forEach(function (g) {
    g.addEventListener("mouseenter", function () {
      details.textContent = g.getAttribute("data-detail");
      document.querySelectorAll(".history-section tr.hl, svg.history g.hl").forEach(function (e) { e.classList.remove("hl"); });
      g.classList.add("hl");
      var section = g.closest(".history-section");
      section.querySelectorAll('tr[data-id="' + g.getAttribute("data-id") + '"]').forEach(function (tr) { tr.classList.add("hl"); });
    });
  });
})();
`;

/** A whole page of pictures (`faultline lincheck --html`). */
export function historyPageHtml(input: { title: string; pictures: readonly HistoryPicture[]; notes?: readonly string[] }): string {
  const css = `:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; }
body { margin: 0; }
header { padding: 12px 20px; border-bottom: 1px solid #ddd; background: #fafafa; position: sticky; top: 0; z-index: 1; }
h1 { font-size: 18px; margin: 0 0 4px; }
.meta { color: #555; font-size: 13px; }
tr.hl { background: #fff59d; }
${HISTORY_CSS}
`;
  return `${pageHead(`${input.title} — faultline lincheck`, css)}
<body>
<header>
<h1>${esc(input.title)}</h1>
${(input.notes ?? []).map((n) => `<div class="meta">${esc(n)}</div>`).join("\n")}
<div id="history-details">Hover over an operation for details.</div>
</header>
${input.pictures.map((p, i) => historySection(p, i)).join("\n")}
<script>${HISTORY_SCRIPT}</script>
</body>
</html>
`;
}
