// The learner's version of a cell against the lesson's, as styled lines for
// the reader (and text for a pipe). When the lesson's cell changed since the
// learner edited it, both changes are shown: what the lesson changed, then
// how the learner's version differs from the lesson's cell now.

import { diffLines } from "diff";
import type { NotebookCell } from "./edits.ts";
import type { Line } from "./text.ts";

/** Unchanged lines shown around a change; longer unchanged runs fold to "⋯". */
const CONTEXT = 2;

function hunkLines(from: string, to: string): Line[] {
  const out: Line[] = [];
  const parts = diffLines(from, to);
  parts.forEach((part, i) => {
    let lines = part.value.replace(/\n$/, "").split("\n");
    const mark = part.added ? "+ " : part.removed ? "- " : "  ";
    const style = part.added ? { color: "green" } : part.removed ? { color: "red" } : { dim: true };
    if (!part.added && !part.removed) {
      const head = i > 0 ? lines.slice(0, CONTEXT) : [];
      const tail = i < parts.length - 1 ? lines.slice(-CONTEXT) : [];
      if (head.length + tail.length < lines.length) {
        for (const l of head) out.push([{ text: mark + l, style }]);
        out.push([{ text: "  ⋯", style: { dim: true } }]);
        lines = tail;
      }
    }
    for (const l of lines) out.push([{ text: mark + l.replace(/\t/g, "  "), style }]);
  });
  return out;
}

/** The diff of an edited cell; empty for a cell the learner has not edited. */
export function cellDiffLines(cell: NotebookCell): Line[] {
  if (!cell.edit) return [];
  const head = (text: string): Line => [{ text, style: { bold: true } }];
  if (!cell.stale) return [head(`cell ${cell.index}: the lesson's version (−) and yours (+)`), ...hunkLines(cell.original, cell.code)];
  return [
    head(`cell ${cell.index}: the lesson changed this cell after you edited it`),
    [{ text: "u takes the lesson's new version (yours is kept); E edits yours, which then counts as an edit of the new one.", style: { dim: true } }],
    [],
    head("What the lesson changed (−, its old version; +, its new one):"),
    ...hunkLines(cell.edit.original, cell.original),
    [],
    head("Yours (+) against the lesson's new version (−):"),
    ...hunkLines(cell.original, cell.code),
  ];
}
