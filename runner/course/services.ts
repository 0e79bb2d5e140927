// The real services behind the TUI screens: progress, cells, hints, watch,
// reset and solutions, on the project at `root`.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TraceJson } from "../sim/index.ts";
import type { Services } from "../tui/services.ts";
import { loadCourse, type Course } from "./course.ts";
import { exerciseProgressOf, loadProgress, updateProgress } from "./progress.ts";
import { referenceFiles } from "./reference.ts";
import { resetExercise } from "./reset.ts";
import { WatchSession } from "./watch.ts";
import { editInEditor, editorCommand } from "../notebook/editor.ts";
import { openNotebook, restoreCell, runNotebookCell, saveCellEdit, unshelveCell } from "../notebook/notebook.ts";

export function realServices(root: string, course: Course, opts: { hyperlinks: boolean; onWarning?: (w: string) => void }): Services {
  const progress = () => {
    const r = loadProgress(root);
    if (r.warning) opts.onWarning?.(r.warning);
    return r.progress;
  };
  const update: typeof updateProgress = (r, change) => {
    const res = updateProgress(r, change);
    if (res.warning) opts.onWarning?.(res.warning);
    return res;
  };
  return {
    course,
    root,
    hyperlinks: opts.hyperlinks,
    progress,
    lessonSource: (lesson) => readFileSync(join(root, lesson.file), "utf8"),
    markLessonOpened(lesson) {
      update(root, (p) => {
        p.lessons[lesson.id] = { opened: true, quizzes: p.lessons[lesson.id]?.quizzes ?? {} };
      });
    },
    notebook: (lesson, cells) => openNotebook(root, lesson.id, cells),
    runCell: (lesson, cell, columns) => runNotebookCell(root, lesson.id, cell, { columns, color: false }),
    saveCellEdit: (lesson, cell, code) => saveCellEdit(root, lesson.id, cell, code),
    restoreCell: (lesson, cell) => restoreCell(root, lesson.id, cell),
    unshelveCell: (lesson, cell) => unshelveCell(root, lesson.id, cell),
    editor: () => editorCommand(),
    editInEditor: (lesson, cell, command) => editInEditor(root, lesson.id, cell.index, cell.code, command),
    answerQuiz(lesson, quiz, choice, correct) {
      update(root, (p) => {
        const l = p.lessons[lesson.id] ?? { opened: true, quizzes: {} };
        l.quizzes[String(quiz)] = { choice, correct };
        p.lessons[lesson.id] = l;
      });
    },
    nextHint(exercise) {
      let shown = 0;
      update(root, (p) => {
        const ep = exerciseProgressOf(p, exercise.id);
        shown = Math.min(ep.hintsShown + 1, exercise.hints.length);
        p.exercises[exercise.id] = { ...ep, hintsShown: shown };
      });
      return exercise.hints.slice(0, shown);
    },
    hintsShown: (exercise) => exercise.hints.slice(0, exerciseProgressOf(progress(), exercise.id).hintsShown),
    watch: (exercise) => new WatchSession({ root, exercise }),
    // A workshop's course may list only some stages of a worksheet: stages are the whole course's.
    reset: (exercise, scope) => resetExercise(root, loadCourse(root), exercise, scope),
    solution: (exercise) => referenceFiles(root, loadCourse(root), exercise),
    readTrace: (traceFile) => {
      try {
        return (JSON.parse(readFileSync(join(root, traceFile), "utf8")) as { trace: TraceJson }).trace;
      } catch {
        return null;
      }
    },
  };
}
