import { describe, expect, it } from "vitest";
import type { Course } from "./course.ts";
import { applyWorkshop, formatPlan, validateWorkshop, workshopPlan } from "./workshop.ts";

const course: Course = {
  version: 1,
  title: "c",
  lessons: [
    { id: "00-lab", title: "Lab", file: "l0.md", exercises: ["echo"] },
    { id: "01-gen", title: "Generals", file: "l1.md", exercises: ["two-generals"] },
    { id: "02-time", title: "Time", file: "l2.md", exercises: ["lamport", "vector"] },
  ],
  exercises: ["echo", "two-generals", "lamport", "vector"].map((id, i) => ({ id, title: id.toUpperCase(), lesson: ["00-lab", "01-gen", "02-time", "02-time"][i]!, summary: "s", files: ["a.ts"], hints: ["h"] })),
};

describe("workshop.json", () => {
  const w = validateWorkshop(
    {
      version: 1,
      title: "An afternoon",
      start: "13:30",
      steps: [
        { lesson: "02-time", minutes: 20 },
        { exercise: "vector", minutes: 40 },
        { break: "coffee", minutes: 10 },
        { lesson: "00-lab", minutes: 15, exercises: [] },
      ],
    },
    course,
  );

  it("orders the course as the workshop does, with only the chosen exercises", () => {
    const c = applyWorkshop(course, w);
    expect(c.title).toBe("An afternoon");
    expect(c.lessons.map((l) => [l.id, l.exercises])).toEqual([
      ["02-time", ["vector"]],
      ["00-lab", []],
    ]);
    expect(c.exercises.map((e) => e.id)).toEqual(["vector"]);
    expect(applyWorkshop(course, null)).toBe(course);
  });

  it("gives a timetable with time boxes and clock times", () => {
    const plan = workshopPlan(course, w);
    expect(plan.map((p) => [p.kind, p.id, p.clock])).toEqual([
      ["lesson", "02-time", "13:30"],
      ["exercise", "vector", "13:50"],
      ["break", "coffee", "14:30"],
      ["lesson", "00-lab", "14:40"],
    ]);
    expect(formatPlan(w, plan)).toMatch(/An afternoon \(1 h 25 min\)/);
  });

  it("explains what is wrong with a workshop that does not match the course", () => {
    expect(() => validateWorkshop({ version: 1, title: "x", steps: [{ lesson: "09-nope" }] }, course)).toThrow(/no lesson "09-nope"/);
    expect(() => validateWorkshop({ version: 1, title: "x", steps: [{ lesson: "00-lab" }, { exercise: "vector" }] }, course)).toThrow(/lesson 02-time, which the workshop does not include/);
    expect(() => validateWorkshop({ version: 1, title: "x", steps: [{ lesson: "00-lab", exercises: ["vector"] }] }, course)).toThrow(/has no exercise "vector"/);
    expect(() => validateWorkshop({ version: 1, title: "x", start: "1pm", steps: [{ lesson: "00-lab" }] }, course)).toThrow(/start/);
  });
});
