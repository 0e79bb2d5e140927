// The lesson reader: a pager over the laid-out lesson, with runnable cells
// (Enter/r runs the selected one; output appears beneath it), quizzes
// (digit keys answer), a table of contents and a jump to the exercises.

import { Box } from "ink";
import { useEffect, useMemo, useState } from "react";
import type { LessonDocument } from "../notebook/document.ts";
import { layoutLesson, wrap, type CellView, type Line, type Region } from "../notebook/layout.ts";
import { footerHeight, Lines, padLines, Screen, StyledLine, type KeyHint, useKeys } from "./lines.tsx";

export interface ReaderProps {
  doc: LessonDocument;
  title: string;
  /** A line above the text (e.g. "outside today's plan"). */
  banner?: string | null;
  width: number;
  height: number;
  hyperlinks: boolean;
  answers: ReadonlyMap<number, number>;
  exercises: readonly string[];
  runCell(index: number, columns: number): Promise<{ ok: boolean; output: string; timedOut: boolean; durationMs: number; exitCode: number | null }>;
  onAnswer(quiz: number, choice: number, correct: boolean): void;
  onOpenExercise(id: string): void;
  onBack(): void;
}

type Sel = { kind: "cell" | "quiz"; index: number } | null;

/** "1–4": the digit keys that answer this lesson's quizzes (its longest quiz has that many choices). */
export function answerKeys(choices: number): string {
  return choices <= 1 ? "1" : `1–${Math.min(9, choices)}`;
}

export const READER_KEYS = (exercises: readonly string[], choices = 9): KeyHint[] => [
  { key: "↑↓/jk", label: "scroll" },
  { key: "PgUp/PgDn", label: "page" },
  { key: "g/G", label: "top/end" },
  { key: "Tab", label: "next cell/quiz" },
  { key: "Enter/r", label: "run cell" },
  ...(choices > 0 ? [{ key: answerKeys(choices), label: "answer" }] : []),
  { key: "t", label: "contents" },
  ...(exercises.length ? [{ key: "e", label: "exercise" }] : []),
  { key: "q", label: "back" },
];

function visible(r: Region, top: number, h: number): boolean {
  return r.end > top && r.start < top + h;
}

export function Reader({ doc, title, banner, width, height, hyperlinks, answers: initialAnswers, exercises, runCell, onAnswer, onOpenExercise, onBack }: ReaderProps) {
  const [top, setTop] = useState(0);
  const [chosen, setChosen] = useState<Sel>(null);
  const [cells, setCells] = useState<ReadonlyMap<number, CellView>>(new Map());
  const [answers, setAnswers] = useState<ReadonlyMap<number, number>>(initialAnswers);
  const [toc, setToc] = useState<number | null>(null);

  const keys = READER_KEYS(exercises, Math.max(0, ...doc.quizzes.map((q) => q.choices.length)));
  const bannerLines = banner ? wrap([{ text: banner, style: { color: "yellow" } }], width - 1, [{ text: " " }], [{ text: " " }]) : [];
  const bodyH = Math.max(3, height - 1 - footerHeight(keys, width) - 1 - bannerLines.length);
  const contentW = Math.min(width - 2, 100);

  // Layout without selection first, to know where regions are; selection only restyles lines.
  const base = useMemo(() => layoutLesson(doc, { width: contentW, hyperlinks, interactive: true, cells, answers, selected: null }), [doc, contentW, hyperlinks, cells, answers]);
  const maxTop = Math.max(0, base.lines.length - bodyH);
  const clampedTop = Math.min(top, maxTop);
  const selected: Sel = chosen && base.regions.some((r) => r.kind === chosen.kind && r.index === chosen.index && visible(r, clampedTop, bodyH)) ? chosen : (base.regions.find((r) => visible(r, clampedTop, bodyH)) ?? null);
  const layout = useMemo(() => (selected ? layoutLesson(doc, { width: contentW, hyperlinks, interactive: true, cells, answers, selected }) : base), [doc, contentW, hyperlinks, cells, answers, selected?.kind, selected?.index, base]);

  useEffect(() => {
    if (top > maxTop) setTop(maxTop);
  }, [top, maxTop]);

  const scrollTo = (t: number) => setTop(Math.max(0, Math.min(maxTop, t)));
  // Relative moves use the latest position, so held-down keys never lose steps.
  const scrollBy = (d: number) => setTop((t) => Math.max(0, Math.min(maxTop, Math.min(t, maxTop) + d)));
  const regionOf = (s: Sel) => (s ? layout.regions.find((r) => r.kind === s.kind && r.index === s.index) : undefined);

  const run = (index: number) => {
    if (cells.get(index)?.state === "running") return;
    setCells((m) => new Map(m).set(index, { state: "running" }));
    void runCell(index, contentW - 2).then((r) => {
      setCells((m) => new Map(m).set(index, { state: "done", ok: r.ok, output: r.output, timedOut: r.timedOut, durationMs: r.durationMs, exitCode: r.exitCode }));
    });
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
  });

  const pct = base.lines.length <= bodyH ? "all" : `${Math.round((100 * Math.min(clampedTop + bodyH, base.lines.length)) / base.lines.length)}%`;
  const running = [...cells.values()].filter((c) => c.state === "running").length;
  const status: Line = [{ text: ` ${running ? `running ${running} cell${running > 1 ? "s" : ""}… ` : ""}`, style: { color: "yellow" } }, { text: selected ? (selected.kind === "cell" ? `cell ${selected.index} selected: Enter runs it` : `quiz ${selected.index}: press ${answerKeys(doc.quizzes.find((q) => q.index === selected.index)?.choices.length ?? 9)} to answer`) : doc.cells.length + doc.quizzes.length ? "Tab moves to the next cell or quiz" : "", style: { dim: true } }];

  let body: Line[];
  if (toc !== null) {
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
      {bannerLines.length ? <Lines lines={bannerLines} /> : null}
      <Box flexDirection="column" height={bodyH}>
        <Lines lines={padLines(body, bodyH)} hyperlinks={hyperlinks} />
      </Box>
      <StyledLine line={status} />
    </Screen>
  );
}
