// The history viewer: the picture of a linearizability check on a terminal
// (`faultline lincheck` on a failing history, `faultline replay` of a raft-kv
// run that failed linearizability). Lanes scroll sideways under fixed client
// names, starting at the point no order gets past; the legend scrolls up and
// down; tab moves between pictures. The picture is runner/check/historyPicture.ts;
// this file only draws.

import { Box, useApp } from "ink";
import { useState } from "react";
import { pictureBlocks, type HistoryPicture, type PictureBlocks } from "../check/historyPicture.ts";
import { splitAt, textWidth, type Line, type Seg } from "../notebook/text.ts";
import { Footer, runFullScreen, StyledLine, TitleBar, useKeys, useSize, type KeyHint } from "./lines.tsx";

export const HISTORY_KEYS: KeyHint[] = [
  { key: "←→", label: "time" },
  { key: "↑↓", label: "scroll" },
  { key: "f", label: "failure" },
  { key: "tab", label: "next picture" },
  { key: "q", label: "quit" },
];

/** Columns [from, from+width) of a styled line. */
export function sliceLine(line: Line, from: number, width: number): Line {
  const out: Seg[] = [];
  let at = 0;
  for (const seg of line) {
    const w = textWidth(seg.text);
    const start = Math.max(from, at);
    const end = Math.min(from + width, at + w);
    if (end > start) {
      const [, tail] = start > at ? splitAt(seg.text, start - at) : ["", seg.text];
      const [head] = splitAt(tail, end - start);
      out.push({ ...seg, text: head });
    }
    at += w;
    if (at >= from + width) break;
  }
  return out;
}

export interface HistoryViewerProps {
  pictures: readonly HistoryPicture[];
  title: string;
  width: number;
  height: number;
  onQuit: () => void;
}

/** Where the lanes start sideways: at the operation the prefix stops at, or else with the point no order gets past two thirds of the way in. */
function startColumn(b: PictureBlocks, width: number): number {
  if (b.frontierCol === null) return 0;
  const room = width - b.margin;
  const byFrontier = b.frontierCol - b.margin - Math.floor((room * 2) / 3);
  return Math.max(0, b.stuckCol !== null && b.frontierCol - b.stuckCol < room - 4 ? Math.min(byFrontier, b.stuckCol - b.margin - 2) : byFrontier);
}

export function HistoryViewer({ pictures, title, width, height, onQuit }: HistoryViewerProps) {
  const [index, setIndex] = useState(0);
  const pic = pictures[index]!;
  const blocks = pictureBlocks(pic, { width });
  const [x, setX] = useState(() => startColumn(blocks, width));
  const [y, setY] = useState(0);
  const laneW = Math.max(10, width - blocks.margin);
  const widest = Math.max(0, ...blocks.lanes.map((l) => l.reduce((n, s) => n + textWidth(s.text), 0) - blocks.margin));
  const body = [...blocks.head, ...blocks.lanes.map((l) => [...sliceLine(l, 0, blocks.margin), ...sliceLine(l, blocks.margin + x, laneW)]), [], ...blocks.legend];
  const bodyH = Math.max(3, height - 3);
  const maxY = Math.max(0, body.length - bodyH);

  useKeys((input, key) => {
    if (input === "q" || key.escape) return onQuit();
    const step = Math.max(4, Math.floor(laneW / 4));
    if (key.rightArrow || input === "l") setX((v) => Math.min(Math.max(0, widest - laneW + 2), v + step));
    else if (key.leftArrow || input === "h") setX((v) => Math.max(0, v - step));
    else if (key.downArrow || input === "j") setY((v) => Math.min(maxY, v + 1));
    else if (key.upArrow || input === "k") setY((v) => Math.max(0, v - 1));
    else if (key.pageDown || input === " ") setY((v) => Math.min(maxY, v + bodyH - 1));
    else if (key.pageUp) setY((v) => Math.max(0, v - bodyH + 1));
    else if (input === "g" || key.home) setY(0);
    else if (input === "G" || key.end) setY(maxY);
    else if (input === "f") setX(startColumn(blocks, width));
    else if (key.tab && pictures.length > 1) {
      const next = (index + 1) % pictures.length;
      const b = pictureBlocks(pictures[next]!, { width });
      setIndex(next);
      setX(startColumn(b, width));
      setY(0);
    }
  });

  const shown = body.slice(y, y + bodyH);
  while (shown.length < bodyH) shown.push([]);
  const where = `${pictures.length > 1 ? `picture ${index + 1} of ${pictures.length} · ` : ""}time from column ${x + 1} of ${widest}`;
  return (
    <Box flexDirection="column" width={width}>
      <TitleBar left={`history · ${title}`} right={where} width={width} />
      {shown.map((l, i) => (
        <StyledLine key={i} line={l} />
      ))}
      <Footer keys={HISTORY_KEYS} width={width} />
    </Box>
  );
}

function Sized(props: Omit<HistoryViewerProps, "width" | "height" | "onQuit">) {
  const { exit } = useApp();
  const size = useSize();
  return <HistoryViewer {...props} width={size.width} height={size.height - 1} onQuit={exit} />;
}

/** Opens the viewer full-screen until the user quits. */
export async function runHistoryViewer(props: Omit<HistoryViewerProps, "width" | "height" | "onQuit">): Promise<void> {
  await runFullScreen(<Sized {...props} />);
}
