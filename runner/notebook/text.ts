// Styled text for terminals: segments with a style, lines of segments, the
// width of what a terminal shows, word wrap, and rendering to plain or ANSI
// text. No dependencies, so the course map can use it without loading the
// Markdown machinery.

import { styleText } from "node:util";

export interface Style {
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  dim?: boolean;
  strike?: boolean;
  inverse?: boolean;
  color?: string;
  /** Makes the text a link (OSC 8 when the terminal supports it). */
  href?: string;
}

export interface Seg {
  text: string;
  style?: Style;
}

export type Line = Seg[];

export function textWidth(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    // Wide: CJK, Hangul, fullwidth forms, most emoji.
    n += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xff60) || (c >= 0x1f300 && c <= 0x1faff) ? 2 : c < 0x20 || (c >= 0x300 && c <= 0x36f) || c === 0x200b ? 0 : 1;
  }
  return n;
}

export function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + textWidth(s.text), 0);
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join("");
}

/**
 * Greedy word wrap of styled segments into lines of at most `width` columns,
 * each starting with a prefix (the first line's may differ: list bullets).
 */
export function wrap(segs: readonly Seg[], width: number, first: Line = [], rest: Line = first): Line[] {
  const lines: Line[] = [];
  let cur: Line = [...first];
  let curW = lineWidth(first);
  let prefixW = curW;
  let pendingSpace: Seg | null = null;
  const newline = () => {
    lines.push(cur);
    cur = [...rest];
    curW = prefixW = lineWidth(rest);
    pendingSpace = null;
  };
  const room = () => Math.max(1, width - curW);
  for (const seg of segs) {
    for (const piece of seg.text.split(/(\n|[ \t]+)/)) {
      if (!piece) continue;
      if (piece === "\n") {
        newline();
        continue;
      }
      if (/^[ \t]+$/.test(piece)) {
        if (curW > prefixW) pendingSpace = { text: " ", style: seg.style ?? {} };
        continue;
      }
      let word = piece;
      const w = textWidth(word);
      const spaceW = pendingSpace ? 1 : 0;
      if (curW + spaceW + w > width && curW > prefixW) newline();
      if (pendingSpace && curW > prefixW) {
        cur.push(pendingSpace);
        curW += 1;
      }
      pendingSpace = null;
      // A word longer than a line is cut (URLs, long identifiers).
      while (textWidth(word) > room() && width - prefixW > 4) {
        const [head, tail] = splitAt(word, room());
        cur.push({ text: head, ...(seg.style ? { style: seg.style } : {}) });
        newline();
        word = tail;
      }
      cur.push({ text: word, ...(seg.style ? { style: seg.style } : {}) });
      curW += textWidth(word);
    }
  }
  if (curW > prefixW || lines.length === 0) lines.push(cur);
  return lines;
}

export function splitAt(s: string, cols: number): [string, string] {
  let w = 0;
  let i = 0;
  const chars = [...s];
  for (; i < chars.length; i++) {
    const cw = textWidth(chars[i]!);
    if (w + cw > cols) break;
    w += cw;
  }
  return [chars.slice(0, Math.max(1, i)).join(""), chars.slice(Math.max(1, i)).join("")];
}

/** A line as text: plain, or with ANSI styles (and OSC 8 links) for a colour terminal. */
export function renderLine(line: Line, opts: { color: boolean; hyperlinks?: boolean } = { color: false }): string {
  let out = "";
  for (const s of line) {
    let t = s.text;
    const st = s.style;
    if (opts.color && st) {
      const formats: Parameters<typeof styleText>[0] & unknown[] = [];
      if (st.bold) formats.push("bold");
      if (st.dim) formats.push("dim");
      if (st.italic) formats.push("italic");
      if (st.underline) formats.push("underline");
      if (st.strike) formats.push("strikethrough");
      if (st.inverse) formats.push("inverse");
      if (st.color) formats.push(st.color as "red");
      if (formats.length) t = styleText(formats, t);
    }
    if (opts.hyperlinks && st?.href) t = osc8(st.href, t);
    out += t;
  }
  return out.replace(/\s+$/, "");
}

export function osc8(href: string, text: string): string {
  return `\u001b]8;;${href}\u0007${text}\u001b]8;;\u0007`;
}

/** Whether the terminal is known to show OSC 8 hyperlinks (FORCE_HYPERLINK=1/0 overrides). */
export function supportsHyperlinks(env: NodeJS.ProcessEnv = process.env, isTTY = Boolean(process.stdout.isTTY)): boolean {
  const force = env["FORCE_HYPERLINK"];
  if (force !== undefined) return force !== "0" && force !== "false";
  if (!isTTY || "NO_COLOR" in env || env["TERM"] === "dumb") return false;
  const prog = env["TERM_PROGRAM"];
  if (prog === "iTerm.app" || prog === "WezTerm" || prog === "vscode" || prog === "ghostty" || prog === "Hyper") return true;
  if (env["KITTY_WINDOW_ID"] || env["WT_SESSION"] || env["KONSOLE_VERSION"]) return true;
  if (env["VTE_VERSION"] && Number(env["VTE_VERSION"]) >= 5000) return true;
  if (env["TERM"]?.startsWith("xterm-kitty") || env["TERM"] === "alacritty" || env["TERM"] === "foot") return true;
  return false;
}
