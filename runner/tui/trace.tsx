// The trace viewer (`faultline replay …` on a terminal): step forward and back
// through a replayed run; a space-time diagram of the events up to the cursor;
// each node's status, fields and pending timers at that point and the messages
// in flight; filters by node and message type; jumps to the violation and to
// each fault. The model is runner/grade/traceView.ts; this file only draws.

import { Box, Text, useApp } from "ink";
import { useState } from "react";
import { describeEvent } from "../grade/html.ts";
import { TraceView } from "../grade/traceView.ts";
import type { HistoryPicture } from "../check/historyPicture.ts";
import { HistoryViewer } from "./history.tsx";
import type { TraceWithStates } from "../sim/snapshots.ts";
import { renderDiagram } from "../sim/diagram.ts";
import { textWidth } from "../notebook/layout.ts";
import { Footer, runFullScreen, TitleBar, useKeys, useSize, type KeyHint } from "./lines.tsx";

export interface TraceViewerProps {
  trace: TraceWithStates;
  title: string;
  status?: string;
  failureMessage?: string | null;
  /** Pictures of the clients' history (a linearizability failure): H shows them. */
  histories?: readonly HistoryPicture[];
  width: number;
  height: number;
  onQuit: () => void;
}

export const TRACE_KEYS: KeyHint[] = [
  { key: "↑↓", label: "step" },
  { key: "PgUp/PgDn", label: "±20" },
  { key: "g/G", label: "first/last" },
  { key: "v", label: "violation" },
  { key: "f/F", label: "next/prev fault" },
  { key: "n", label: "node filter" },
  { key: "m", label: "message filter" },
  { key: "c", label: "clear filters" },
  { key: "q", label: "quit" },
];

function clip(s: string, w: number): string {
  if (w <= 0) return "";
  if (textWidth(s) <= w) return s;
  return [...s].slice(0, Math.max(0, w - 1)).join("") + "…";
}

function compact(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? "").replace(/"(\w+)":/g, "$1:");
  } catch {
    return String(v);
  }
}

/** Wraps `s` into lines of `w` columns (hard breaks; JSON has few spaces). */
function hardWrap(s: string, w: number, maxLines: number): string[] {
  const chars = [...s];
  const out: string[] = [];
  for (let i = 0; i < chars.length && out.length < maxLines; i += w) out.push(chars.slice(i, i + w).join(""));
  if (out.length === maxLines && chars.length > w * maxLines) out[maxLines - 1] = clip(out[maxLines - 1]! + "…", w);
  return out;
}

/** The right-hand panel: nodes at the cursor, then messages in flight. */
export function statePanel(view: TraceView, width: number, height: number): string[] {
  const lines: string[] = [];
  lines.push("at this point");
  const nodes = view.nodesAt();
  const perNode = Math.max(1, Math.floor((height * 0.6) / Math.max(1, nodes.length)) - 1);
  for (const n of nodes) {
    const timers = n.timers === null ? "" : n.timers.length ? `  timers: ${n.timers.join(", ")}` : "  no timers";
    lines.push(clip(`${n.node} ${n.status}${timers}`, width));
    if (n.status === "down") continue;
    if (n.state === null) lines.push(clip(view.hasStates ? "  (no fields)" : "  (fields not recorded in this trace)", width));
    else if (Object.keys(n.state).length === 0) lines.push(clip("  (no fields on the node object)", width));
    else for (const l of hardWrap(compact(n.state), width - 2, perNode)) lines.push(`  ${l}`);
  }
  const flying = view.inFlightAt();
  lines.push("");
  lines.push(`in flight (${flying.length})`);
  const room = Math.max(1, height - lines.length);
  for (const m of flying.slice(0, room)) lines.push(clip(`#${m.id} ${m.from}→${m.to} ${m.type}${m.copies > 1 ? ` ×${m.copies}` : ""} sent t=${m.sentAt} ${compact(m.msg)}`, width));
  if (flying.length > room) lines[lines.length - 1] = clip(`… ${flying.length - room + 1} more`, width);
  return lines.slice(0, height);
}

export function TraceViewer(props: TraceViewerProps) {
  const [picture, setPicture] = useState(false);
  // Kept here, so the cursor stays put while the picture is open.
  const [view] = useState(() => new TraceView(props.trace, props.failureMessage ?? null));
  // The history picture takes the whole screen; q there comes back to the trace.
  if (picture && props.histories?.length) return <HistoryViewer pictures={props.histories} title={props.title} width={props.width} height={props.height} onQuit={() => setPicture(false)} />;
  return <TraceScreen {...props} view={view} onPicture={() => setPicture(true)} />;
}

function TraceScreen({ view, title, status, failureMessage, histories, width, height, onQuit, onPicture }: TraceViewerProps & { view: TraceView; onPicture: () => void }) {
  const [, setTick] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  const redraw = (n: string | null = null) => {
    setNote(n);
    setTick((t) => t + 1);
  };

  useKeys((input, key) => {
    if (input === "q" || key.escape) return onQuit();
    if (input === "H" && histories?.length) return onPicture();
    if (key.downArrow || key.rightArrow || input === "j" || input === "l" || input === " ") view.step(1);
    else if (key.upArrow || key.leftArrow || input === "k" || input === "h") view.step(-1);
    else if (key.pageDown) view.step(20);
    else if (key.pageUp) view.step(-20);
    else if (input === "g" || key.home) view.home();
    else if (input === "G" || key.end) view.end();
    else if (input === "v") {
      view.jumpToViolation();
      return redraw(failureMessage ? "the violation" : "the end of the run");
    } else if (input === "f" || input === "F") {
      return redraw(view.jumpToFault(input === "f" ? 1 : -1) ? null : `no ${input === "f" ? "later" : "earlier"} fault`);
    } else if (input === "n") view.cycleNode();
    else if (input === "m") view.cycleType();
    else if (input === "c") view.setFilters({ node: null, type: null });
    else return;
    redraw();
  });

  const bodyH = Math.max(4, height - 5);
  const rightW = width >= 100 ? Math.min(60, Math.floor(width * 0.42)) : 0;
  const leftW = width - rightW - (rightW ? 2 : 0);
  // Sends share rows with other events, so ask for more events than rows; keep the header, then the rows that end at the cursor.
  const [header = "", ...rows] = renderDiagram(view.windowAtCursor(bodyH * 2), { width: leftW, nodes: view.nodes }).split("\n");
  const left = [header, ...rows.slice(Math.max(0, rows.length - (bodyH - 1)))].map((l) => clip(l, leftW));
  const right = rightW ? statePanel(view, rightW, bodyH) : [];
  const f = view.filters;
  const filters = f.node || f.type ? `filter: ${[f.node ? `node ${f.node}` : "", f.type ? `type ${f.type}` : ""].filter(Boolean).join(", ")} (${view.visibleIndices.length} events)` : "all events";
  const e = view.event;

  return (
    <Box flexDirection="column" width={width}>
      <TitleBar left={`replay · ${title}`} right={status ?? ""} width={width} />
      <Text wrap="truncate-end">
        <Text bold>{view.position()}</Text>
        <Text dimColor>{`  ·  ${filters}${note ? `  ·  ${note}` : ""}`}</Text>
      </Text>
      <Box flexDirection="row" height={bodyH}>
        <Box flexDirection="column" width={leftW}>
          {left.map((l, i) => (
            <Text key={i} wrap="truncate-end">
              {l || " "}
            </Text>
          ))}
        </Box>
        {rightW ? (
          <Box flexDirection="column" width={rightW} marginLeft={2}>
            {right.map((l, i) => (
              <Text key={i} wrap="truncate-end" bold={i === 0 || l.startsWith("in flight")} dimColor={l.startsWith("  (")}>
                {l || " "}
              </Text>
            ))}
          </Box>
        ) : null}
      </Box>
      <Text wrap="truncate-end" color="yellow">
        {clip(`▶ ${e ? `t=${e.t} ${describeEvent(e)}` : "no events"}`, width)}
      </Text>
      <Footer keys={histories?.length ? [...TRACE_KEYS.slice(0, -1), { key: "H", label: "history picture" }, TRACE_KEYS.at(-1)!] : TRACE_KEYS} width={width} />
    </Box>
  );
}

function Sized(props: Omit<TraceViewerProps, "width" | "height" | "onQuit">) {
  const { exit } = useApp();
  const size = useSize();
  return <TraceViewer {...props} width={size.width} height={size.height - 1} onQuit={exit} />;
}

/** Opens the viewer full-screen until the user quits. For `replay` on a terminal, and for the watch screen to call on a failure. */
export async function runTraceViewer(props: Omit<TraceViewerProps, "width" | "height" | "onQuit">): Promise<void> {
  await runFullScreen(<Sized {...props} />);
}
