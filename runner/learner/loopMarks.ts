// Loop marks: how a hang verdict can name the line of the loop that never
// ends. A worker stuck in a loop cannot say where it is, so the grader, as it
// loads a learner file, adds one call at the top of every loop body that
// stores the loop's place (file and line) in the watchdog's probe. The
// watchdog reads the last place stored when it stops the worker.
//
// The call goes on the loop's own line, so no line moves. Files that do not
// parse are left alone: the bundler reports their syntax error (bundle.ts).

import { createRequire } from "node:module";
import { relative } from "node:path";
import MagicString from "magic-string";
import { parseAst } from "vite";

/** The function the marks call; the worker defines it in each compartment (compartment.ts). */
export const LOOP_MARK_GLOBAL = "__faultlineLoop";

/** Lines take the low 20 bits of a mark; the file's number the rest. */
const LINE_BITS = 20;
const MAX_FILES = 1 << (31 - LINE_BITS);

/** The files marked so far, numbered from 1 (0 means "no loop"), and what a mark means. */
export class LoopMarks {
  private readonly files: string[] = [];

  constructor(readonly root: string) {}

  /** The number for a learner file (by absolute path); the same path keeps its number. */
  fileNumber(path: string): number {
    const rel = relative(this.root, path) || path;
    let i = this.files.indexOf(rel);
    if (i < 0) {
      if (this.files.length + 1 >= MAX_FILES) return 0;
      i = this.files.push(rel) - 1;
    }
    return i + 1;
  }

  /** The files numbered so far, in order (for a grader in another process: see adopt). */
  list(): readonly string[] {
    return [...this.files];
  }

  /** Takes the numbering another process made (the sandbox's parent compiles what its child grades). */
  adopt(files: readonly string[]): void {
    this.files.splice(0, this.files.length, ...files);
  }

  /** `file:line` for a mark read from the probe, or null for 0 or a mark from elsewhere. */
  place(mark: number): string | null {
    const file = this.files[(mark >>> LINE_BITS) - 1];
    const line = mark & ((1 << LINE_BITS) - 1);
    return file && line > 0 ? `${file}:${line}` : null;
  }
}

export function markFor(file: number, line: number): number {
  return line < 1 << LINE_BITS ? (file << LINE_BITS) | line : 0;
}

const LOOPS = new Set(["ForStatement", "ForInStatement", "ForOfStatement", "WhileStatement", "DoWhileStatement"]);

interface AstNode {
  type: string;
  start: number;
  end: number;
  body?: AstNode;
}

/**
 * How deep learner code may nest (brackets, blocks, calls). The parser that
 * places the loop marks (rollup's, native code) does not throw on code nested
 * some thousands deep: it crashes the whole grading process. Nothing real
 * comes near this depth.
 */
export const MAX_NESTING = 1000;

/**
 * The line of code nested deeper than MAX_NESTING, or null when there is
 * none. A file with fewer opening brackets than that (the common case, a
 * count in one pass) cannot nest so deep; a bigger one is measured with
 * TypeScript's parser, which is slower to load but whose overflow is a
 * RangeError, not a crash.
 */
export function tooDeep(code: string): number | null {
  let openers = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) openers++;
  }
  if (openers <= MAX_NESTING) return null;
  const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
  let file: import("typescript").SourceFile;
  try {
    file = ts.createSourceFile("learner.ts", code, ts.ScriptTarget.Latest, false);
  } catch {
    return 1; // too deep for TypeScript's parser too
  }
  // Syntax-tree depth: a few levels per bracket, so the bound is generous.
  const stack: [import("typescript").Node, number][] = [[file, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > 4 * MAX_NESTING) return file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    node.forEachChild((c) => {
      stack.push([c, depth + 1]);
    });
  }
  return null;
}

/**
 * Adds a mark to every loop body in `code` (TypeScript or JavaScript).
 * Returns null when there are no loops, or when the code does not parse.
 */
export function markLoops(code: string, fileNumber: number, lang: "ts" | "tsx" | "js" | "jsx"): { code: string } | null {
  let ast: unknown;
  try {
    ast = parseAst(code, { lang });
  } catch {
    return null;
  }
  const lineStarts = [0];
  for (let i = code.indexOf("\n"); i >= 0; i = code.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const s = new MagicString(code);
  let marked = 0;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
      return;
    }
    if (v === null || typeof v !== "object") return;
    const node = v as AstNode;
    if (LOOPS.has(node.type) && node.body) {
      const call = `${LOOP_MARK_GLOBAL}(${markFor(fileNumber, lineOf(node.start))});`;
      const body = node.body;
      if (body.type === "BlockStatement") s.appendLeft(body.start + 1, call);
      else {
        s.appendLeft(body.start, `{${call}`);
        s.appendRight(body.end, "}");
      }
      marked++;
    }
    for (const key in node) if (key !== "type" && key !== "start" && key !== "end") visit((node as unknown as Record<string, unknown>)[key]);
  };
  visit(ast);
  if (marked === 0) return null;
  // Bound once per module, on the first line (so no line moves), from the
  // global the harness set; a no-op where there is none (a plain vitest run).
  const binding = `const ${LOOP_MARK_GLOBAL} = globalThis.${LOOP_MARK_GLOBAL} ?? (() => {}); `;
  // After a #! line, if there is one (still on the first line of code below it).
  if (code.startsWith("#!")) s.appendLeft(lineStarts[1] ?? code.length, binding);
  else s.prepend(binding);
  return { code: s.toString() };
}
