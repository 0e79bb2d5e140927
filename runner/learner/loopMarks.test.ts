import { describe, expect, it } from "vitest";
import { LOOP_MARK_GLOBAL, LoopMarks, markFor, markLoops } from "./loopMarks.ts";

/** Runs marked JavaScript and returns the lines of the loops it went round, in order. */
function loopsRun(code: string): number[] {
  const seen: number[] = [];
  const g = globalThis as Record<string, unknown>;
  const before = g[LOOP_MARK_GLOBAL];
  g[LOOP_MARK_GLOBAL] = (mark: number) => seen.push(mark & 0xfffff);
  try {
    new Function(code)();
  } finally {
    g[LOOP_MARK_GLOBAL] = before;
  }
  return seen;
}

/** True when `marked` is `original` with text inserted and nothing moved to another line. */
function onlyInsertedWithinLines(original: string, marked: string): boolean {
  const a = original.split("\n");
  const b = marked.split("\n");
  if (a.length !== b.length) return false;
  return a.every((line, i) => {
    // Every character of the original line appears, in order, in the marked one.
    let j = 0;
    for (const ch of b[i]!) if (ch === line[j]) j++;
    return j === line.length;
  });
}

describe("loop marks", () => {
  it("marks every kind of loop with its own line, and runs the marks as the loops go round", () => {
    const src = [
      "let n = 0;",
      "for (let i = 0; i < 2; i++) n++;",
      "while (n > 0) {",
      "  n--;",
      "}",
      "do n++; while (n < 1);",
      "for (const x of [1]) for (const k in { a: 1 }) { n += x; }",
      "const s = `while (true) {}`; // a string, not a loop",
    ].join("\n");
    const out = markLoops(src, 1, "js")!;
    expect(out).not.toBeNull();
    expect(onlyInsertedWithinLines(src, out.code)).toBe(true);
    expect(loopsRun(out.code)).toEqual([2, 2, 3, 3, 6, 7, 7]);
  });

  it("reads TypeScript, before its types are stripped, so lines are the learner's own", () => {
    const src = ["type M = { n: number };", "export function f(m: M): number {", "  let s = 0 as number;", "  for (let i = 0; i < m.n; i++) s += i;", "  return s;", "}"].join("\n");
    const out = markLoops(src, 2, "ts")!;
    expect(out.code).toContain(`{${LOOP_MARK_GLOBAL}(${markFor(2, 4)});s += i;}`);
    expect(onlyInsertedWithinLines(src, out.code)).toBe(true);
  });

  it("leaves alone code without loops, and code that does not parse (the bundler reports the syntax error)", () => {
    expect(markLoops("export const x = 1;", 1, "ts")).toBeNull();
    expect(markLoops("while (true {", 1, "ts")).toBeNull();
  });

  it("keeps a #! line first", () => {
    const out = markLoops("#!/usr/bin/env node\nwhile (false) {}", 1, "js")!;
    expect(out.code.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(out.code.split("\n")).toHaveLength(2);
  });

  it("numbers files and turns a mark back into file:line", () => {
    const marks = new LoopMarks("/course");
    const a = marks.fileNumber("/course/exercises/raft-log/raft.ts");
    const b = marks.fileNumber("/course/exercises/raft-log/log.ts");
    expect(marks.fileNumber("/course/exercises/raft-log/raft.ts")).toBe(a);
    expect(a).not.toBe(b);
    expect(marks.place(markFor(a, 41))).toBe("exercises/raft-log/raft.ts:41");
    expect(marks.place(markFor(b, 7))).toBe("exercises/raft-log/log.ts:7");
    expect(marks.place(0)).toBeNull();
    expect(marks.place(markFor(b + 5, 7))).toBeNull();
  });
});
