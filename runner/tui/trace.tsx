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
import type { TraceEvent } from "../sim/trace.ts";
import { Footer, footerHeight, runFullScreen, TitleBar, useKeys, useSize, type KeyHint } from "./lines.tsx";

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
  { key: "s", label: "node state" },
  { key: "d", label: "whole event" },
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

/** Wraps `s` into lines of `w` columns, breaking after commas and spaces where it can (JSON has few spaces). */
export function wrapText(s: string, w: number, maxLines = Number.POSITIVE_INFINITY): string[] {
  const width = Math.max(1, w);
  const out: string[] = [];
  let rest = [...s];
  while (rest.length && out.length < maxLines) {
    if (rest.length <= width) {
      out.push(rest.join(""));
      rest = [];
      break;
    }
    let cut = width;
    for (let i = width; i > width / 2; i--) {
      const c = rest[i - 1];
      if (c === "," || c === " ") {
        cut = i;
        break;
      }
    }
    out.push(rest.slice(0, cut).join("").replace(/ +$/, ""));
    rest = rest.slice(cut);
    while (rest[0] === " ") rest.shift();
  }
  if (rest.length && out.length) out[out.length - 1] = clip(out[out.length - 1]! + "…", width);
  return out;
}

/**
 * The node-state pane: each node at the cursor (status, timers, its fields),
 * then the messages in flight. Nodes come first and share the room; in-flight
 * messages get what is left (at least a line saying how many there are).
 */
export function statePanel(view: TraceView, width: number, height: number): string[] {
  const lines: string[] = ["at this point"];
  const nodes = view.nodesAt();
  const flying = view.inFlightAt();
  const forNodes = Math.max(nodes.length, height - 1 - Math.min(3, 1 + flying.length));
  const perNode = Math.max(1, Math.floor(forNodes / Math.max(1, nodes.length)));
  for (const n of nodes) {
    const timers = n.timers === null ? "" : n.timers.length ? `  timers: ${n.timers.join(", ")}` : "  no timers";
    const head = `${n.node} ${n.status}${timers}`;
    if (n.status === "down") {
      lines.push(clip(head, width));
      continue;
    }
    const fields = n.state === null ? (view.hasStates ? "(no fields)" : "(fields not recorded in this trace)") : Object.keys(n.state).length === 0 ? "(no fields on the node object)" : compact(n.state);
    if (perNode === 1) lines.push(clip(`${head}  ${fields}`, width));
    else {
      lines.push(clip(head, width));
      for (const l of wrapText(fields, width - 2, perNode - 1)) lines.push(`  ${l}`);
    }
  }
  lines.push(`in flight (${flying.length})`);
  const room = Math.max(0, height - lines.length);
  for (const m of flying.slice(0, room)) lines.push(clip(`#${m.id} ${m.from}→${m.to} ${m.type}${m.copies > 1 ? ` ×${m.copies}` : ""} sent t=${m.sentAt} ${compact(m.msg)}`, width));
  if (flying.length > room && room > 0) lines[lines.length - 1] = clip(`… ${flying.length - room + 1} more`, width);
  return lines.slice(0, height);
}

/** The selected event: what happened, message contents included, wrapped to the width (`whole`: every field of the record too). */
export function eventDetail(e: TraceEvent | undefined, width: number, whole = false): string[] {
  if (!e) return ["no events"];
  const lines = wrapText(`t=${e.t} ${describeEvent(e)}`, width);
  if (!whole) return lines;
  const record = (JSON.stringify(e, null, 2) ?? "").split("\n").flatMap((l) => wrapText(l, width));
  return [...lines, "", "the event as recorded:", ...record];
}

/** From this width the node-state pane sits beside the diagram; below it on narrower screens. */
const SIDE_BY_SIDE = 100;

function leftWidthFor(width: number, showState: boolean): number {
  return showState && width >= SIDE_BY_SIDE ? width - Math.min(60, Math.floor(width * 0.42)) - 2 : width;
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
  // The node-state pane is on unless the learner hides it (s); d shows the whole selected event instead of the diagram.
  const [showState, setShowState] = useState(true);
  const [whole, setWhole] = useState(false);
  const redraw = (n: string | null = null) => {
    setNote(n);
    setTick((t) => t + 1);
  };

  useKeys((input, key) => {
    if (input === "q" || key.escape) {
      if (!whole) return onQuit();
      setWhole(false);
      return redraw();
    }
    if (input === "H" && histories?.length) return onPicture();
    if (key.downArrow || key.rightArrow || input === "j" || input === "l" || input === " ") view.step(1);
    else if (key.upArrow || key.leftArrow || input === "k" || input === "h") view.step(-1);
    else if (key.pageDown) view.step(20);
    else if (key.pageUp) view.step(-20);
    else if (input === "g" || key.home) view.home();
    else if (input === "G" || key.end) view.end();
    else if (input === "v") {
      view.jumpToViolation();
      return redraw(failureMessage ? (view.knowsViolation ? "the event that broke the property" : "the end of the run, where the property was checked") : "the end of the run");
    } else if (input === "f" || input === "F") {
      return redraw(view.jumpToFault(input === "f" ? 1 : -1) ? null : `no ${input === "f" ? "later" : "earlier"} fault`);
    } else if (input === "s") {
      setShowState((x) => !x);
      return redraw(showState ? "state hidden (s)" : null);
    } else if (input === "d") setWhole((x) => !x);
    else if (input === "n") view.cycleNode();
    else if (input === "m") view.cycleType();
    else if (input === "c") view.setFilters({ node: null, type: null });
    else return;
    redraw();
  });

  const e = view.event;
  // The selected event, wrapped whole under the diagram (up to a fifth of the screen; d shows all of it).
  const detailAll = eventDetail(e, width - 2);
  const wholeEvent = whole ? eventDetail(e, leftWidthFor(width, showState), true) : [];
  const detailRoom = Math.max(2, Math.floor(height / 5));
  const detail = whole ? [] : detailAll.length <= detailRoom ? detailAll : [...detailAll.slice(0, detailRoom - 1), clip(`${detailAll[detailRoom - 1]}`, width - 2 - 16) + " … d: all of it"];
  const keys = histories?.length ? [...TRACE_KEYS.slice(0, -1), { key: "H", label: "history picture" }, TRACE_KEYS.at(-1)!] : TRACE_KEYS;
  const bodyH = Math.max(4, height - 2 - detail.length - footerHeight(keys, width));
  // Beside the diagram when there is room (≥ 100 columns), else below it.
  const side = showState && width >= SIDE_BY_SIDE;
  const below = showState && !side;
  const leftW = leftWidthFor(width, showState);
  const rightW = side ? width - leftW - 2 : 0;
  const diagramH = below ? Math.max(3, Math.ceil(bodyH / 2)) : bodyH;
  const stateH = below ? bodyH - diagramH : bodyH;
  let left: string[];
  if (whole) left = [clip("the whole event (d: back to the diagram)", leftW), ...wholeEvent.map((l) => clip(l, leftW))].slice(0, diagramH);
  else {
    // Sends share rows with other events, so ask for more events than rows; keep the header, then the rows that end at the cursor.
    const [header = "", ...rows] = renderDiagram(view.windowAtCursor(diagramH * 2), { width: leftW, nodes: view.nodes }).split("\n");
    left = [header, ...rows.slice(Math.max(0, rows.length - (diagramH - 1)))].map((l) => clip(l, leftW));
  }
  const right = showState ? statePanel(view, side ? rightW : width, stateH) : [];
  const f = view.filters;
  const filters = f.node || f.type ? `filter: ${[f.node ? `node ${f.node}` : "", f.type ? `type ${f.type}` : ""].filter(Boolean).join(", ")} (${view.visibleIndices.length} events)` : "all events";
  const pane = (lines: string[], w: number) =>
    lines.map((l, i) => (
      <Text key={i} wrap="truncate-end" bold={i === 0 || l.startsWith("in flight")} dimColor={/ \((no fields|fields not recorded)/.test(l)}>
        {clip(l, w) || " "}
      </Text>
    ));

  return (
    <Box flexDirection="column" width={width}>
      <TitleBar left={`replay · ${title}`} right={status ?? ""} width={width} />
      <Text wrap="truncate-end">
        {/* A key's answer first: at 80 columns a long position would push it off the line. */}
        {note ? <Text color="yellow">{`${note}  ·  `}</Text> : null}
        <Text bold>{view.position()}</Text>
        <Text dimColor>{`  ·  ${filters}`}</Text>
      </Text>
      <Box flexDirection={side ? "row" : "column"} height={bodyH}>
        <Box flexDirection="column" width={leftW} height={diagramH}>
          {left.map((l, i) => (
            <Text key={i} wrap="truncate-end">
              {l || " "}
            </Text>
          ))}
        </Box>
        {showState ? (
          <Box flexDirection="column" width={side ? rightW : width} marginLeft={side ? 2 : 0} height={stateH}>
            {pane(right, side ? rightW : width)}
          </Box>
        ) : null}
      </Box>
      {detail.map((l, i) => (
        <Text key={i} wrap="truncate-end" color="yellow">
          {(i === 0 ? "▶ " : "  ") + l}
        </Text>
      ))}
      <Footer keys={keys} width={width} />
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
