// A lesson as blocks: markdown-it parses the Markdown (with the `quiz`
// container), and this module turns its token stream into a small tree that
// both the TUI reader and the plain-text renderer lay out. Runnable cells
// (```ts cell) and quizzes are blocks of their own, numbered in document order.

import MarkdownIt from "markdown-it";
import container from "markdown-it-container";
type Token = ReturnType<MarkdownIt["parse"]>[number];
import { isCellInfo, parseCellTimeout } from "./cells.ts";

/** A run of inline text with one style. */
export interface Span {
  text: string;
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  code?: boolean;
  /** The target of a link this text belongs to. */
  href?: string;
}

export interface QuizChoice {
  text: Span[];
  correct: boolean;
  explanation: Span[];
}

export interface Quiz {
  /** 1-based, in document order: the key progress stores answers under. */
  index: number;
  question: Span[];
  choices: QuizChoice[];
}

export type Block =
  | { type: "heading"; level: number; text: Span[]; slug: string }
  | { type: "paragraph"; text: Span[] }
  | { type: "list"; ordered: boolean; start: number; items: Block[][] }
  | { type: "quote"; blocks: Block[] }
  | { type: "code"; lang: string; code: string }
  | { type: "cell"; index: number; code: string; timeoutMs: number }
  | { type: "table"; header: Span[][]; rows: Span[][][]; align: ("left" | "right" | "center")[] }
  | { type: "quiz"; quiz: Quiz }
  | { type: "rule" }
  /** Malformed content we show as it is, with a note (e.g. a quiz without a right answer). */
  | { type: "problem"; message: string; source: string };

export interface LessonDocument {
  title: string;
  blocks: Block[];
  cells: Extract<Block, { type: "cell" }>[];
  quizzes: Quiz[];
}

let parser: MarkdownIt | null = null;

function markdown(): MarkdownIt {
  if (parser) return parser;
  parser = new MarkdownIt({ html: false, linkify: true, typographer: false });
  // @types/markdown-it-container targets an older @types/markdown-it; the plugin itself is compatible.
  parser.use(container as unknown as Parameters<MarkdownIt["use"]>[0], "quiz");
  return parser;
}

export function parseLesson(source: string): LessonDocument {
  const tokens = markdown().parse(source, {});
  const state = { pos: 0, cell: 0, quiz: 0 };
  const blocks = parseBlocks(tokens, state, null);
  const cells: LessonDocument["cells"] = [];
  const quizzes: Quiz[] = [];
  const visit = (bs: Block[]) => {
    for (const b of bs) {
      if (b.type === "cell") cells.push(b);
      else if (b.type === "quiz") quizzes.push(b.quiz);
      else if (b.type === "list") b.items.forEach(visit);
      else if (b.type === "quote") visit(b.blocks);
    }
  };
  visit(blocks);
  const h1 = blocks.find((b): b is Extract<Block, { type: "heading" }> => b.type === "heading" && b.level === 1);
  return { title: h1 ? plainText(h1.text) : "", blocks, cells, quizzes };
}

export function plainText(spans: readonly Span[]): string {
  return spans.map((s) => s.text).join("");
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

interface State {
  pos: number;
  cell: number;
  quiz: number;
}

/** Parses block tokens from state.pos until the closing token `until` (or the end). */
function parseBlocks(tokens: Token[], st: State, until: string | null): Block[] {
  const out: Block[] = [];
  while (st.pos < tokens.length) {
    const t = tokens[st.pos]!;
    if (until && t.type === until) {
      st.pos++;
      return out;
    }
    switch (t.type) {
      case "heading_open": {
        const inline = tokens[st.pos + 1]!;
        const text = inlineSpans(inline.children ?? []);
        out.push({ type: "heading", level: Number(t.tag.slice(1)), text, slug: slugify(plainText(text)) });
        st.pos += 3;
        break;
      }
      case "paragraph_open": {
        const inline = tokens[st.pos + 1]!;
        out.push({ type: "paragraph", text: inlineSpans(inline.children ?? []) });
        st.pos += 3;
        break;
      }
      case "bullet_list_open":
      case "ordered_list_open": {
        const ordered = t.type === "ordered_list_open";
        const start = Number(t.attrGet("start") ?? 1);
        st.pos++;
        const items: Block[][] = [];
        const close = ordered ? "ordered_list_close" : "bullet_list_close";
        while (st.pos < tokens.length && tokens[st.pos]!.type !== close) {
          if (tokens[st.pos]!.type === "list_item_open") {
            st.pos++;
            items.push(parseBlocks(tokens, st, "list_item_close"));
          } else st.pos++;
        }
        st.pos++;
        out.push({ type: "list", ordered, start, items });
        break;
      }
      case "blockquote_open":
        st.pos++;
        out.push({ type: "quote", blocks: parseBlocks(tokens, st, "blockquote_close") });
        break;
      case "fence":
      case "code_block": {
        st.pos++;
        const info = t.type === "fence" ? t.info : "";
        if (isCellInfo(info)) out.push({ type: "cell", index: ++st.cell, code: t.content, timeoutMs: parseCellTimeout(info) });
        else out.push({ type: "code", lang: info.trim().split(/\s+/)[0] ?? "", code: t.content });
        break;
      }
      case "table_open":
        out.push(parseTable(tokens, st));
        break;
      case "hr":
        st.pos++;
        out.push({ type: "rule" });
        break;
      case "container_quiz_open": {
        const startLine = t.map?.[0] ?? 0;
        st.pos++;
        const inner = parseBlocks(tokens, st, "container_quiz_close");
        out.push(toQuiz(inner, ++st.quiz, startLine));
        break;
      }
      case "html_block":
        st.pos++;
        break;
      default:
        st.pos++;
    }
  }
  return out;
}

function parseTable(tokens: Token[], st: State): Block {
  const header: Span[][] = [];
  const rows: Span[][][] = [];
  const align: ("left" | "right" | "center")[] = [];
  let row: Span[][] | null = null;
  let inHead = false;
  st.pos++;
  while (st.pos < tokens.length && tokens[st.pos]!.type !== "table_close") {
    const t = tokens[st.pos]!;
    if (t.type === "thead_open") inHead = true;
    else if (t.type === "thead_close") inHead = false;
    else if (t.type === "tr_open") row = [];
    else if (t.type === "tr_close" && row) {
      if (!inHead) rows.push(row);
      row = null;
    } else if (t.type === "th_open" || t.type === "td_open") {
      const style = t.attrGet("style") ?? "";
      const a = /text-align:(left|right|center)/.exec(style)?.[1] as "left" | "right" | "center" | undefined;
      if (t.type === "th_open") align.push(a ?? "left");
      const inline = tokens[st.pos + 1]!;
      const spans = inline.type === "inline" ? inlineSpans(inline.children ?? []) : [];
      if (inHead) header.push(spans);
      else row?.push(spans);
    }
    st.pos++;
  }
  st.pos++;
  return { type: "table", header, rows, align };
}

/**
 * A quiz container holds the question (paragraphs) and a list whose items
 * start with `[ ]` or `[x]`, each followed by a `>` explanation.
 */
function toQuiz(inner: Block[], index: number, line: number): Block {
  const list = inner.find((b): b is Extract<Block, { type: "list" }> => b.type === "list");
  const question = inner.filter((b) => b.type === "paragraph").flatMap((b, i) => (i ? [{ text: " " }, ...(b as { text: Span[] }).text] : (b as { text: Span[] }).text));
  const problem = (why: string): Block => ({ type: "problem", message: `quiz ${index} (line ${line + 1}): ${why}`, source: plainText(question) });
  if (!list) return problem("it has no list of choices");
  const choices: QuizChoice[] = [];
  for (const item of list.items) {
    const para = item.find((b): b is Extract<Block, { type: "paragraph" }> => b.type === "paragraph");
    if (!para) return problem("a choice has no text");
    const text = para.text.map((s) => ({ ...s }));
    const first = text[0];
    const m = first ? /^\s*\[( |x|X)\]\s*/.exec(first.text) : null;
    if (!first || !m) return problem(`the choice "${plainText(text)}" does not start with [ ] or [x]`);
    first.text = first.text.slice(m[0].length);
    const quote = item.find((b): b is Extract<Block, { type: "quote" }> => b.type === "quote");
    const explanation = quote ? quote.blocks.filter((b) => b.type === "paragraph").flatMap((b) => (b as { text: Span[] }).text) : [];
    choices.push({ text: text.filter((s) => s.text !== ""), correct: m[1] !== " ", explanation });
  }
  const right = choices.filter((c) => c.correct).length;
  if (right !== 1) return problem(`it needs exactly one [x] choice, not ${right}`);
  return { type: "quiz", quiz: { index, question, choices } };
}

/** Inline tokens → styled spans (bold, italic, code, links). */
function inlineSpans(children: Token[]): Span[] {
  const spans: Span[] = [];
  const style = { bold: 0, italic: 0, strike: 0 };
  let href: string | undefined;
  const push = (text: string, extra: Partial<Span> = {}) => {
    if (!text) return;
    const s: Span = { text };
    if (style.bold) s.bold = true;
    if (style.italic) s.italic = true;
    if (style.strike) s.strike = true;
    if (href) s.href = href;
    spans.push({ ...s, ...extra });
  };
  for (const t of children) {
    switch (t.type) {
      case "text":
        push(t.content);
        break;
      case "code_inline":
        push(t.content, { code: true });
        break;
      case "softbreak":
        push(" ");
        break;
      case "hardbreak":
        push("\n");
        break;
      case "strong_open":
        style.bold++;
        break;
      case "strong_close":
        style.bold--;
        break;
      case "em_open":
        style.italic++;
        break;
      case "em_close":
        style.italic--;
        break;
      case "s_open":
        style.strike++;
        break;
      case "s_close":
        style.strike--;
        break;
      case "link_open":
        href = t.attrGet("href") ?? undefined;
        break;
      case "link_close":
        href = undefined;
        break;
      case "image":
        push(`[image: ${t.content || t.attrGet("alt") || t.attrGet("src")}]`);
        break;
      case "html_inline":
        break;
      default:
        if (t.content) push(t.content);
    }
  }
  return spans;
}
