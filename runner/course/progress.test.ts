import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, test, vi } from "vitest";
import type { Course } from "./course.ts";
import { courseMap } from "./map.ts";
import { emptyProgress, loadProgress, progressFile, recordAnswer, recordGrade, saveProgress, updateProgress } from "./progress.ts";

// These tests make project roots of their own and look for .faultline/ inside
// them, even when npm test keeps its state elsewhere (FAULTLINE_STATE_DIR).
beforeAll(() => {
  vi.stubEnv("FAULTLINE_STATE_DIR", "");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), "faultline-progress-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test("progress round-trips through an atomic write and leaves no temp files", () => {
  const root = fresh();
  updateProgress(root, (p) => {
    recordGrade(p, "echo", "pass", new Date("2026-01-01T00:00:00Z"));
    p.lessons["00-the-lab"] = { opened: true, quizzes: { "1": { choice: 2, correct: true } } };
  });
  const { progress, warning } = loadProgress(root);
  expect(warning).toBeNull();
  expect(progress.exercises["echo"]).toMatchObject({ status: "pass", attempts: 1, passedAt: "2026-01-01T00:00:00.000Z" });
  expect(progress.lessons["00-the-lab"]!.quizzes["1"]).toEqual({ choice: 2, correct: true });
  expect(readdirSync(join(root, ".faultline"))).toEqual(["progress.json"]);
});

test("a corrupt progress file is set aside with a warning, never a crash", () => {
  const root = fresh();
  mkdirSync(join(root, ".faultline"));
  writeFileSync(progressFile(root), "{ not json");
  const { progress, warning } = loadProgress(root, () => new Date("2026-01-02T03:04:05Z"));
  expect(progress).toEqual(emptyProgress());
  expect(warning).toMatch(/damaged/);
  expect(existsSync(progressFile(root))).toBe(false);
  const aside = readdirSync(join(root, ".faultline")).find((f) => f.startsWith("progress.json.corrupt-"))!;
  expect(readFileSync(join(root, ".faultline", aside), "utf8")).toBe("{ not json");
  saveProgress(root, progress);
  expect(loadProgress(root).warning).toBeNull();
});

const course: Course = {
  version: 1,
  title: "t",
  lessons: [
    { id: "00-a", title: "A", file: "a.md", exercises: ["x"] },
    { id: "01-b", title: "B", file: "b.md", exercises: [] },
    { id: "02-c", title: "C", file: "c.md", exercises: ["y"] },
  ],
  exercises: [
    { id: "x", title: "X", lesson: "00-a", summary: "s", files: ["x.ts"], hints: ["h"] },
    { id: "y", title: "Y", lesson: "02-c", summary: "s", files: ["y.ts"], hints: ["h"] },
  ],
};

test("the course map: statuses, progress counts and what continue opens", () => {
  const p = emptyProgress();
  let m = courseMap(course, p);
  expect(m.next).toEqual({ kind: "lesson", id: "00-a" });
  expect(m.lessons.map((l) => l.status)).toEqual(["not started", "not started", "not started"]);
  p.lessons["00-a"] = { opened: true, quizzes: {} };
  recordGrade(p, "x", "fail", new Date());
  m = courseMap(course, p);
  expect(m.lessons[0]!.status).toBe("in progress");
  expect(m.lessons[0]!.exercises[0]!.status).toBe("in progress");
  expect(m.next).toEqual({ kind: "exercise", id: "x" });
  recordGrade(p, "x", "pass", new Date());
  p.lessons["01-b"] = { opened: true, quizzes: {} };
  m = courseMap(course, p);
  expect(m.lessons.map((l) => l.status)).toEqual(["done", "done", "not started"]);
  expect(m.next).toEqual({ kind: "lesson", id: "02-c" });
  expect([m.done, m.total]).toEqual([3, 5]);
});

test("every quiz answer is kept in order; the last one stands", () => {
  const p = emptyProgress();
  recordAnswer(p, "00-the-lab", 1, 2, false);
  recordAnswer(p, "00-the-lab", 1, 0, true);
  recordAnswer(p, "00-the-lab", 2, 1, true);
  expect(p.lessons["00-the-lab"]!.quizzes["1"]).toEqual({ choice: 0, correct: true, answers: [2, 0] });
  expect(p.lessons["00-the-lab"]!.quizzes["2"]).toEqual({ choice: 1, correct: true, answers: [1] });
  // A file written before answers were kept: its one answer becomes the first.
  p.lessons["00-the-lab"]!.quizzes["3"] = { choice: 1, correct: false };
  recordAnswer(p, "00-the-lab", 3, 2, true);
  expect(p.lessons["00-the-lab"]!.quizzes["3"]!.answers).toEqual([1, 2]);
});
