import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseLesson, plainText } from "./document.ts";
import { highlightLines } from "./highlight.ts";
import { layoutLesson, lineText, lineWidth, renderLine, wrap } from "./layout.ts";

const sample = readFileSync(join(import.meta.dirname, "fixtures", "sample.md"), "utf8");

describe("parseLesson", () => {
  const doc = parseLesson(sample);

  test("finds the title, cells in order, and the quiz", () => {
    expect(doc.title).toBe("A sample lesson");
    expect(doc.cells.map((c) => c.index)).toEqual([1, 2]);
    expect(doc.cells[0]!.code).toContain('console.log("hello from cell 1")');
    expect(doc.quizzes).toHaveLength(1);
    const q = doc.quizzes[0]!;
    expect(plainText(q.question)).toBe("Which message can the network never deliver?");
    expect(q.choices.map((c) => [plainText(c.text), c.correct])).toEqual([
      ["A duplicated one", false],
      ["One that was never sent", true],
    ]);
    expect(plainText(q.choices[1]!.explanation)).toMatch(/does not invent/);
  });

  test("keeps inline styles and link targets", () => {
    const p = doc.blocks.find((b) => b.type === "paragraph")!;
    expect(p.type === "paragraph" && p.text.some((s) => s.italic && s.text === "short")).toBe(true);
    expect(p.type === "paragraph" && p.text.some((s) => s.bold && s.text === "two generals")).toBe(true);
    expect(p.type === "paragraph" && p.text.some((s) => s.href === "https://example.com/generals")).toBe(true);
  });

  test("a quiz without exactly one right answer is reported, not crashed on", () => {
    const bad = parseLesson("::: quiz\nQ?\n\n- [ ] a\n  > no\n- [ ] b\n  > no\n:::\n");
    expect(bad.quizzes).toHaveLength(0);
    expect(bad.blocks[0]).toMatchObject({ type: "problem" });
    expect((bad.blocks[0] as { message: string }).message).toMatch(/exactly one \[x\]/);
  });
});

describe("layoutLesson", () => {
  const doc = parseLesson(sample);

  test.each([20, 32, 50, 80, 120])("no line is wider than %i columns", (width) => {
    const l = layoutLesson(doc, { width, answerKey: true, interactive: true, cells: new Map([[1, { state: "done", ok: true, output: "x".repeat(300), durationMs: 5 }]]) });
    for (const line of l.lines) expect(lineWidth(line)).toBeLessThanOrEqual(width);
  });

  test("### and deeper headings read as headings, never as raw Markdown (reader and --plain)", () => {
    const d = parseLesson("# Title\n\n### Where it blocks\n\ntext\n\n#### Deeper still\n");
    for (const interactive of [true, false]) {
      const text = layoutLesson(d, { width: 80, interactive }).lines.map(lineText).join("\n");
      expect(text).toMatch(/^Where it blocks$/m);
      expect(text).toMatch(/^Deeper still$/m);
      expect(text).not.toContain("#");
    }
  });

  test("headings and regions point at their lines", () => {
    const l = layoutLesson(doc, { width: 60 });
    for (const h of l.headings) expect(lineText(l.lines[h.line]!)).toContain(h.text);
    expect(l.regions.map((r) => `${r.kind}${r.index}`)).toEqual(["cell1", "quiz1", "cell2"]);
    expect(lineText(l.lines[l.regions[0]!.start]!)).toContain("cell 1");
  });

  test("plain text has no escape codes; links show their target", () => {
    const text = layoutLesson(doc, { width: 80, answerKey: true })
      .lines.map((x) => renderLine(x))
      .join("\n");
    expect(text).not.toMatch(/\u001b/);
    expect(text).toContain("<https://example.com/generals>");
    expect(text).toMatch(/Answer key/);
    expect(text).toMatch(/quiz 1: 2\)/);
  });

  test("with hyperlinks, links are OSC 8 and the target is not repeated", () => {
    const l = layoutLesson(doc, { width: 80, hyperlinks: true });
    const text = l.lines.map((x) => renderLine(x, { color: false, hyperlinks: true })).join("\n");
    expect(text).toContain("\u001b]8;;https://example.com/generals\u0007link\u001b]8;;\u0007");
    expect(text).not.toContain("<https://example.com/generals>");
  });

  test("an answered quiz shows which choice is right and why", () => {
    const l = layoutLesson(doc, { width: 80, interactive: true, answers: new Map([[1, 0]]) });
    const text = l.lines.map(lineText).join("\n");
    expect(text).toMatch(/✗ 1\) A duplicated one/);
    expect(text).toMatch(/✓ 2\) One that was never sent/);
    expect(text).toMatch(/Duplicates are delivered/);
  });

  test("cell output appears beneath the cell", () => {
    const l = layoutLesson(doc, { width: 80, interactive: true, cells: new Map([[2, { state: "done", ok: true, output: "cell 2 says hi", durationMs: 12 }]]) });
    const r = l.regions.find((x) => x.kind === "cell" && x.index === 2)!;
    const text = l.lines.slice(r.start, r.end).map(lineText).join("\n");
    expect(text).toMatch(/output \(12 ms\)/);
    expect(text).toMatch(/│ cell 2 says hi/);
  });
});

test("wrap breaks words at the width and cuts words longer than a line", () => {
  const lines = wrap([{ text: "alpha beta gamma " + "x".repeat(30) }], 12);
  expect(lines.map(lineText)).toEqual(["alpha beta", "gamma", "xxxxxxxxxxxx", "xxxxxxxxxxxx", "xxxxxx"]);
});

test("highlightLines gives scopes for TypeScript and plain text for unknown languages", () => {
  const lines = highlightLines('const x: number = 1; // hi\nlet s = "a<b";', "ts");
  expect(lines).toHaveLength(2);
  expect(lines[0]!.find((t) => t.text === "const")?.scope).toBe("keyword");
  expect(lines[0]!.find((t) => t.text.startsWith("//"))?.scope).toBe("comment");
  expect(lines[1]!.map((t) => t.text).join("")).toBe('let s = "a<b";');
  expect(highlightLines("a\nb", "nope")).toEqual([[{ text: "a", scope: null }], [{ text: "b", scope: null }]]);
});
