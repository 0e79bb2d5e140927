// Lays a lesson out as styled lines for a given width: the one layout behind
// the TUI reader (which scrolls a window over the lines) and the plain text of
// `faultline lesson --plain` (which prints them). Wrapping happens here, so a
// narrow terminal wraps instead of breaking. Pure: no I/O, no terminal.

import { plainText, type Block, type LessonDocument, type Quiz, type Span } from "./document.ts";
import { highlightLines, scopeColor } from "./highlight.ts";
import { lineWidth, splitAt, textWidth, wrap, type Line, type Seg, type Style } from "./text.ts";

export { lineText, lineWidth, osc8, renderLine, supportsHyperlinks, textWidth, wrap, type Line, type Seg, type Style } from "./text.ts";

/** Lines [start, end) of a cell or a quiz, for selection and scrolling. */
export interface Region {
  kind: "cell" | "quiz";
  index: number;
  start: number;
  end: number;
  /** A cell's output header line, once it has output. */
  output?: number;
}

export interface Heading {
  level: number;
  text: string;
  line: number;
}

export interface Layout {
  lines: Line[];
  headings: Heading[];
  regions: Region[];
}

/** What the reader knows about a cell that ran (or is running). */
export interface CellView {
  state: "running" | "done";
  ok?: boolean;
  output?: string;
  timedOut?: boolean;
  durationMs?: number;
  exitCode?: number | null;
  /** When it ran, as the reader shows it ("14:02", "6 Dec"): outputs kept from an earlier session. */
  ranAt?: string;
  /** The output is of the learner's edit of the cell. */
  edited?: boolean;
  /** Whole seconds it has been running (shown from 1 s on). */
  runningFor?: number;
}

export interface LayoutOptions {
  width: number;
  /** The terminal shows OSC 8 links: link text stays clean. Otherwise the target follows in brackets. */
  hyperlinks?: boolean;
  /** TUI mode: cells and quizzes are interactive (key hints, selection). */
  interactive?: boolean;
  cells?: ReadonlyMap<number, CellView>;
  /** Quiz index → the choice the learner picked (0-based). */
  answers?: ReadonlyMap<number, number>;
  selected?: { kind: "cell" | "quiz"; index: number } | null;
  /** Cells the learner edited ("stale": the lesson's cell changed since). */
  edits?: ReadonlyMap<number, "edited" | "stale">;
  /** Plain mode: an answer key for the quizzes at the end. */
  answerKey?: boolean;
}

// Choices are numbered: the reader answers with the digit keys.
const LETTERS = "123456789";

/** Inline spans → segments, with a link's target after its text when links are not clickable. */
function spanSegs(spans: readonly Span[], base: Style, hyperlinks: boolean): Seg[] {
  const segs: Seg[] = [];
  spans.forEach((s, i) => {
    const style: Style = { ...base };
    if (s.bold) style.bold = true;
    if (s.italic) style.italic = true;
    if (s.strike) style.strike = true;
    if (s.code) style.color = "yellow";
    if (s.href) {
      style.color = "blue";
      style.underline = true;
      if (hyperlinks) style.href = s.href;
    }
    segs.push({ text: s.text, style });
    const linkEnds = s.href && spans[i + 1]?.href !== s.href;
    if (linkEnds && !hyperlinks) {
      const label = spans.filter((x) => x.href === s.href).map((x) => x.text).join("");
      if (label !== s.href && label !== s.href!.replace(/^mailto:/, "")) segs.push({ text: ` <${s.href}>`, style: { ...base, dim: true } });
    }
  });
  return segs;
}

/** Hard-wraps one line of code (no word boundaries) to the width, keeping the gutter. */
function wrapCode(tokens: Seg[], width: number, gutter: Line, cont: Line): Line[] {
  const out: Line[] = [];
  let cur: Line = [...gutter];
  let curW = lineWidth(gutter);
  for (const t of tokens) {
    let text = t.text;
    while (text) {
      const roomLeft = width - curW;
      if (roomLeft <= 0) {
        out.push(cur);
        cur = [...cont];
        curW = lineWidth(cont);
        continue;
      }
      const [head, tail] = textWidth(text) <= roomLeft ? [text, ""] : splitAt(text, roomLeft);
      cur.push({ text: head, ...(t.style ? { style: t.style } : {}) });
      curW += textWidth(head);
      text = tail;
    }
  }
  out.push(cur);
  return out;
}

function codeLines(code: string, lang: string, width: number, gutter: Line): Line[] {
  const out: Line[] = [];
  const cont: Line = [...gutter, { text: "↪ ", style: { dim: true } }];
  for (const tokens of highlightLines(code, lang)) {
    const segs: Seg[] = tokens.map((t) => {
      const color = scopeColor(t.scope);
      return { text: t.text, ...(color ? { style: color === "gray" ? { dim: true } : { color } } : {}) };
    });
    out.push(...wrapCode(segs, width, gutter, gutter.length ? cont : []));
  }
  return out;
}

class Builder {
  lines: Line[] = [];
  headings: Heading[] = [];
  regions: Region[] = [];
  constructor(readonly opts: LayoutOptions) {}

  get hyperlinks(): boolean {
    return Boolean(this.opts.hyperlinks);
  }

  blank(): void {
    if (this.lines.length && lineWidth(this.lines.at(-1)!) !== 0) this.lines.push([]);
  }

  blocks(blocks: readonly Block[], width: number, prefix: Line, tight = false): void {
    blocks.forEach((b, i) => {
      if (i > 0 && !tight) this.pushPrefixed([], prefix);
      this.block(b, width, prefix);
    });
  }

  /** A line that is only a prefix (blank inside a quote keeps its bar). */
  pushPrefixed(line: Line, prefix: Line): void {
    this.lines.push([...prefix, ...line]);
  }

  /** Lays out one block; `first` prefixes its first line (a list bullet), `prefix` the others. */
  block(b: Block, width: number, prefix: Line, first: Line = prefix): void {
    const W = width;
    switch (b.type) {
      case "heading": {
        const text = plainText(b.text);
        this.headings.push({ level: b.level, text, line: this.lines.length });
        const style: Style = b.level === 1 ? { bold: true, color: "magenta" } : b.level === 2 ? { bold: true, color: "cyan" } : { bold: true };
        const marks = b.level >= 3 ? "#".repeat(b.level) + " " : "";
        const wrapped = wrap(spanSegs(b.text, style, this.hyperlinks), W, [...first, ...(marks ? [{ text: marks, style: { dim: true } }] : [])], prefix);
        this.lines.push(...wrapped);
        if (b.level <= 2) this.lines.push([...prefix, { text: (b.level === 1 ? "═" : "─").repeat(Math.min(W - lineWidth(prefix), Math.max(...wrapped.map(lineWidth)) - lineWidth(prefix))), style: { dim: b.level !== 1, color: b.level === 1 ? "magenta" : "cyan" } }]);
        break;
      }
      case "paragraph":
        this.lines.push(...wrap(spanSegs(b.text, {}, this.hyperlinks), W, first, prefix));
        break;
      case "list":
        b.items.forEach((item, i) => {
          const bullet = b.ordered ? `${b.start + i}. ` : "• ";
          const first: Line = [...prefix, { text: bullet, style: { color: "cyan" } }];
          const rest: Line = [...prefix, { text: " ".repeat(bullet.length) }];
          item.forEach((inner, j) => {
            if (j > 0 && inner.type !== "list") this.pushPrefixed([], prefix);
            if (j === 0 && inner.type !== "paragraph" && inner.type !== "heading") this.lines.push(first);
            this.block(inner, W, rest, j === 0 ? first : rest);
          });
          if (item.length === 0) this.lines.push(first);
        });
        break;
      case "quote":
        this.blocks(b.blocks, W, [...prefix, { text: "│ ", style: { dim: true } }]);
        break;
      case "code":
        this.lines.push(...codeLines(b.code, b.lang, W, [...prefix, { text: "  " }]));
        break;
      case "cell":
        this.cell(b, W, prefix);
        break;
      case "table":
        this.table(b, W, prefix);
        break;
      case "quiz":
        this.quiz(b.quiz, W, prefix);
        break;
      case "rule":
        this.lines.push([...prefix, { text: "─".repeat(Math.max(1, W - lineWidth(prefix))), style: { dim: true } }]);
        break;
      case "problem":
        this.lines.push(...wrap([{ text: `⚠ ${b.message}`, style: { color: "yellow" } }], W, prefix));
        if (b.source) this.lines.push(...wrap([{ text: b.source }], W, prefix));
        break;
    }
  }

  cell(b: Extract<Block, { type: "cell" }>, W: number, prefix: Line): void {
    const start = this.lines.length;
    const view = this.opts.cells?.get(b.index);
    const selected = this.opts.selected?.kind === "cell" && this.opts.selected.index === b.index;
    const inner = W - lineWidth(prefix);
    const edit = this.opts.edits?.get(b.index);
    const label = ` cell ${b.index}${edit === "stale" ? " · edited · lesson changed" : edit ? " · edited" : ""} `;
    const hint = this.opts.interactive ? (view?.state === "running" ? " running… " : selected ? " Enter run · E edit " : "") : "";
    const headStyle: Style = selected ? { color: "cyan", bold: true } : { color: "cyan", dim: !this.opts.interactive };
    this.lines.push([...prefix, { text: selected ? "▶" : "┌", style: headStyle }, { text: "─" + label, style: headStyle }, { text: hint, style: { inverse: selected, color: "cyan" } }, { text: "─".repeat(Math.max(0, inner - 2 - label.length - hint.length)), style: headStyle }]);
    const bar: Seg = { text: "│ ", style: { color: "cyan", dim: !selected } };
    this.lines.push(...codeLines(b.code, "typescript", W, [...prefix, bar]));
    let output: number | undefined;
    if (view) {
      output = this.lines.length;
      // When it ran (an output kept from before) and whether it ran the learner's edit.
      const about = [`${view.durationMs ?? 0} ms`, ...(view.ranAt ? [`ran ${view.ranAt}`] : []), ...(view.edited ? ["your edit"] : [])].join(" · ");
      const status =
        view.state === "running"
          ? { text: ` output: running…${view.runningFor ? ` ${view.runningFor} s` : ""} `, style: { color: "yellow" } }
          : view.ok
            ? { text: ` output (${about}) `, style: { color: "green" } }
            : { text: `${view.timedOut ? " timed out" : ` failed (exit code ${view.exitCode ?? "?"})`}${view.ranAt || view.edited ? ` (${about})` : ""} `, style: { color: "red", bold: true } };
      this.lines.push([...prefix, { text: "├─", style: { color: "cyan", dim: !selected } }, status, { text: "─".repeat(Math.max(0, inner - 2 - status.text.length)), style: { color: "cyan", dim: true } }]);
      const outBar: Seg = { text: "│ ", style: { color: view.state === "done" && !view.ok ? "red" : "cyan", dim: !selected } };
      const text = view.output ?? "";
      for (const l of text ? text.split("\n") : view.state === "done" ? ["(no output)"] : []) this.lines.push(...wrapCode([{ text: l.replace(/\t/g, "  ") }], W, [...prefix, outBar], [...prefix, outBar]));
    }
    this.lines.push([...prefix, { text: "└" + "─".repeat(Math.max(0, inner - 1)), style: { color: "cyan", dim: !selected } }]);
    this.regions.push({ kind: "cell", index: b.index, start, end: this.lines.length, ...(output !== undefined ? { output } : {}) });
  }

  quiz(q: Quiz, W: number, prefix: Line): void {
    const start = this.lines.length;
    const selected = this.opts.selected?.kind === "quiz" && this.opts.selected.index === q.index;
    const answer = this.opts.answers?.get(q.index);
    const answered = answer !== undefined;
    const hint = this.opts.interactive && !answered ? (selected ? ` press 1–${q.choices.length} to answer ` : "") : "";
    const head: Style = { color: "magenta", bold: selected };
    const inner = W - lineWidth(prefix);
    const title = ` quiz ${q.index} `;
    this.lines.push([...prefix, { text: selected ? "▶─" : "┌─", style: head }, { text: title, style: { ...head, bold: true } }, { text: hint, style: { inverse: true, color: "magenta" } }, { text: "─".repeat(Math.max(0, inner - 2 - title.length - hint.length)), style: head }]);
    const bar: Line = [...prefix, { text: "│ ", style: { color: "magenta" } }];
    this.lines.push(...wrap(spanSegs(q.question, { bold: true }, this.hyperlinks), W, bar));
    q.choices.forEach((c, i) => {
      let mark = `${LETTERS[i]}) `;
      let style: Style = {};
      if (answered) {
        if (c.correct) {
          mark = `✓ ${LETTERS[i]}) `;
          style = { color: "green", bold: i === answer };
        } else if (i === answer) {
          mark = `✗ ${LETTERS[i]}) `;
          style = { color: "red" };
        } else {
          mark = `  ${LETTERS[i]}) `;
          style = { dim: true };
        }
      }
      const first: Line = [...bar, { text: mark, style: { ...style, bold: true } }];
      const rest: Line = [...bar, { text: " ".repeat(mark.length) }];
      this.lines.push(...wrap(spanSegs(c.text, style, this.hyperlinks), W, first, rest));
      if (answered && (i === answer || c.correct) && c.explanation.length) this.lines.push(...wrap(spanSegs(c.explanation, { italic: true }, this.hyperlinks), W, [...rest, { text: "› ", style: { dim: true } }], [...rest, { text: "  " }]));
    });
    if (answered) {
      const right = q.choices[answer]?.correct;
      this.lines.push([...bar, { text: right ? "Right." : "Not quite: the ✓ choice is right. (press another number to change your answer)", style: { color: right ? "green" : "yellow", bold: true } }]);
    }
    this.lines.push([...prefix, { text: "└" + "─".repeat(Math.max(0, inner - 1)), style: { color: "magenta" } }]);
    this.regions.push({ kind: "quiz", index: q.index, start, end: this.lines.length });
  }

  table(b: Extract<Block, { type: "table" }>, W: number, prefix: Line): void {
    const avail = W - lineWidth(prefix);
    const n = b.header.length;
    const texts = [b.header, ...b.rows].map((r) => r.map((c) => textWidth(plainText(c))));
    const widths = Array.from({ length: n }, (_, i) => Math.max(1, ...texts.map((r) => r[i] ?? 0)));
    const total = widths.reduce((a, w) => a + w, 0) + 3 * (n - 1);
    if (total <= avail) {
      const row = (cells: Span[][], base: Style): Line => {
        const line: Line = [...prefix];
        cells.forEach((c, i) => {
          if (i > 0) line.push({ text: " │ ", style: { dim: true } });
          const pad = widths[i]! - textWidth(plainText(c));
          const a = b.align[i] ?? "left";
          const left = a === "right" ? pad : a === "center" ? Math.floor(pad / 2) : 0;
          if (left) line.push({ text: " ".repeat(left) });
          line.push(...spanSegs(c, base, this.hyperlinks));
          if (pad - left && i < cells.length - 1) line.push({ text: " ".repeat(pad - left) });
        });
        return line;
      };
      this.lines.push(row(b.header, { bold: true }));
      this.lines.push([...prefix, { text: widths.map((w) => "─".repeat(w)).join("─┼─"), style: { dim: true } }]);
      for (const r of b.rows) this.lines.push(row(r, {}));
      return;
    }
    // Too wide for the terminal: one record per row, "header: value" lines.
    b.rows.forEach((r, ri) => {
      if (ri > 0) this.lines.push([...prefix, { text: "·", style: { dim: true } }]);
      r.forEach((c, i) => {
        const name = plainText(b.header[i] ?? []);
        this.lines.push(...wrap([{ text: `${name}: `, style: { bold: true } }, ...spanSegs(c, {}, this.hyperlinks)], W, prefix, [...prefix, { text: "  " }]));
      });
    });
  }

  answerKey(quizzes: readonly Quiz[], W: number): void {
    if (!quizzes.length) return;
    this.blank();
    this.lines.push([{ text: "Answer key", style: { bold: true, color: "magenta" } }]);
    this.lines.push([{ text: "──────────", style: { color: "magenta" } }]);
    for (const q of quizzes) {
      const right = q.choices.findIndex((c) => c.correct);
      this.lines.push(...wrap([{ text: `quiz ${q.index}: ${LETTERS[right]}) `, style: { bold: true } }, ...spanSegs(q.question, {}, this.hyperlinks)], W, [], [{ text: "  " }]));
      q.choices.forEach((c, i) => {
        const mark = `  ${c.correct ? "✓" : "✗"} ${LETTERS[i]}) `;
        this.lines.push(...wrap([...spanSegs(c.text, {}, this.hyperlinks), { text: " — " }, ...spanSegs(c.explanation, { italic: true }, this.hyperlinks)], W, [{ text: mark, style: { color: c.correct ? "green" : "red" } }], [{ text: " ".repeat(mark.length) }]));
      });
      this.lines.push([]);
    }
  }
}

export function layoutLesson(doc: LessonDocument, opts: LayoutOptions): Layout {
  const W = Math.max(20, opts.width);
  const b = new Builder(opts);
  b.blocks(doc.blocks, W, []);
  if (opts.answerKey) b.answerKey(doc.quizzes, W);
  while (b.lines.length && lineWidth(b.lines.at(-1)!) === 0) b.lines.pop();
  return { lines: b.lines, headings: b.headings, regions: b.regions };
}

