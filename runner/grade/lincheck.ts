// `faultline lincheck --format F [--html FILE] FILE…`: checks recorded
// histories for linearizability, prints one verdict per file, and for a
// history that is not linearizable draws why (in the terminal, or as a page).
// The checking and the picture are pure (runner/check); this module reads
// the files and writes the lines and the page.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { historyPicture, pictureLines, type HistoryPicture, type PictureLine } from "../check/historyPicture.ts";
import { parseJepsenCasHistory, parseJepsenKvHistory, parsePorcupineKvHistory } from "../check/jepsenHistory.ts";
import { checkLinearizability, type CheckOptions, type CheckResult, type Model, type Operation } from "../check/linearizability.ts";
import { casRegisterModel, keyValueModel, registersModel } from "../check/models.ts";
import { historyPageHtml } from "./historyHtml.ts";

interface Checked {
  result: CheckResult;
  /** The part that failed, drawn; null unless not linearizable. */
  picture: HistoryPicture | null;
}

/** A history format: how to read it, and the model it is checked against. */
function format<S, I, O>(describe: string, parse: (text: string) => Operation<I, O>[], model: Model<S, I, O>) {
  return {
    describe,
    check(text: string, file: string, opts: CheckOptions): Checked {
      const result = checkLinearizability(model, parse(text), opts);
      const title = result.partitions > 1 && result.failed ? `${file} · ${result.failed.label}` : file;
      return { result: result as CheckResult, picture: result.failed ? historyPicture(model, result.failed, title) : null };
    },
  };
}

/** History formats `lincheck` reads, each with the model it is checked against. */
export const LINCHECK_FORMATS = {
  "jepsen-cas": format("Jepsen's etcd log: one compare-and-set register", parseJepsenCasHistory, casRegisterModel),
  "jepsen-kv": format("Jepsen's independent keys: a compare-and-set register per key (log lines or history.edn)", parseJepsenKvHistory, registersModel),
  "porcupine-kv": format("Porcupine's key-value logs: get, put, append; a missing key reads as \"\"", parsePorcupineKvHistory, keyValueModel("")),
};

export type LincheckFormat = keyof typeof LINCHECK_FORMATS;

export function isLincheckFormat(f: string): f is LincheckFormat {
  return Object.prototype.hasOwnProperty.call(LINCHECK_FORMATS, f);
}

export interface LincheckFileResult {
  file: string;
  /** null when the file could not be read or parsed (see `error`). */
  result: CheckResult | null;
  picture: HistoryPicture | null;
  error?: string;
}

export function lincheckFile(file: string, fmt: LincheckFormat, opts: CheckOptions = {}): LincheckFileResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { file, result: null, picture: null, error: `cannot read it: ${(e as Error).message}` };
  }
  try {
    return { file, ...LINCHECK_FORMATS[fmt].check(text, file, opts) };
  } catch (e) {
    return { file, result: null, picture: null, error: `${(e as Error).message}. Is it in the ${fmt} format (${LINCHECK_FORMATS[fmt].describe})?` };
  }
}

/** 2 if a file could not be read, else 1 if one is not linearizable, else 3 if one is unknown, else 0. */
export function lincheckExitCode(results: readonly LincheckFileResult[]): number {
  if (results.some((r) => !r.result)) return 2;
  if (results.some((r) => r.result!.verdict === "not-linearizable")) return 1;
  if (results.some((r) => r.result!.verdict === "unknown")) return 3;
  return 0;
}

export interface LincheckOptions extends CheckOptions {
  format: LincheckFormat;
  /** Print the explanation and the picture under each verdict that needs one. */
  explain?: boolean;
  /** Columns for pictures (default 80). */
  width?: number;
}

/**
 * Checks each file and prints `<file> linearizable|not-linearizable|unknown`
 * (with `explain`, the explanation and the picture below, indented). A file
 * that cannot be read or parsed gets `<file> error: …` naming the line.
 */
export function runLincheck(files: readonly string[], opts: LincheckOptions, out: (line: string | PictureLine) => void): { code: number; results: LincheckFileResult[] } {
  const results: LincheckFileResult[] = [];
  for (const file of files) {
    const r = lincheckFile(file, opts.format, opts);
    results.push(r);
    if (!r.result) {
      out(`${file} error: ${r.error}`);
      continue;
    }
    out(`${file} ${r.result.verdict}`);
    if (!opts.explain) continue;
    if (r.result.explanation) out(r.result.explanation.replace(/^/gm, "    "));
    if (r.picture) {
      out("");
      for (const line of pictureLines(r.picture, { width: (opts.width ?? 80) - 4, maxOps: 16 })) out([{ text: "    " }, ...line]);
      out("");
    }
  }
  return { code: lincheckExitCode(results), results };
}

/** Writes the page of pictures for `lincheck --html`; returns its absolute path. */
export function writeLincheckHtml(file: string, results: readonly LincheckFileResult[], fmt: LincheckFormat): string {
  const abs = resolve(file);
  mkdirSync(dirname(abs), { recursive: true });
  const notes = results.map((r) => `${r.file}: ${r.result ? r.result.verdict : `error: ${r.error}`}${r.result?.verdict === "unknown" ? ` (${r.result.explanation.split("\n")[0]})` : ""}`);
  const pictures = results.flatMap((r) => (r.picture ? [r.picture] : []));
  if (pictures.length === 0) notes.push("Nothing to draw: no history here is shown not linearizable.");
  writeFileSync(abs, historyPageHtml({ title: `lincheck · ${fmt} · ${results.length} histor${results.length === 1 ? "y" : "ies"}`, pictures, notes }));
  return abs;
}
