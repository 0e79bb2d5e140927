// What the screens may ask of the rest of faultline. The CLI passes real
// implementations (runner/course/services.ts); component tests pass fakes.

import type { Course, Exercise, Lesson } from "../course/course.ts";
import type { Progress } from "../course/progress.ts";
import type { ReferenceFile } from "../course/reference.ts";
import type { ResetResult, ResetScope } from "../course/reset.ts";
import type { WatchState } from "../course/watch.ts";
import type { CellResult } from "../notebook/cells.ts";
import type { EditorOutcome } from "../notebook/editor.ts";
import type { LessonCell, NotebookCell } from "../notebook/edits.ts";
import type { Notebook } from "../notebook/notebook.ts";
import type { KeptOutput } from "../notebook/outputs.ts";

export interface WatchHandle {
  state: WatchState;
  on(event: "state", listener: (s: WatchState) => void): unknown;
  off(event: "state", listener: (s: WatchState) => void): unknown;
  start(): void;
  regrade(): void;
  close(): Promise<void>;
}

import type { TraceJson } from "../sim/index.ts";

export interface Services {
  course: Course;
  /** Relative paths are shown; absolute ones make links. */
  root: string;
  hyperlinks: boolean;
  progress(): Progress;
  lessonSource(lesson: Lesson): string;
  markLessonOpened(lesson: Lesson): void;
  /** The learner's notebook of a lesson (notebook/notebook.ts): cells with their edits, kept outputs. */
  notebook(lesson: Lesson, cells: readonly LessonCell[]): Notebook;
  /** Runs the cell's current code (the learner's edit, if any) and keeps its output. */
  runCell(lesson: Lesson, cell: NotebookCell, columns: number): Promise<CellResult & { kept?: KeptOutput }>;
  /** Keeps `code` as the learner's version of the cell; returns the cell as it now is. */
  saveCellEdit(lesson: Lesson, cell: NotebookCell, code: string): NotebookCell;
  /** Puts the lesson's cell back (the learner's version is shelved); returns the cell as it now is. */
  restoreCell(lesson: Lesson, cell: NotebookCell): NotebookCell;
  /** Brings back the learner's version of a restored cell; returns the cell as it now is. */
  unshelveCell(lesson: Lesson, cell: NotebookCell): NotebookCell;
  /** The learner's editor command ($VISUAL, else $EDITOR), or null. */
  editor(): string | null;
  /** Opens the cell in the learner's editor and waits (the caller hands the terminal over). */
  editInEditor(lesson: Lesson, cell: NotebookCell, command: string): EditorOutcome;
  answerQuiz(lesson: Lesson, quiz: number, choice: number, correct: boolean): void;
  /** Reveals one more hint; returns the hints shown so far. */
  nextHint(exercise: Exercise): string[];
  hintsShown(exercise: Exercise): string[];
  watch(exercise: Exercise): WatchHandle;
  /**
   * Restores the stub (for a stage of a shared worksheet: that stage's part,
   * or with "worksheet" every stage); throws a ResetError, changing nothing,
   * when the stage's part cannot be found in the learner's file.
   */
  reset(exercise: Exercise, scope: ResetScope): ResetResult;
  /** The reference as the learner may see it (a staged view for a stage of a shared worksheet). */
  solution(exercise: Exercise): ReferenceFile[];
  /** A failure's saved trace (path relative to the root), for the trace viewer; null when unreadable. */
  readTrace?(traceFile: string): TraceJson | null;
}
