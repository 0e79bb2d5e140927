// Colour for plain-text output, only when it helps: a TTY, and NO_COLOR unset.

import { styleText } from "node:util";

type Style = Parameters<typeof styleText>[0];

export function colorEnabled(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in process.env) && process.env["TERM"] !== "dumb";
}

export function makeStyler(enabled: boolean) {
  const paint = (style: Style) => (s: string) => (enabled ? styleText(style, s) : s);
  return {
    ok: paint("green"),
    bad: paint("red"),
    warn: paint("yellow"),
    dim: paint("dim"),
    bold: paint("bold"),
    accent: paint("cyan"),
  };
}

export type Styler = ReturnType<typeof makeStyler>;
