// Shared pieces of every screen: a styled line (from the notebook layout),
// the title bar, the key footer and a progress bar. Rendering only.

import { Box, render, Text, useInput, useStdout, type Key } from "ink";
import { useEffect, useRef, useState, type ReactElement, type ReactNode } from "react";
import { lineWidth, osc8, textWidth, type Line, type Seg } from "../notebook/text.ts";

export function StyledLine({ line, hyperlinks = false }: { line: Line; hyperlinks?: boolean }) {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => {
        const st = s.style ?? {};
        const text = hyperlinks && st.href ? osc8(st.href, s.text) : s.text;
        return (
          <Text key={i} bold={st.bold} italic={st.italic} underline={st.underline} dimColor={st.dim} strikethrough={st.strike} inverse={st.inverse} color={st.color}>
            {text}
          </Text>
        );
      })}
    </Text>
  );
}

export function Lines({ lines, hyperlinks }: { lines: readonly Line[]; hyperlinks?: boolean }) {
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <StyledLine key={i} line={l} hyperlinks={hyperlinks ?? false} />
      ))}
    </Box>
  );
}

export interface KeyHint {
  key: string;
  label: string;
}

/** The key footer: always visible, packed into lines of the width (at most `maxLines`); a key stays with its label. */
export function footerLines(keys: readonly KeyHint[], width: number, maxLines = 2): Line[] {
  const lines: Line[] = [[]];
  let w = 0;
  for (const k of keys) {
    const item: Seg[] = [{ text: k.key, style: { bold: true, color: "cyan" } }, { text: ` ${k.label}`, style: { dim: true } }];
    const itemW = lineWidth(item);
    const sep: Seg[] = w > 0 ? [{ text: " · ", style: { dim: true } }] : [];
    if (w > 0 && w + 3 + itemW > width) {
      lines.push([]);
      w = 0;
      sep.length = 0;
    }
    lines.at(-1)!.push(...sep, ...item);
    w += lineWidth(sep) + itemW;
  }
  return lines.slice(0, maxLines);
}

export function Footer({ keys, width }: { keys: readonly KeyHint[]; width: number }) {
  return <Lines lines={footerLines(keys, width)} />;
}

export function TitleBar({ left, right, width }: { left: string; right?: string; width: number }) {
  const r = right ?? "";
  const room = Math.max(0, width - textWidth(r) - 1);
  const l = textWidth(left) > room ? [...left].slice(0, Math.max(0, room - 1)).join("") + "…" : left;
  const pad = Math.max(1, width - textWidth(l) - textWidth(r));
  return (
    <Text wrap="truncate-end" inverse bold>
      {l + " ".repeat(pad) + r}
    </Text>
  );
}

export function progressBar(done: number, total: number, width: number): Line {
  const w = Math.max(5, width);
  const filled = total === 0 ? 0 : Math.round((done / total) * w);
  return [
    { text: "█".repeat(filled), style: { color: "green" } },
    { text: "░".repeat(w - filled), style: { dim: true } },
  ];
}

/** A full-screen frame: title bar, body (exactly `height` rows), footer. */
export function Screen({ title, right, width, keys, children, status }: { title: string; right?: string; width: number; keys: readonly KeyHint[]; children: ReactNode; status?: Line | null }) {
  return (
    <Box flexDirection="column" width={width}>
      <TitleBar left={title} right={right ?? ""} width={width} />
      {children}
      {status ? <StyledLine line={status} /> : null}
      <Footer keys={keys} width={width} />
    </Box>
  );
}

export function padLines(lines: Line[], height: number): Line[] {
  const out = lines.slice(0, height);
  while (out.length < height) out.push([]);
  return out;
}

export { lineWidth };

const NO_KEY: Key = { upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false };

/** Ink hands over a run of typed characters ("jj\r") as one input: split it into keys. */
export function splitKeys(input: string, key: Key): [string, Key][] {
  if (input.length <= 1 || input.includes("\u001b") || key.ctrl || key.meta) return [[input, key]];
  return [...input].map((ch): [string, Key] => {
    if (ch === "\r" || ch === "\n") return ["", { ...NO_KEY, return: true }];
    if (ch === "\t") return ["", { ...NO_KEY, tab: true }];
    if (ch === "\u007f" || ch === "\b") return ["", { ...NO_KEY, backspace: true }];
    return [ch, { ...NO_KEY, shift: ch !== ch.toLowerCase() }];
  });
}

/**
 * useInput with the latest render's handler. Ink re-subscribes a changed
 * handler in an effect, after the frame is drawn: a key pressed in between
 * would reach the previous render's handler and act on stale state. Keys
 * that arrive together (fast typing, a busy machine) are handled one at a
 * time, each after the previous one's update has rendered. `isActive:
 * false` stops listening (an overlay with keys of its own is open).
 */
export function useKeys(handler: (input: string, key: Key) => void, opts: { isActive?: boolean } = {}): void {
  const ref = useRef(handler);
  ref.current = handler;
  const queue = useRef<[string, Key][]>([]);
  useInput((input, key) => {
    const idle = queue.current.length === 0;
    queue.current.push(...splitKeys(input, key));
    if (!idle) return;
    const drain = () => {
      const next = queue.current.shift();
      if (!next) return;
      ref.current(next[0], next[1]);
      if (queue.current.length) setTimeout(drain, 0);
    };
    drain();
  }, { isActive: opts.isActive ?? true });
}

/** The terminal's size, kept up to date on resize. */
export function useSize(): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const on = () => setSize(read());
    stdout.on("resize", on);
    return () => {
      stdout.off("resize", on);
    };
  }, [stdout]);
  return size;
}

const ALT_ON = "\u001b[?1049h\u001b[H";
const ALT_OFF = "\u001b[?1049l";

/** Shows a screen on the terminal's alternate screen until it exits (the screen calls useApp().exit). */
export async function runFullScreen(screen: ReactElement): Promise<void> {
  const out = process.stdout;
  out.write(ALT_ON);
  try {
    const app = render(screen, { exitOnCtrlC: true, patchConsole: true });
    await app.waitUntilExit();
    app.cleanup();
  } finally {
    out.write("\u001b[?25h" + ALT_OFF);
  }
}
