// Stack traces in a hardened worker. Learner code runs from bundles (see
// bundle.ts) evaluated in compartments; V8 names their frames by the
// bundle's sourceURL, and its source map says which file and line of the
// learner's own each frame is. Two rules:
//
//   - a stack that has learner frames in it shows ONLY those frames, mapped
//     to the learner's files: learner code cannot find the grader in its
//     stacks (nor tell a graded run from any other), and the grader's
//     sourceLocation() reads the learner's line from the same string;
//   - any other stack (the grader's own errors) is left whole.
//
// Installed once per worker, after lockdown (lockdown.ts); learner code can
// change neither this nor the stack trace limit (SES makes both inert in
// compartments).

import { isAbsolute, relative, sep } from "node:path";
import { types } from "node:util";
import { decode, type SourceMapMappings } from "@jridgewell/sourcemap-codec";

/** The sourceURL scheme of learner bundles. */
export const LEARNER_URL = "faultline-learner:///";

interface BundleMap {
  /** Absolute paths of the map's sources. */
  sources: string[];
  mappings: SourceMapMappings | null;
  raw: string;
}

const maps = new Map<string, BundleMap>();

/**
 * A learner file as stacks name it: relative to the project (where the grader
 * runs), or its folder and name when it lies elsewhere (--target). Never the
 * absolute path: code that reads its own stack must not learn the machine,
 * the user or the checkout it runs in (nor make the trace differ by them).
 */
function shownSource(abs: string): string {
  const rel = relative(process.cwd(), abs);
  if (rel && !rel.startsWith("..") && !isAbsolute(rel)) return rel;
  return abs.split(sep).slice(-2).join("/");
}

/** Tells the stack writer how to map frames of the bundle evaluated under `url`. `sources`: absolute paths. */
export function registerBundleMap(url: string, mappings: string, sources: readonly string[]): void {
  maps.set(url, { sources: sources.map(shownSource), mappings: null, raw: mappings });
}

/** The learner file, line and column behind a position in a bundle, or null. */
export function originalPosition(url: string, line: number, column: number): { file: string; line: number; column: number } | null {
  const m = maps.get(url);
  if (!m) return null;
  m.mappings ??= decode(m.raw);
  const segs = m.mappings[line - 1];
  if (!segs || segs.length === 0) return null;
  // The last segment that starts at or before the column (0-based in maps, 1-based in V8).
  let best = segs[0]!;
  for (const s of segs) if (s[0] <= column - 1) best = s;
  if (best.length < 4) return null;
  const file = m.sources[best[1]!];
  return file ? { file, line: best[2]! + 1, column: best[3]! + 1 } : null;
}

/** The subset of V8's CallSite that SES passes to a user prepareStackTrace. */
interface CallSite {
  getFunctionName(): string | null;
  getMethodName(): string | null;
  getTypeName(): string | null;
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getEvalOrigin(): string | undefined;
  isEval(): boolean;
  isNative(): boolean;
  isConstructor(): boolean;
  isToplevel(): boolean;
}

function learnerUrl(cs: CallSite): string | null {
  const file = cs.getFileName();
  if (file?.startsWith(LEARNER_URL)) return file;
  if (cs.isEval()) {
    const origin = cs.getEvalOrigin();
    if (origin?.startsWith(LEARNER_URL)) return origin;
  }
  return null;
}

function frameName(cs: CallSite): string {
  const fn = cs.getFunctionName();
  if (fn) return cs.isConstructor() ? `new ${fn}` : fn;
  const method = cs.getMethodName();
  const type = cs.getTypeName();
  return method ? `${type && type !== "Object" ? `${type}.` : ""}${method}` : "<anonymous>";
}

function learnerFrame(cs: CallSite, url: string): string {
  const line = cs.getLineNumber() ?? 0;
  const col = cs.getColumnNumber() ?? 0;
  const at = originalPosition(url, line, col);
  const where = at ? `${at.file}:${at.line}:${at.column}` : `${url}:${line}:${col}`;
  const name = frameName(cs);
  return name === "<anonymous>" ? `    at ${where}` : `    at ${name} (${where})`;
}

function otherFrame(cs: CallSite): string {
  if (cs.isNative()) return `    at ${frameName(cs)} (native)`;
  const file = cs.getFileName() ?? cs.getEvalOrigin() ?? "<anonymous>";
  const where = `${file}:${cs.getLineNumber() ?? 0}:${cs.getColumnNumber() ?? 0}`;
  const name = cs.getFunctionName() || cs.getMethodName();
  return name ? `    at ${frameName(cs)} (${where})` : `    at ${where}`;
}

/** "Name: message", read from data properties only: printing an error must not run learner code (a getter, a toString). */
function header(error: unknown): string {
  if (typeof error !== "object" || error === null || types.isProxy(error)) return "Error";
  const data = (key: string): string | null => {
    for (let p: object | null = error, i = 0; p !== null && i < 64; p = Object.getPrototypeOf(p) as object | null, i++) {
      if (types.isProxy(p)) return null;
      const d = Object.getOwnPropertyDescriptor(p, key);
      if (d) return "value" in d && typeof d.value === "string" ? d.value : null;
    }
    return null;
  };
  const name = data("name") ?? "Error";
  const message = data("message") ?? "";
  return message ? `${name}: ${message}` : name;
}

/** The stack string for an error (see the rules at the top). */
export function stackString(error: unknown, callSites: readonly CallSite[]): string {
  const learner: string[] = [];
  for (const cs of callSites) {
    const url = learnerUrl(cs);
    if (url) learner.push(learnerFrame(cs, url));
  }
  const frames = learner.length > 0 ? learner : callSites.map(otherFrame);
  return [header(error), ...frames].join("\n");
}

let installed = false;

/** Installs the stack writer for this realm (after lockdown: see lockdown.ts). */
export function installStacks(): void {
  if (installed) return;
  installed = true;
  Error.stackTraceLimit = 40;
  (Error as unknown as { prepareStackTrace: unknown }).prepareStackTrace = (error: unknown, callSites: CallSite[]) => stackString(error, callSites);
}
