// Writes a trace page (runner/grade/html.ts builds it; this is the I/O edge).

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { traceToHtml, type TraceHtmlInput } from "./html.ts";

/** Writes the page and returns its absolute path. */
export function writeTraceHtml(file: string, input: TraceHtmlInput): string {
  const abs = resolve(file);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, traceToHtml(input));
  return abs;
}
