// Workshop mode: an instructor's workshop.json (at the project root, or the
// file FAULTLINE_WORKSHOP names) chooses which lessons and exercises a room
// works through, in which order, and how long each gets. `applyWorkshop`
// turns it into a course of the same shape as course.json's, so the home
// screen and `faultline list` can show it without knowing workshops exist;
// `workshopPlan` gives the timetable.
//
//   {
//     "version": 1,
//     "title": "Failure in an afternoon",
//     "start": "13:30",
//     "steps": [
//       { "lesson": "00-the-lab", "minutes": 20 },
//       { "lesson": "01-two-generals", "minutes": 15, "exercises": [] },
//       { "exercise": "echo", "minutes": 25 },
//       { "break": "coffee", "minutes": 10 },
//       { "lesson": "08-raft", "minutes": 30, "exercises": ["raft-election"] },
//       { "exercise": "raft-election", "minutes": 45 }
//     ]
//   }

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { CourseError, findExercise, findLesson, type Course, type Lesson } from "./course.ts";

const minutes = z.number().int().positive().max(24 * 60);

export const workshopStepSchema = z.union([
  /** Read a lesson; `exercises` narrows (and orders) the exercises shown with it. */
  z.object({ lesson: z.string().min(1), minutes: minutes.optional(), exercises: z.array(z.string().min(1)).optional() }).strict(),
  /** Work on an exercise (it must belong to a lesson in the workshop). */
  z.object({ exercise: z.string().min(1), minutes: minutes.optional() }).strict(),
  /** A pause, shown in the timetable only. */
  z.object({ break: z.string().min(1), minutes }).strict(),
]);

export const workshopSchema = z
  .object({
    version: z.literal(1),
    title: z.string().min(1),
    /** Local start time "HH:MM", for the timetable. */
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'start looks like "13:30"').optional(),
    steps: z.array(workshopStepSchema).min(1),
  })
  .strict();

export type Workshop = z.infer<typeof workshopSchema>;
export type WorkshopStep = z.infer<typeof workshopStepSchema>;

export interface PlanItem {
  kind: "lesson" | "exercise" | "break";
  /** Lesson or exercise id; the break's label. */
  id: string;
  title: string;
  minutes: number | null;
  /** Minutes from the start of the workshop (null once a step has no time box). */
  startsAt: number | null;
  /** "13:50" when the workshop has a start time. */
  clock: string | null;
}

export function workshopFile(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env["FAULTLINE_WORKSHOP"] ? resolve(root, env["FAULTLINE_WORKSHOP"]) : join(root, "workshop.json");
}

/** The workshop in force, or null when there is none. Problems are CourseErrors that say what to fix. */
export function loadWorkshop(root: string, course: Course, file = workshopFile(root)): Workshop | null {
  if (!existsSync(file)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CourseError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return validateWorkshop(data, course, file);
}

export function validateWorkshop(data: unknown, course: Course, file = "workshop.json"): Workshop {
  const r = workshopSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new CourseError(`${file}: ${i.path.join(".") || "(top level)"}: ${i.message}`);
  }
  const w = r.data;
  const problems: string[] = [];
  const lessons = new Set<string>();
  w.steps.forEach((s, n) => {
    if ("lesson" in s) {
      const l = findLesson(course, s.lesson);
      if (!l) return problems.push(`steps[${n}]: there is no lesson "${s.lesson}" (lessons: ${course.lessons.map((x) => x.id).join(", ")})`);
      lessons.add(l.id);
      for (const e of s.exercises ?? []) if (!l.exercises.includes(e)) problems.push(`steps[${n}]: lesson ${l.id} has no exercise "${e}" (it has: ${l.exercises.join(", ") || "none"})`);
    }
    if ("exercise" in s && !findExercise(course, s.exercise)) problems.push(`steps[${n}]: there is no exercise "${s.exercise}"`);
    return undefined;
  });
  for (const [n, s] of w.steps.entries()) {
    if ("exercise" in s) {
      const e = findExercise(course, s.exercise);
      if (e && !lessons.has(e.lesson)) problems.push(`steps[${n}]: exercise ${s.exercise} is taught in lesson ${e.lesson}, which the workshop does not include`);
    }
  }
  if (problems.length) throw new CourseError(`${file} does not match the course:\n- ${problems.join("\n- ")}`);
  return w;
}

/**
 * The course as the workshop presents it: its lessons in workshop order, each
 * with the chosen exercises (by default the ones the workshop works on, in
 * the order it works on them, else the lesson's own), other lessons left out.
 */
export function applyWorkshop(course: Course, w: Workshop | null): Course {
  if (!w) return course;
  const lessons: Lesson[] = [];
  const worked = w.steps.flatMap((s) => ("exercise" in s ? [s.exercise] : []));
  for (const s of w.steps) {
    if (!("lesson" in s)) continue;
    const l = findLesson(course, s.lesson)!;
    if (lessons.some((x) => x.id === l.id)) continue;
    const chosen = s.exercises ?? (worked.some((id) => l.exercises.includes(id)) ? worked.filter((id) => l.exercises.includes(id)) : l.exercises);
    lessons.push({ ...l, exercises: [...new Set(chosen)] });
  }
  const ids = new Set(lessons.flatMap((l) => l.exercises));
  return { ...course, title: w.title, lessons, exercises: course.exercises.filter((e) => ids.has(e.id)) };
}

/** The timetable: every step with its time box and start. */
export function workshopPlan(course: Course, w: Workshop): PlanItem[] {
  let at: number | null = 0;
  const base = w.start ? Number(w.start.slice(0, 2)) * 60 + Number(w.start.slice(3)) : null;
  return w.steps.map((s) => {
    const startsAt: number | null = at;
    const m = s.minutes ?? null;
    at = at === null || m === null ? null : at + m;
    const clock = base !== null && startsAt !== null ? `${String(Math.floor((base + startsAt) / 60) % 24).padStart(2, "0")}:${String((base + startsAt) % 60).padStart(2, "0")}` : null;
    if ("lesson" in s) {
      const l = findLesson(course, s.lesson)!;
      return { kind: "lesson", id: l.id, title: l.title, minutes: m, startsAt, clock };
    }
    if ("exercise" in s) return { kind: "exercise", id: s.exercise, title: findExercise(course, s.exercise)!.title, minutes: m, startsAt, clock };
    return { kind: "break", id: s.break, title: s.break, minutes: m, startsAt, clock };
  });
}

export function formatPlan(w: Workshop, plan: readonly PlanItem[]): string {
  const total = plan.every((p) => p.minutes !== null) ? plan.reduce((n, p) => n + p.minutes!, 0) : null;
  const lines = [`${w.title}${total !== null ? ` (${Math.floor(total / 60)} h ${total % 60} min)` : ""}`];
  for (const p of plan) {
    const when = p.clock ?? (p.startsAt !== null ? `+${p.startsAt}′` : "");
    const box = p.minutes !== null ? `${p.minutes} min` : "";
    lines.push(`  ${when.padEnd(6)} ${box.padEnd(7)} ${p.kind.padEnd(8)} ${p.kind === "break" ? p.title : `${p.id} — ${p.title}`}`);
  }
  return lines.join("\n");
}

/** Where the room should be at a moment of the day, by the timetable. */
export type PlanPosition =
  /** The plan has no start time, or a step without a time box comes first: no clock to follow. */
  | { at: "untimed" }
  | { at: "before"; startsAt: string }
  | { at: "during"; index: number; item: PlanItem; until: string; next: PlanItem | null }
  | { at: "after"; endedAt: string };

function clockOf(minutes: number): string {
  const m = ((Math.floor(minutes) % (24 * 60)) + 24 * 60) % (24 * 60);
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/**
 * The step the room should be on at `minuteOfDay` (minutes since local
 * midnight: the room's clock, not the simulator's). A plan without a start
 * time, or whose time boxes stop before now, is "untimed".
 */
export function planPosition(w: Workshop, plan: readonly PlanItem[], minuteOfDay: number): PlanPosition {
  if (!w.start || plan.length === 0) return { at: "untimed" };
  const base = Number(w.start.slice(0, 2)) * 60 + Number(w.start.slice(3));
  const now = minuteOfDay;
  if (now < base) return { at: "before", startsAt: w.start };
  for (const [index, item] of plan.entries()) {
    if (item.startsAt === null || item.minutes === null) return { at: "untimed" };
    const end = base + item.startsAt + item.minutes;
    if (now < end) return { at: "during", index, item, until: clockOf(end), next: plan[index + 1] ?? null };
  }
  const last = plan.at(-1)!;
  return { at: "after", endedAt: clockOf(base + last.startsAt! + last.minutes!) };
}

/** One line for the course map: where the room should be now. */
export function describePosition(p: PlanPosition): string | null {
  switch (p.at) {
    case "untimed":
      return null;
    case "before":
      return `The workshop starts at ${p.startsAt}.`;
    case "after":
      return `The workshop's plan ended at ${p.endedAt}.`;
    case "during": {
      const what = p.item.kind === "break" ? `break: ${p.item.title}` : `${p.item.kind} ${p.item.id}`;
      const next = p.next ? ` · then ${p.next.kind === "break" ? `break (${p.next.title})` : p.next.id}` : "";
      return `Now: ${what}, until ${p.until}${next}`;
    }
  }
}

/** The line a lesson or exercise outside the workshop opens with. */
export function outsidePlanNotice(w: Workshop, kind: "lesson" | "exercise", id: string): string {
  return `${kind === "lesson" ? "Lesson" : "Exercise"} ${id} is outside today's plan (${w.title}): it works as usual, and the course map shows the plan.`;
}

/** Whether the planned course (applyWorkshop) includes this lesson or exercise. */
export function inPlan(planned: Course, kind: "lesson" | "exercise", id: string): boolean {
  return kind === "lesson" ? planned.lessons.some((l) => l.id === id) : planned.exercises.some((e) => e.id === id);
}
