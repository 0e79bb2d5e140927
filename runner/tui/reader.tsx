// The lesson reader: a pager over the laid-out lesson, with runnable cells
// (Enter/r runs the selected one; output appears beneath it; E edits it, d
// compares an edited cell with the lesson's, u restores the lesson's),
// quizzes (digit keys answer), a table of contents and a jump to the
// exercises.

import { Box } from "ink";
import { useEffect, useMemo, useRef, useState } from "react";
import type { LessonDocument } from "../notebook/document.ts";
import { unchangedMessage, type EditorOutcome } from "../notebook/editor.ts";
import { layoutLesson, type CellView, type Line, type Region } from "../notebook/layout.ts";
import { CELL_EDITOR_KEYS, CellEditor } from "./cellEditor.tsx";
import { Lines, padLines, Screen, StyledLine, type KeyHint, useKeys } from "./lines.tsx";

/** What the reader may do to the learner's cells (lesson-route.tsx passes the real thing; tests, fakes). */
export interface CellEditing {
  /** The learner's editor ($VISUAL/$EDITOR), or null: then E opens the inline editor. */
  editor: string | null;
  /** Cells the learner edited ("stale": the lesson's cell changed since). */
  edits: ReadonlyMap<number, "edited" | "stale">;
  /** The cell's code as the learner's notebook has it. */
  code(index: number): string;
  /** Opens the learner's editor on the cell, waits, and keeps a changed version (`edited`: the cell now differs from the lesson's). */
  external(index: number, command: string): EditorOutcome & { edited?: boolean };
  /** Keeps `code` (from the inline editor) as the learner's version of the cell; true when it differs from the lesson's. */
  save(index: number, code: string): boolean;
  /** Puts the lesson's cell back (the learner's version is kept); the last output of the lesson's code, if any. */
  restore(index: number): CellView | null;
  /** The edited cell against the lesson's. */
  diff(index: number): Line[];
  /** Restored cells whose learner's version `u` can bring back. */
  shelved: ReadonlySet<number>;
  /** Brings the learner's version back; the last output of its code, if any. */
  unshelve(index: number): CellView | null;
}

export interface ReaderProps {
  doc: LessonDocument;
  title: string;
  width: number;
  height: number;
  hyperlinks: boolean;
  answers: ReadonlyMap<number, number>;
  exercises: readonly string[];
  runCell(index: number, columns: number): Promise<{ ok: boolean; output: string; timedOut: boolean; durationMs: number; exitCode: number | null }>;
  /** Outputs kept from earlier sessions, by cell. */
  kept?: ReadonlyMap<number, CellView>;
  editing?: CellEditing;
  /** A warning to show once (e.g. a damaged notebook file). */
  notice?: string | null;
  onAnswer(quiz: number, choice: number, correct: boolean): void;
  onOpenExercise(id: string): void;
  onBack(): void;
}

type Sel = { kind: "cell" | "quiz"; index: number } | null;

export const READER_KEYS = (exercises: readonly string[], editedSelected = false): KeyHint[] => [
  { key: "↑↓/jk", label: "scroll" },
  { key: "PgUp/PgDn", label: "page" },
  { key: "g/G", label: "top/end" },
  { key: "Tab", label: "next cell/quiz" },
  { key: "Enter/r", label: "run cell" },
  { key: "E", label: "edit" },
  ...(editedSelected ? [{ key: "d/u", label: "diff/restore" }] : []),
  { key: "1-9", label: "answer" },
  { key: "t", label: "contents" },
  ...(exercises.length ? [{ key: "e", label: "exercise" }] : []),
  { key: "q", label: "back" },
];

function visible(r: Region, top: number, h: number): boolean {
  return r.end > top && r.start < top + h;
}

export function Reader({ doc, title, width, height, hyperlinks, answers: initialAnswers, exercises, runCell, kept, editing, notice, onAnswer, onOpenExercise, onBack }: ReaderProps) {
  const [top, setTop] = useState(0);
  const [chosen, setChosen] = useState<Sel>(null);
  const [cells, setCells] = useState<ReadonlyMap<number, CellView>>(() => new Map(kept ?? []));
  const [answers, setAnswers] = useState<ReadonlyMap<number, number>>(initialAnswers);
  const [toc, setToc] = useState<number | null>(null);
  // Overlays over the text: the inline editor, and an edited cell's diff.
  const [inline, setInline] = useState<{ index: number; notice: string | null } | null>(null);
  const [diff, setDiff] = useState<{ index: number; top: number } | null>(null);
  /** A line for the status bar, in place of the usual hint, until the next key. */
  const [message, setMessage] = useState<{ text: string; tone: "info" | "bad" } | null>(notice ? { text: notice, tone: "bad" } : null);
  const started = useRef(new Map<number, number>());
  const [, setClock] = useState(0);

  const editsMap = useMemo(() => editing?.edits ?? new Map<number, "edited" | "stale">(), [editing?.edits]);
  const keys = inline ? CELL_EDITOR_KEYS : READER_KEYS(exercises, chosen?.kind === "cell" && editsMap.has(chosen.index));
  const footerH = width < 100 ? 2 : 1;
  const bodyH = Math.max(3, height - 1 - footerH - 1);
  const contentW = Math.min(width - 2, 100);

  // A cell that runs for more than a second shows how long it has been running.
  const running = [...cells.values()].filter((c) => c.state === "running").length;
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setClock((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [running]);
  const now = performance.now();
  const secondsRunning = [...started.current.values()].map((t) => Math.floor((now - t) / 1000)).join(",");
  const shown = useMemo(() => {
    if (!running) return cells;
    const m = new Map(cells);
    for (const [i, t] of started.current) {
      const s = Math.floor((now - t) / 1000);
      if (s >= 1 && m.get(i)?.state === "running") m.set(i, { state: "running", runningFor: s });
    }
    return m;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cells, running, secondsRunning]);

  // Layout without selection first, to know where regions are; selection only restyles lines.
  const base = useMemo(() => layoutLesson(doc, { width: contentW, hyperlinks, interactive: true, cells: shown, answers, selected: null, edits: editsMap }), [doc, contentW, hyperlinks, shown, answers, editsMap]);
  const maxTop = Math.max(0, base.lines.length - bodyH);
  const clampedTop = Math.min(top, maxTop);
  const selected: Sel = chosen && base.regions.some((r) => r.kind === chosen.kind && r.index === chosen.index && visible(r, clampedTop, bodyH)) ? chosen : (base.regions.find((r) => visible(r, clampedTop, bodyH)) ?? null);
  const layout = useMemo(() => (selected ? layoutLesson(doc, { width: contentW, hyperlinks, interactive: true, cells: shown, answers, selected, edits: editsMap }) : base), [doc, contentW, hyperlinks, shown, answers, selected?.kind, selected?.index, base, editsMap]);

  useEffect(() => {
    if (top > maxTop) setTop(maxTop);
  }, [top, maxTop]);

  const scrollTo = (t: number) => setTop(Math.max(0, Math.min(maxTop, t)));
  // Relative moves use the latest position, so held-down keys never lose steps.
  const scrollBy = (d: number) => setTop((t) => Math.max(0, Math.min(maxTop, Math.min(t, maxTop) + d)));
  const regionOf = (s: Sel) => (s ? layout.regions.find((r) => r.kind === s.kind && r.index === s.index) : undefined);

  /** Runs a cell; `edited`: whether it is the learner's version (known before a just-saved edit has rendered). */
  const run = (index: number, edited = editsMap.has(index)) => {
    if (cells.get(index)?.state === "running") {
      setMessage({ text: `Cell ${index} is still running; press Enter once it ends to run it as it is now.`, tone: "info" });
      return;
    }
    started.current.set(index, performance.now());
    setCells((m) => new Map(m).set(index, { state: "running" }));
    void runCell(index, contentW - 2).then((r) => {
      started.current.delete(index);
      setCells((m) => new Map(m).set(index, { state: "done", ok: r.ok, output: r.output, timedOut: r.timedOut, durationMs: r.durationMs, exitCode: r.exitCode, edited }));
    });
  };

  const edit = (index: number) => {
    if (!editing) return;
    if (!editing.editor) return setInline({ index, notice: "No $VISUAL or $EDITOR is set, so the cell opens here. To use your own editor: export EDITOR=nano (say), then restart faultline." });
    const r = editing.external(index, editing.editor);
    if (r.status === "failed") return setMessage({ text: r.message, tone: "bad" });
    if (r.status === "unchanged") return setMessage({ text: unchangedMessage(editing.editor), tone: "info" });
    setMessage({ text: `Cell ${index} is yours now; running it (d diff, u restore).`, tone: "info" });
    run(index, r.edited ?? true);
  };

  const restore = (index: number) => {
    if (editing && !editing.edits.has(index) && editing.shelved.has(index)) {
      const view = editing.unshelve(index);
      setMessage({ text: `Your version of cell ${index} is back (u again restores the lesson's).`, tone: "info" });
      if (view) setCells((m) => new Map(m).set(index, view));
      else run(index, true);
      return;
    }
    if (!editing?.edits.has(index)) return setMessage({ text: `Cell ${index} is the lesson's own: there is nothing to restore.`, tone: "info" });
    const view = editing.restore(index);
    setDiff(null);
    setMessage({ text: `Cell ${index} is the lesson's again; u brings yours back.`, tone: "info" });
    if (view) setCells((m) => new Map(m).set(index, view));
    else run(index, false);
  };

  // When a cell's output arrives below the screen, bring it into view.
  useEffect(() => {
    const r = regionOf(selected);
    if (r && r.kind === "cell" && r.output !== undefined && r.end > clampedTop + bodyH) scrollTo(Math.min(r.output - 3, r.end - bodyH));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cells]);

  const moveSelection = (dir: 1 | -1) => {
    const rs = layout.regions;
    if (!rs.length) return;
    const cur = regionOf(selected);
    let next: Region | undefined;
    if (!cur) next = dir === 1 ? rs.find((r) => r.start >= clampedTop) : [...rs].reverse().find((r) => r.start < clampedTop + bodyH);
    else next = dir === 1 ? rs.find((r) => r.start > cur.start) : [...rs].reverse().find((r) => r.start < cur.start);
    if (!next) return;
    setChosen({ kind: next.kind, index: next.index });
    if (!visible(next, clampedTop, bodyH) || next.end > clampedTop + bodyH) scrollTo(next.end - next.start <= bodyH ? Math.max(next.start - 2, next.end - bodyH) : next.start);
    else if (next.start < clampedTop) scrollTo(next.start);
  };

  useKeys((input, key) => {
    setMessage(null);
    if (diff !== null) {
      const room = Math.max(1, bodyH - 1);
      const total = editing?.diff(diff.index).length ?? 0;
      if (key.escape || input === "q" || input === "d") setDiff(null);
      else if (key.downArrow || input === "j") setDiff({ ...diff, top: Math.min(Math.max(0, total - room), diff.top + 1) });
      else if (key.upArrow || input === "k") setDiff({ ...diff, top: Math.max(0, diff.top - 1) });
      else if (input === "u") restore(diff.index);
      else if (input === "E") {
        setDiff(null);
        edit(diff.index);
      }
      return;
    }
    if (toc !== null) {
      const hs = layout.headings;
      if (key.escape || input === "t" || input === "q") setToc(null);
      else if (key.downArrow || input === "j") setToc((i) => Math.min(hs.length - 1, (i ?? 0) + 1));
      else if (key.upArrow || input === "k") setToc((i) => Math.max(0, (i ?? 0) - 1));
      else if (key.return && hs[toc]) {
        scrollTo(hs[toc]!.line);
        setChosen(null);
        setToc(null);
      }
      return;
    }
    if (input === "q" || key.escape) onBack();
    else if (key.downArrow || input === "j") scrollBy(1);
    else if (key.upArrow || input === "k") scrollBy(-1);
    else if (key.pageDown || input === " " || input === "f" || (key.ctrl && input === "d")) scrollBy(bodyH - 2);
    else if (key.pageUp || input === "b" || (key.ctrl && input === "u")) scrollBy(-(bodyH - 2));
    else if (input === "g" || key.home) scrollTo(0);
    else if (input === "G" || key.end) scrollTo(maxTop);
    else if ((key.tab && !key.shift) || input === "n") moveSelection(1);
    else if ((key.tab && key.shift) || input === "N" || input === "p") moveSelection(-1);
    else if ((key.return || input === "r") && selected?.kind === "cell") run(selected.index);
    else if (input === "E" && selected?.kind === "cell" && editing) edit(selected.index);
    else if (input === "d" && selected?.kind === "cell" && editing) {
      if (editing.edits.has(selected.index)) setDiff({ index: selected.index, top: 0 });
      else setMessage({ text: `Cell ${selected.index} is the lesson's own: nothing to compare (E edits it).`, tone: "info" });
    } else if (input === "u" && selected?.kind === "cell" && editing) restore(selected.index);
    else if (input === "t") {
      const cur = [...layout.headings].reverse().findIndex((h) => h.line <= clampedTop);
      setToc(cur < 0 ? 0 : layout.headings.length - 1 - cur);
    } else if (input === "e" && exercises.length) onOpenExercise(exercises[0]!);
    else if (/^[1-9]$/.test(input) && selected?.kind === "quiz") {
      const q = doc.quizzes.find((x) => x.index === selected.index);
      const choice = Number(input) - 1;
      if (q && choice < q.choices.length) {
        setAnswers((m) => new Map(m).set(q.index, choice));
        onAnswer(q.index, choice, q.choices[choice]!.correct);
      }
    }
  }, { isActive: inline === null });

  const pct = base.lines.length <= bodyH ? "all" : `${Math.round((100 * Math.min(clampedTop + bodyH, base.lines.length)) / base.lines.length)}%`;
  const stale = selected?.kind === "cell" && editsMap.get(selected.index) === "stale";
  const hint = selected
    ? selected.kind === "cell"
      ? stale
        ? `cell ${selected.index}: the lesson changed it after your edit; d shows both, u takes the lesson's`
        : `cell ${selected.index} selected: Enter runs it, E edits it${editsMap.has(selected.index) ? ", d/u diff/restore" : editing?.shelved.has(selected.index) ? ", u brings your version back" : ""}`
      : `quiz ${selected.index}: press 1–9 to answer`
    : doc.cells.length + doc.quizzes.length
      ? "Tab moves to the next cell or quiz"
      : "";
  const status: Line = inline
    ? [{ text: ` editing cell ${inline.index}; the lesson itself stays as it is`, style: { dim: true } }]
    : message
    ? [{ text: ` ${message.text}`, style: message.tone === "bad" ? { color: "red" } : { color: "cyan" } }]
    : [{ text: ` ${running ? `running ${running} cell${running > 1 ? "s" : ""}… ` : ""}`, style: { color: "yellow" } }, { text: hint, style: stale ? { color: "yellow" } : { dim: true } }];

  let body: Line[];
  if (diff !== null) {
    const all = editing?.diff(diff.index) ?? [];
    body = [[{ text: ` cell ${diff.index}: yours and the lesson's `, style: { bold: true, inverse: true } }, { text: "  ↑↓ scroll · u restore · E edit · d/Esc close", style: { dim: true } }], ...all.slice(diff.top, diff.top + bodyH - 1).map((l) => [{ text: " " }, ...l])];
  } else if (toc !== null) {
    body = [[{ text: " Contents ", style: { bold: true, inverse: true } }, { text: "  ↑↓ choose · Enter jump · t/Esc close", style: { dim: true } }], []];
    const hs = layout.headings;
    const room = bodyH - 2;
    const first = Math.max(0, Math.min(toc - Math.floor(room / 2), hs.length - room));
    hs.slice(first, first + room).forEach((h, i) => {
      const sel = first + i === toc;
      body.push([{ text: sel ? "❯ " : "  ", style: { color: "cyan", bold: true } }, { text: "  ".repeat(Math.max(0, h.level - 1)) + h.text, style: { bold: h.level <= 2 || sel, ...(sel ? { color: "cyan" } : {}) } }]);
    });
  } else body = layout.lines.slice(clampedTop, clampedTop + bodyH).map((l) => [{ text: " " }, ...l]);

  return (
    <Screen title={` ${title}`} right={`${pct} `} width={width} keys={keys}>
      {inline && editing ? (
        <CellEditor
          index={inline.index}
          code={editing.code(inline.index)}
          width={width}
          height={bodyH}
          notice={inline.notice}
          onCancel={() => setInline(null)}
          onSave={(code) => {
            setInline(null);
            setMessage({ text: `Cell ${inline.index} is yours now; running it (d diff, u restore).`, tone: "info" });
            run(inline.index, editing.save(inline.index, code));
          }}
        />
      ) : (
        <Box flexDirection="column" height={bodyH}>
          <Lines lines={padLines(body, bodyH)} hyperlinks={hyperlinks} />
        </Box>
      )}
      <StyledLine line={status} />
    </Screen>
  );
}
