// The reader's small inline editor for a cell, for when the learner has no
// $VISUAL/$EDITOR (or wants to change a number without leaving the lesson).
// Arrows move, typing inserts, Enter breaks the line (keeping its indent),
// Ctrl-S saves (and the reader reruns the cell), Esc cancels — twice when
// there are changes, so a slip of the finger loses nothing.

import { Box } from "ink";
import { useState } from "react";
import { wrap, type Line } from "../notebook/text.ts";
import { Lines, padLines, useKeys, type KeyHint } from "./lines.tsx";
import { backspace, bufferOf, deleteForward, insert, move, newline, textOf, type TextBuffer } from "./textBuffer.ts";

/** The editor's keys, for the footer while it is open. */
export const CELL_EDITOR_KEYS: KeyHint[] = [
  { key: "Ctrl-S", label: "save & run" },
  { key: "Esc", label: "cancel" },
  { key: "↑↓←→", label: "move" },
  { key: "Home/End", label: "line start/end" },
];

export interface CellEditorProps {
  index: number;
  code: string;
  width: number;
  /** Rows available, header included. */
  height: number;
  /** Shown under the header (e.g. why the inline editor opened). */
  notice?: string | null;
  onSave(code: string): void;
  onCancel(): void;
}

export function CellEditor({ index, code, width, height, notice, onSave, onCancel }: CellEditorProps) {
  const [buf, setBuf] = useState<TextBuffer>(() => bufferOf(code));
  const [top, setTop] = useState(0);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const changed = textOf(buf) !== textOf(bufferOf(code));

  const noticeLines = notice ? wrap([{ text: notice, style: { color: "yellow" } }], width - 1) : [];
  const headRows = 1 + noticeLines.length;
  const rows = Math.max(1, height - headRows - 1);
  const gutter = String(buf.lines.length).length + 3;
  const textW = Math.max(10, width - gutter - 1);

  const edit = (next: TextBuffer) => {
    setConfirmCancel(false);
    setBuf(next);
    setTop((t) => (next.row < t ? next.row : next.row >= t + rows ? next.row - rows + 1 : t));
  };

  useKeys((input, key) => {
    if (key.ctrl && input === "s") return onSave(textOf(buf));
    if (key.escape) {
      if (!changed || confirmCancel) return onCancel();
      return setConfirmCancel(true);
    }
    if (key.upArrow) return edit(move(buf, "up"));
    if (key.downArrow) return edit(move(buf, "down"));
    if (key.leftArrow) return edit(move(buf, "left"));
    if (key.rightArrow) return edit(move(buf, "right"));
    if (key.home || (key.ctrl && input === "a")) return edit(move(buf, "home"));
    if (key.end || (key.ctrl && input === "e")) return edit(move(buf, "end"));
    if (key.return) return edit(newline(buf));
    if (key.tab) return edit(insert(buf, "  "));
    if (key.backspace) return edit(backspace(buf));
    if (key.delete) return edit(deleteForward(buf));
    if (input && !key.ctrl && !key.meta) edit(insert(buf, input.replace(/\r\n?/g, "\n")));
  });

  const lines: Line[] = [];
  lines.push([
    { text: ` editing cell ${index} `, style: { bold: true, inverse: true, color: "cyan" } },
    { text: confirmCancel ? "  Esc again discards your changes · Ctrl-S saves" : "  Ctrl-S save & run · Esc cancel", style: confirmCancel ? { color: "yellow", bold: true } : { dim: true } },
  ]);
  lines.push(...noticeLines);
  // Long lines scroll sideways with the cursor.
  const left = Math.max(0, buf.col - textW + 1);
  buf.lines.slice(top, top + rows).forEach((text, i) => {
    const row = top + i;
    const shown = text.slice(left, left + textW);
    const num: Line[number] = { text: String(row + 1).padStart(gutter - 3) + " │ ", style: { dim: row !== buf.row, color: "cyan" } };
    if (row !== buf.row) return lines.push([num, { text: shown }]);
    const c = buf.col - left;
    lines.push([num, { text: shown.slice(0, c) }, { text: shown[c] ?? " ", style: { inverse: true } }, { text: shown.slice(c + 1) }]);
  });
  const more = buf.lines.length - (top + rows);
  lines.push([{ text: more > 0 ? `  ↓ ${more} more line${more > 1 ? "s" : ""}` : "", style: { dim: true } }]);
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={padLines(lines, height)} />
    </Box>
  );
}
