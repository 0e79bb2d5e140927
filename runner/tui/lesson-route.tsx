// The lesson reader as a route: loads the lesson, its saved quiz answers, and
// marks it opened. Loaded lazily by app.tsx (it brings markdown-it along).

import { useEffect, useMemo, useRef, useState } from "react";
import { findLesson } from "../course/course.ts";
import { cellDiffLines } from "../notebook/cellDiff.ts";
import { parseLesson, type LessonDocument } from "../notebook/document.ts";
import type { NotebookCell } from "../notebook/edits.ts";
import type { CellView } from "../notebook/layout.ts";
import type { KeptOutput } from "../notebook/outputs.ts";
import { Reader, type CellEditing } from "./reader.tsx";
import type { Services } from "./services.ts";
import { handOverTerminal } from "./terminal.ts";

export function LessonRoute({ services, lessonId, width, height, onBack, onOpenExercise }: { services: Services; lessonId: string; width: number; height: number; onBack(): void; onOpenExercise(id: string): void }) {
  const lesson = findLesson(services.course, lessonId)!;
  const doc = useMemo(() => parseLesson(services.lessonSource(lesson)), [lesson, services]);
  const answers = useMemo(() => {
    const q = services.progress().lessons[lesson.id]?.quizzes ?? {};
    return new Map(Object.entries(q).map(([k, v]) => [Number(k), v.choice]));
  }, [lesson, services]);
  useEffect(() => services.markLessonOpened(lesson), [lesson, services]);

  // The learner's notebook: their edits of the cells, and the outputs kept from earlier sessions.
  const opened = useMemo(() => services.notebook(lesson, doc.cells), [lesson, doc, services]);
  const [cells, setCells] = useState<NotebookCell[]>(opened.cells);
  // Runs started right after an edit must see it before React re-renders.
  const latest = useRef(cells);
  const cellAt = (index: number) => latest.current.find((c) => c.index === index)!;
  const update = (cell: NotebookCell) => {
    latest.current = latest.current.map((c) => (c.index === cell.index ? cell : c));
    setCells(latest.current);
  };
  const shownDoc = useMemo(() => withCode(doc, cells), [doc, cells]);
  const kept = useMemo(() => new Map([...opened.outputs].map(([i, o]) => [i, keptView(o, new Date())])), [opened]);
  const edits = useMemo(() => new Map(cells.filter((c) => c.edit).map((c) => [c.index, c.stale ? ("stale" as const) : ("edited" as const)])), [cells]);
  const shelved = useMemo(() => new Set(cells.filter((c) => c.shelved).map((c) => c.index)), [cells]);

  const editing: CellEditing = {
    editor: services.editor(),
    edits,
    code: (index) => cellAt(index).code,
    external(index, command) {
      const r = handOverTerminal(() => services.editInEditor(lesson, cellAt(index), command));
      if (r.status !== "changed") return r;
      const cell = services.saveCellEdit(lesson, cellAt(index), r.code);
      update(cell);
      return { ...r, edited: cell.edit !== null };
    },
    save(index, code) {
      const cell = services.saveCellEdit(lesson, cellAt(index), code);
      update(cell);
      return cell.edit !== null;
    },
    restore(index) {
      const cell = services.restoreCell(lesson, cellAt(index));
      update(cell);
      const o = services.notebook(lesson, doc.cells).outputs.get(index);
      return o && !o.edited ? keptView(o, new Date()) : null;
    },
    diff: (index) => cellDiffLines(cellAt(index)),
    shelved,
    unshelve(index) {
      const cell = services.unshelveCell(lesson, cellAt(index));
      update(cell);
      const o = services.notebook(lesson, doc.cells).outputs.get(index);
      return o && o.edited ? keptView(o, new Date()) : null;
    },
  };

  return (
    <Reader
      doc={shownDoc}
      title={`${lesson.id.slice(0, 2)} · ${lesson.title}`}
      width={width}
      height={height}
      hyperlinks={services.hyperlinks}
      answers={answers}
      exercises={firstUnfinished(lesson.exercises, services)}
      runCell={(index, columns) => services.runCell(lesson, cellAt(index), columns)}
      kept={kept}
      editing={editing}
      notice={opened.warning}
      onAnswer={(quiz, choice, correct) => services.answerQuiz(lesson, quiz, choice, correct)}
      onOpenExercise={onOpenExercise}
      onBack={onBack}
    />
  );
}

/** The lesson with the learner's code in the cells they edited. */
function withCode(doc: LessonDocument, cells: readonly NotebookCell[]): LessonDocument {
  const code = new Map(cells.filter((c) => c.edit).map((c) => [c.index, c.code]));
  if (code.size === 0) return doc;
  const swap = (b: LessonDocument["blocks"][number]): LessonDocument["blocks"][number] => {
    if (b.type === "cell") return code.has(b.index) ? { ...b, code: code.get(b.index)! } : b;
    if (b.type === "list") return { ...b, items: b.items.map((item) => item.map(swap)) };
    if (b.type === "quote") return { ...b, blocks: b.blocks.map(swap) };
    return b;
  };
  const blocks = doc.blocks.map(swap);
  return { ...doc, blocks, cells: doc.cells.map((c) => (code.has(c.index) ? { ...c, code: code.get(c.index)! } : c)) };
}

/** "14:02" today, "6 Dec" before. */
export function ranAtLabel(iso: string, now: Date): string {
  const d = new Date(iso);
  const sameDay = d.toDateString() === now.toDateString();
  return sameDay ? `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}` : `${d.getDate()} ${d.toLocaleString("en", { month: "short" })}`;
}

/** A kept output as the reader shows it: marked with when it ran and whether it ran the learner's edit. */
function keptView(o: KeptOutput, now: Date): CellView {
  return { state: "done", ok: o.ok, output: o.output, timedOut: o.timedOut, durationMs: o.durationMs, exitCode: o.exitCode, ranAt: ranAtLabel(o.ranAt, now), edited: o.edited };
}

/** The lesson's exercises with the first one not yet passed in front: `e` opens it. */
function firstUnfinished(ids: readonly string[], services: Services): string[] {
  const p = services.progress();
  const i = ids.findIndex((id) => !p.exercises[id]?.passedAt);
  return i <= 0 ? [...ids] : [ids[i]!, ...ids.filter((_, j) => j !== i)];
}
