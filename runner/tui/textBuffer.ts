// The text of the reader's inline cell editor: lines and a cursor, changed by
// pure functions (so the editor's keys are easy to test and to reason about).

export interface TextBuffer {
  readonly lines: readonly string[];
  readonly row: number;
  readonly col: number;
}

export function bufferOf(text: string): TextBuffer {
  const lines = text.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
  return { lines, row: 0, col: 0 };
}

export function textOf(b: TextBuffer): string {
  return b.lines.join("\n") + "\n";
}

const clampCol = (b: TextBuffer, row: number, col: number): TextBuffer => ({ ...b, row, col: Math.max(0, Math.min(col, b.lines[row]!.length)) });

export function insert(b: TextBuffer, text: string): TextBuffer {
  const parts = text.split("\n");
  const line = b.lines[b.row]!;
  const before = line.slice(0, b.col);
  const after = line.slice(b.col);
  const inserted = parts.length === 1 ? [before + parts[0]! + after] : [before + parts[0]!, ...parts.slice(1, -1), parts.at(-1)! + after];
  const lines = [...b.lines.slice(0, b.row), ...inserted, ...b.lines.slice(b.row + 1)];
  const row = b.row + parts.length - 1;
  const col = parts.length === 1 ? b.col + text.length : parts.at(-1)!.length;
  return { lines, row, col };
}

/** Enter: a new line, indented like the one it splits. */
export function newline(b: TextBuffer): TextBuffer {
  const indent = /^\s*/.exec(b.lines[b.row]!.slice(0, b.col))![0];
  return insert(b, "\n" + indent);
}

export function backspace(b: TextBuffer): TextBuffer {
  if (b.col > 0) {
    const line = b.lines[b.row]!;
    return { lines: [...b.lines.slice(0, b.row), line.slice(0, b.col - 1) + line.slice(b.col), ...b.lines.slice(b.row + 1)], row: b.row, col: b.col - 1 };
  }
  if (b.row === 0) return b;
  const prev = b.lines[b.row - 1]!;
  return { lines: [...b.lines.slice(0, b.row - 1), prev + b.lines[b.row]!, ...b.lines.slice(b.row + 1)], row: b.row - 1, col: prev.length };
}

export function deleteForward(b: TextBuffer): TextBuffer {
  const line = b.lines[b.row]!;
  if (b.col < line.length) return { ...b, lines: [...b.lines.slice(0, b.row), line.slice(0, b.col) + line.slice(b.col + 1), ...b.lines.slice(b.row + 1)] };
  if (b.row === b.lines.length - 1) return b;
  return { ...b, lines: [...b.lines.slice(0, b.row), line + b.lines[b.row + 1]!, ...b.lines.slice(b.row + 2)] };
}

export function move(b: TextBuffer, dir: "up" | "down" | "left" | "right" | "home" | "end"): TextBuffer {
  switch (dir) {
    case "up":
      return b.row === 0 ? { ...b, col: 0 } : clampCol(b, b.row - 1, b.col);
    case "down":
      return b.row === b.lines.length - 1 ? { ...b, col: b.lines[b.row]!.length } : clampCol(b, b.row + 1, b.col);
    case "left":
      return b.col > 0 ? { ...b, col: b.col - 1 } : b.row > 0 ? { ...b, row: b.row - 1, col: b.lines[b.row - 1]!.length } : b;
    case "right":
      return b.col < b.lines[b.row]!.length ? { ...b, col: b.col + 1 } : b.row < b.lines.length - 1 ? { ...b, row: b.row + 1, col: 0 } : b;
    case "home":
      return { ...b, col: 0 };
    case "end":
      return { ...b, col: b.lines[b.row]!.length };
  }
}
