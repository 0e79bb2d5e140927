// `show`: rich output for notebook cells, rendered as text so the same cell
// prints the same thing in the TUI, in `faultline run` and in a pipe.
//
//   import { show } from "faultline/show";
//   show.table([{ detector: "heartbeat", "T_D (ms)": 1200 }]);
//   show.chart({ phi: values }, { title: "phi over time" });
//   show.diagram(sim, { last: 30 });

import * as asciichart from "asciichart";
import { renderDiagram, type Simulation, type TraceEvent } from "../sim/index.ts";

type Cell = string | number | boolean | null | undefined;

/** Columns available: the terminal's, or COLUMNS, or 80. */
export function outputWidth(): number {
  const env = Number(process.env["COLUMNS"]);
  return process.stdout.columns || (Number.isFinite(env) && env > 0 ? env : 80);
}

function cellText(v: Cell): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) >= 100 ? 1 : 3).replace(/\.?0+$/, "");
  return String(v);
}

/** A table as text: header, rule, rows; numbers right-aligned. */
export function renderTable(rows: readonly Record<string, Cell>[] | readonly Cell[][], opts: { columns?: string[]; title?: string } = {}): string {
  const isRecords = rows.length > 0 && !Array.isArray(rows[0]);
  const columns = opts.columns ?? (isRecords ? [...new Set((rows as Record<string, Cell>[]).flatMap((r) => Object.keys(r)))] : []);
  const body: Cell[][] = isRecords ? (rows as Record<string, Cell>[]).map((r) => columns.map((c) => r[c])) : (rows as Cell[][]);
  const header = columns.length ? columns : (body[0] ?? []).map((_, i) => `#${i + 1}`);
  const texts = body.map((r) => r.map(cellText));
  const widths = header.map((h, i) => Math.max(h.length, ...texts.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => body.every((r) => typeof r[i] === "number" || r[i] === null || r[i] === undefined));
  const fmt = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").replace(/\s+$/, "");
  const lines = [fmt(header), widths.map((w) => "─".repeat(w)).join("  "), ...texts.map(fmt)];
  return (opts.title ? [opts.title, ...lines] : lines).join("\n");
}

export interface ChartOptions {
  title?: string;
  /** Rows of the plot (default 10). */
  height?: number;
  /** Caption under the x axis, e.g. "time (s)". */
  xLabel?: string;
}

/** An ASCII line chart of one or more series (asciichart), squeezed to fit the width. */
export function renderChart(series: Readonly<Record<string, readonly number[]>> | readonly number[], opts: ChartOptions = {}): string {
  const named: [string, readonly number[]][] = Array.isArray(series) ? [["", series as readonly number[]]] : Object.entries(series as Record<string, readonly number[]>);
  const width = Math.max(20, outputWidth() - 14);
  const fit = (xs: readonly number[]): number[] => {
    if (xs.length <= width) return xs.map((x) => (Number.isFinite(x) ? x : 0));
    const step = xs.length / width;
    return Array.from({ length: width }, (_, i) => xs[Math.floor(i * step)] ?? 0).map((x) => (Number.isFinite(x) ? x : 0));
  };
  const palette = [asciichart.default, asciichart.blue, asciichart.red, asciichart.green, asciichart.magenta];
  const useColor = Boolean(process.stdout.isTTY) && !("NO_COLOR" in process.env);
  const data = named.map(([, xs]) => fit(xs));
  if (data.every((d) => d.length === 0)) return `${opts.title ? opts.title + "\n" : ""}(no data)`;
  if (!useColor && named.length > 1) {
    // Without colour, overlaid lines are indistinguishable: draw one chart per series instead.
    const parts = named.map(([n, xs]) => renderChart({ [n]: xs }, { ...opts, title: `${opts.title ? opts.title + " — " : ""}${n}`, height: Math.max(3, Math.floor((opts.height ?? 10) / 2)) }));
    return parts.join("\n");
  }
  const plot = asciichart.plot(data, { height: opts.height ?? 10, ...(useColor && named.length > 1 ? { colors: palette.slice(0, named.length) } : {}) });
  const lines: string[] = [];
  if (opts.title) lines.push(opts.title);
  lines.push(plot);
  if (opts.xLabel) lines.push(" ".repeat(12) + opts.xLabel);
  if (named.length > 1) lines.push("legend: " + named.map(([n], i) => asciichart.colored(`── ${n}`, palette[i])).join("   "));
  return lines.join("\n");
}

export interface ShowDiagramOptions {
  /** Only the last N events (default 40). */
  last?: number;
  from?: number;
  to?: number;
  nodes?: string[];
  title?: string;
}

function isSimulation(x: unknown): x is Simulation {
  return typeof x === "object" && x !== null && "trace" in x && "traceHash" in x;
}

export function renderShowDiagram(source: Simulation | readonly TraceEvent[], opts: ShowDiagramOptions = {}): string {
  let events: readonly TraceEvent[] = isSimulation(source) ? source.trace.all() : source;
  if (opts.from !== undefined || opts.to !== undefined) events = events.filter((e) => e.t >= (opts.from ?? -Infinity) && e.t <= (opts.to ?? Infinity));
  events = events.slice(-(opts.last ?? 40));
  const nodes = opts.nodes ?? (isSimulation(source) ? undefined : undefined);
  const d = renderDiagram(events, { width: Math.min(outputWidth(), 120), ...(nodes ? { nodes } : {}) });
  return opts.title ? `${opts.title}\n${d}` : d;
}

const print = (s: string) => process.stdout.write(s + "\n");

export const show = {
  text(...lines: string[]): void {
    print(lines.join("\n"));
  },
  table(rows: readonly Record<string, Cell>[] | readonly Cell[][], opts?: { columns?: string[]; title?: string }): void {
    print(renderTable(rows, opts));
  },
  chart(series: Readonly<Record<string, readonly number[]>> | readonly number[], opts?: ChartOptions): void {
    print(renderChart(series, opts));
  },
  diagram(source: Simulation | readonly TraceEvent[], opts?: ShowDiagramOptions): void {
    print(renderShowDiagram(source, opts));
  },
};
