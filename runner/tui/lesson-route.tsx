// The lesson reader as a route: loads the lesson, its saved quiz answers, and
// marks it opened. Loaded lazily by app.tsx (it brings markdown-it along).

import { useEffect, useMemo } from "react";
import { findLesson } from "../course/course.ts";
import { parseLesson } from "../notebook/document.ts";
import { Reader } from "./reader.tsx";
import type { Services } from "./services.ts";

export function LessonRoute({ services, lessonId, banner, width, height, onBack, onOpenExercise }: { services: Services; lessonId: string; banner?: string | null; width: number; height: number; onBack(): void; onOpenExercise(id: string): void }) {
  // In a workshop, the lesson's exercises are those of the plan (when the plan has the lesson).
  const lesson = (services.workshop && findLesson(services.workshop.planned, lessonId)) || findLesson(services.course, lessonId)!;
  const doc = useMemo(() => parseLesson(services.lessonSource(lesson)), [lesson, services]);
  const answers = useMemo(() => {
    const q = services.progress().lessons[lesson.id]?.quizzes ?? {};
    return new Map(Object.entries(q).map(([k, v]) => [Number(k), v.choice]));
  }, [lesson, services]);
  useEffect(() => services.markLessonOpened(lesson), [lesson, services]);
  return (
    <Reader
      doc={doc}
      title={`${lesson.id.slice(0, 2)} · ${lesson.title}`}
      banner={banner ?? null}
      width={width}
      height={height}
      hyperlinks={services.hyperlinks}
      answers={answers}
      exercises={firstUnfinished(lesson.exercises, services)}
      runCell={(index, columns) => services.runCell(lesson, doc.cells.find((x) => x.index === index)!, columns)}
      onAnswer={(quiz, choice, correct) => services.answerQuiz(lesson, quiz, choice, correct)}
      onOpenExercise={onOpenExercise}
      onBack={onBack}
    />
  );
}

/** The lesson's exercises with the first one not yet passed in front: `e` opens it. */
function firstUnfinished(ids: readonly string[], services: Services): string[] {
  const p = services.progress();
  const i = ids.findIndex((id) => !p.exercises[id]?.passedAt);
  return i <= 0 ? [...ids] : [ids[i]!, ...ids.filter((_, j) => j !== i)];
}
