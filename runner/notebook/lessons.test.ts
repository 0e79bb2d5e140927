// Every lesson in the course parses cleanly for the reader: quizzes are well
// formed (one right answer, an explanation for every choice) and nothing is
// shown as a problem block. Lesson authors find mistakes here, not on screen.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { loadCourse } from "../course/course.ts";
import { extractCells, solutionsUsed, usesSolutions } from "./cells.ts";
import { parseLesson, plainText, type Block } from "./document.ts";
import { layoutLesson, lineWidth } from "./layout.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const course = loadCourse(ROOT);

function problems(blocks: readonly Block[]): string[] {
  return blocks.flatMap((b) => (b.type === "problem" ? [b.message] : b.type === "list" ? b.items.flatMap(problems) : b.type === "quote" ? problems(b.blocks) : []));
}

test.each(course.lessons.map((l) => [l.id, l.file]))("%s reads cleanly in the reader", (_id, file) => {
  const doc = parseLesson(readFileSync(join(ROOT, file), "utf8"));
  expect(problems(doc.blocks)).toEqual([]);
  for (const q of doc.quizzes) {
    expect(q.choices.filter((c) => c.correct)).toHaveLength(1);
    for (const c of q.choices) expect(plainText(c.explanation), `quiz ${q.index}: "${plainText(c.text)}" needs a > explanation`).not.toBe("");
  }
  for (const width of [40, 80]) for (const line of layoutLesson(doc, { width, answerKey: true }).lines) expect(lineWidth(line)).toBeLessThanOrEqual(width);
});

test.each(course.lessons.map((l) => [l.id, l.file, l.title]))("%s is titled as course.json titles it (the reader and the map show one name)", (_id, file, title) => {
  expect(parseLesson(readFileSync(join(ROOT, file), "utf8")).title).toBe(title);
});

test.each(course.lessons.map((l) => [l.id, l.file]))("%s has at least one runnable cell and one quiz", (_id, file) => {
  const doc = parseLesson(readFileSync(join(ROOT, file), "utf8"));
  expect(doc.blocks.filter((b) => b.type === "cell").length).toBeGreaterThanOrEqual(1);
  expect(doc.quizzes.length).toBeGreaterThanOrEqual(1);
});

test.each(course.lessons.map((l) => [l.id, l.file]))("%s: no cell imports a reference solution (a learner's copy has none; cells use the lesson's own demos)", (_id, file) => {
  for (const cell of extractCells(readFileSync(join(ROOT, file), "utf8"))) expect(usesSolutions(cell.code), `cell ${cell.index} imports ${solutionsUsed(cell.code).join(", ")}'s solution`).toBe(false);
});
