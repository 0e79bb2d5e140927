// Runnable cells: a fenced block whose info string is `ts cell` is a small
// TypeScript module. Each runs in its own child process (so a bad cell cannot
// take the runner down) with a time limit, from .faultline/cells/, where the
// package self-reference `faultline/...` resolves.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import MarkdownIt from "markdown-it";

export interface CellSource {
  /** 1-based, in document order. */
  index: number;
  code: string;
  /** 0-based source line of the fence. */
  line: number;
  /** Time limit in ms (`ts cell timeout=30000`; default 10 s). */
  timeoutMs: number;
}

export const DEFAULT_CELL_TIMEOUT_MS = 10_000;

export function isCellInfo(info: string): boolean {
  const [lang, kind] = info.trim().split(/\s+/);
  return (lang === "ts" || lang === "typescript") && kind === "cell";
}

export function parseCellTimeout(info: string): number {
  const m = /\btimeout=(\d+)/.exec(info);
  return m ? Number(m[1]) : DEFAULT_CELL_TIMEOUT_MS;
}

/** The runnable cells of a lesson, in order. */
export function extractCells(markdown: string): CellSource[] {
  const md = new MarkdownIt();
  const cells: CellSource[] = [];
  for (const t of md.parse(markdown, {})) {
    if (t.type === "fence" && isCellInfo(t.info)) cells.push({ index: cells.length + 1, code: t.content, line: t.map?.[0] ?? 0, timeoutMs: parseCellTimeout(t.info) });
  }
  return cells;
}

export interface CellResult {
  index: number;
  ok: boolean;
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
}

const MAX_OUTPUT = 200_000;

/** The exercises whose reference solutions a cell imports (`faultline/solutions/<id>/…`). */
export function solutionsUsed(code: string): string[] {
  return [...new Set([...code.matchAll(/["']faultline\/solutions\/([a-z0-9-]+)\//g)].map((m) => m[1]!))];
}

export function usesSolutions(code: string): boolean {
  return solutionsUsed(code).length > 0;
}

/**
 * A cell as it runs in a learner's copy, where the instructor withheld the
 * reference solutions: a cell that imports one runs the learner's own
 * exercise instead, once it passes; until then it says what to do.
 */
export function cellForLearner(index: number, code: string, passed: ReadonlySet<string>): { code: string } | { message: string } {
  const ids = solutionsUsed(code);
  const missing = ids.filter((id) => !passed.has(id));
  if (missing.length === 0) return { code: code.replace(/(["'])faultline\/solutions\//g, "$1faultline/exercises/") };
  return {
    message: `Cell ${index} runs a working ${ids.join(" and ")}. Your instructor has withheld the reference solutions from this copy of the course, so the cell runs your own code once it passes: ${missing.map((id) => `\`faultline watch ${id}\``).join(", ")}.`,
  };
}

/** Runs one cell in a child process: node --import tsx, cwd = project root. */
export function runCell(root: string, lessonId: string, cell: CellSource, opts: { columns?: number; color?: boolean; passed?: ReadonlySet<string> } = {}): Promise<CellResult> {
  let code = cell.code;
  // In a learner's copy without solutions/ (course.ts answersWithheld): the learner's passing code, or a word on why not.
  if (usesSolutions(code) && !existsSync(join(root, "solutions"))) {
    const r = cellForLearner(cell.index, code, opts.passed ?? new Set());
    if ("message" in r) return Promise.resolve({ index: cell.index, ok: true, output: r.message, exitCode: null, timedOut: false, durationMs: 0 });
    code = r.code;
  }
  const dir = join(root, ".faultline", "cells", lessonId);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `cell-${cell.index}.ts`);
  writeFileSync(file, code);
  const started = performance.now();
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, COLUMNS: String(opts.columns ?? 80), FAULTLINE_CELL: "1", TSX_DISABLE_CACHE: process.env["TSX_DISABLE_CACHE"] ?? "" };
    if (!opts.color) env["NO_COLOR"] = "1";
    if (!env["TSX_DISABLE_CACHE"]) delete env["TSX_DISABLE_CACHE"];
    const child = spawn(process.execPath, ["--import", "tsx", file], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let truncated = false;
    const take = (b: Buffer) => {
      if (output.length < MAX_OUTPUT) output += b.toString("utf8");
      else truncated = true;
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, cell.timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      let text = output.replace(/\s+$/, "");
      text = text.replaceAll(file, `cell ${cell.index}`);
      if (truncated) text += `\n… (output cut at ${MAX_OUTPUT} characters)`;
      if (timedOut) text += `${text ? "\n" : ""}Cell ${cell.index} did not finish within ${cell.timeoutMs / 1000} s and was stopped. Does it run a simulation forever, or wait on something?`;
      resolve({ index: cell.index, ok: !timedOut && code === 0, output: text, exitCode: code, timedOut, durationMs: Math.round(performance.now() - started) });
    });
  });
}
