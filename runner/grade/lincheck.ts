// `faultline lincheck --format jepsen-cas FILE…`: checks recorded histories
// for linearizability and prints one verdict per file. The checking itself is
// pure (runner/check); this module reads the files and formats the lines.

import { readFileSync } from "node:fs";
import { parseJepsenCasHistory } from "../check/jepsenHistory.ts";
import { checkLinearizability, type CheckResult } from "../check/linearizability.ts";
import { casRegisterModel } from "../check/models.ts";

/** History formats `lincheck` reads, each with the model it is checked against. */
export const LINCHECK_FORMATS = {
  /** Jepsen's etcd test log: a single compare-and-set register. */
  "jepsen-cas": (text: string): CheckInput => ({ check: (budget) => checkLinearizability(casRegisterModel, parseJepsenCasHistory(text), budget === undefined ? {} : { budget }) }),
} as const;

export type LincheckFormat = keyof typeof LINCHECK_FORMATS;

interface CheckInput {
  check(budget: number | undefined): CheckResult;
}

export function isLincheckFormat(f: string): f is LincheckFormat {
  return Object.prototype.hasOwnProperty.call(LINCHECK_FORMATS, f);
}

export interface LincheckFileResult {
  file: string;
  /** null when the file could not be read or parsed (see `error`). */
  result: CheckResult | null;
  error?: string;
}

export function lincheckFile(file: string, format: LincheckFormat, budget?: number): LincheckFileResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return { file, result: null, error: `cannot read: ${(e as Error).message}` };
  }
  try {
    return { file, result: LINCHECK_FORMATS[format](text).check(budget) };
  } catch (e) {
    return { file, result: null, error: (e as Error).message };
  }
}

/**
 * Checks each file and prints `<file> linearizable|not-linearizable|unknown`
 * (with `explain`, the explanation indented below). Returns the exit code:
 * 0 when every file was checked, whatever the verdicts; 2 when a file could
 * not be read or parsed (its line says `error` and why).
 */
export function runLincheck(files: readonly string[], opts: { format: LincheckFormat; budget?: number; explain?: boolean }, out: (line: string) => void): number {
  let code = 0;
  for (const file of files) {
    const r = lincheckFile(file, opts.format, opts.budget);
    if (!r.result) {
      out(`${file} error: ${r.error}`);
      code = 2;
      continue;
    }
    out(`${file} ${r.result.verdict}`);
    if (opts.explain && r.result.explanation) out(r.result.explanation.replace(/^/gm, "    "));
  }
  return code;
}
