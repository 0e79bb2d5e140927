// The course map: every lesson and exercise with its status, overall
// progress, and what "continue" opens next. Pure: course + progress in, data out.

import type { Course, Exercise, Lesson } from "./course.ts";
import { displayStatus, exerciseProgressOf, type Progress } from "./progress.ts";

export type ItemStatus = "done" | "in progress" | "not started";

export interface MapExercise {
  exercise: Exercise;
  status: ItemStatus;
  hintsShown: number;
}

export interface MapLesson {
  lesson: Lesson;
  status: ItemStatus;
  opened: boolean;
  quizzesAnswered: number;
  exercises: MapExercise[];
}

export type MapItem = { kind: "lesson"; id: string } | { kind: "exercise"; id: string };

export interface CourseMap {
  lessons: MapLesson[];
  /** Lessons read plus exercises passed … */
  done: number;
  /** … out of lessons plus exercises. */
  total: number;
  lessonsRead: number;
  exercisesPassed: number;
  exerciseCount: number;
  /** The first unfinished item in course order (a lesson not yet read, or an exercise not yet passed). */
  next: MapItem | null;
}

export function lessonStatus(opened: boolean, exercises: readonly MapExercise[]): ItemStatus {
  const allDone = exercises.every((e) => e.status === "done");
  if (opened && allDone) return "done";
  if (opened || exercises.some((e) => e.status !== "not started")) return "in progress";
  return "not started";
}

export function courseMap(c: Course, p: Progress): CourseMap {
  let next: MapItem | null = null;
  let lessonsRead = 0;
  let exercisesPassed = 0;
  let exerciseCount = 0;
  const lessons = c.lessons.map((lesson) => {
    const lp = p.lessons[lesson.id];
    const opened = Boolean(lp?.opened);
    const exercises = lesson.exercises.map((id) => {
      const exercise = c.exercises.find((e) => e.id === id)!;
      const ep = exerciseProgressOf(p, id);
      return { exercise, status: displayStatus(ep), hintsShown: ep.hintsShown };
    });
    if (opened) lessonsRead++;
    else next ??= { kind: "lesson", id: lesson.id };
    for (const e of exercises) {
      exerciseCount++;
      if (e.status === "done") exercisesPassed++;
      else next ??= { kind: "exercise", id: e.exercise.id };
    }
    return { lesson, status: lessonStatus(opened, exercises), opened, quizzesAnswered: Object.keys(lp?.quizzes ?? {}).length, exercises };
  });
  return { lessons, done: lessonsRead + exercisesPassed, total: c.lessons.length + exerciseCount, lessonsRead, exercisesPassed, exerciseCount, next };
}
