// Home: the course map. Lessons in order with their exercises, each with a
// status; a progress bar; "continue" to the next unfinished item.

import { Box } from "ink";
import { useMemo, useState } from "react";
import type { CourseMap, ItemStatus, MapItem } from "../course/map.ts";
import { lineWidth, wrap, type Line, type Seg } from "../notebook/text.ts";
import { Lines, padLines, progressBar, Screen, type KeyHint, useKeys } from "./lines.tsx";

export interface HomeProps {
  map: CourseMap;
  title: string;
  width: number;
  height: number;
  initial?: MapItem | null;
  notice?: string | null;
  onOpen(item: MapItem): void;
  onQuit(): void;
}

const MARK: Record<ItemStatus, Seg> = {
  done: { text: "✓", style: { color: "green", bold: true } },
  "in progress": { text: "◐", style: { color: "yellow", bold: true } },
  "not started": { text: "·", style: { dim: true } },
};

interface Row {
  item: MapItem;
  line: (selected: boolean, width: number) => Line;
}

function truncate(segs: Seg[], width: number): Line {
  const out: Line = [];
  let w = 0;
  for (const s of segs) {
    const sw = lineWidth([s]);
    if (w + sw <= width) {
      out.push(s);
      w += sw;
      continue;
    }
    const room = width - w - 1;
    if (room > 0) out.push({ text: [...s.text].slice(0, room).join("") + "…", ...(s.style ? { style: s.style } : {}) });
    break;
  }
  return out;
}

function rows(map: CourseMap): Row[] {
  const out: Row[] = [];
  for (const l of map.lessons) {
    out.push({
      item: { kind: "lesson", id: l.lesson.id },
      line: (sel, width) => {
        const num = l.lesson.id.slice(0, 2);
        const status = l.status === "not started" ? "" : l.status;
        const left: Seg[] = [{ text: sel ? "❯ " : "  ", style: { color: "cyan", bold: true } }, MARK[l.status], { text: ` ${num}  ` , style: { dim: !sel } }, { text: l.lesson.title, style: { bold: true, ...(sel ? { color: "cyan" } : {}) } }];
        const right: Seg[] = [{ text: status, style: { dim: true } }];
        const gap = width - lineWidth(left) - lineWidth(right);
        return gap > 1 ? [...left, { text: " ".repeat(gap) }, ...right] : truncate(left, width);
      },
    });
    for (const e of l.exercises) {
      out.push({
        item: { kind: "exercise", id: e.exercise.id },
        line: (sel, width) => {
          const segs: Seg[] = [{ text: sel ? "❯ " : "  ", style: { color: "cyan", bold: true } }, { text: "      " }, MARK[e.status], { text: " " }, { text: e.exercise.id, style: { ...(sel ? { color: "cyan", bold: true } : { color: "blue" }) } }, { text: "  " + e.exercise.summary, style: { dim: true } }];
          return truncate(segs, width);
        },
      });
    }
  }
  return out;
}

export const HOME_KEYS: KeyHint[] = [
  { key: "↑↓/jk", label: "move" },
  { key: "Enter", label: "open" },
  { key: "c", label: "continue" },
  { key: "q", label: "quit" },
];

export function Home({ map, title, width, height, initial, notice, onOpen, onQuit }: HomeProps) {
  const all = useMemo(() => rows(map), [map]);
  const start = initial ? Math.max(0, all.findIndex((r) => r.item.kind === initial.kind && r.item.id === initial.id)) : map.next ? Math.max(0, all.findIndex((r) => r.item.kind === map.next!.kind && r.item.id === map.next!.id)) : 0;
  const [sel, setSel] = useState(start);

  useKeys((input, key) => {
    if (input === "q" || key.escape) onQuit();
    else if (key.downArrow || input === "j") setSel((s) => Math.min(all.length - 1, s + 1));
    else if (key.upArrow || input === "k") setSel((s) => Math.max(0, s - 1));
    else if (key.pageDown) setSel((s) => Math.min(all.length - 1, s + 10));
    else if (key.pageUp) setSel((s) => Math.max(0, s - 10));
    else if (input === "g" || key.home) setSel(0);
    else if (input === "G" || key.end) setSel(all.length - 1);
    else if (key.return && all[sel]) onOpen(all[sel]!.item);
    else if (input === "c" && map.next) onOpen(map.next);
  });

  const inner = width;
  const header: Line[] = [];
  const pct: Seg = { text: ` ${Math.round((100 * map.done) / Math.max(1, map.total))}%  `, style: { bold: true } };
  const counts: Seg = { text: `${map.lessonsRead}/${map.lessons.length} lessons read · ${map.exercisesPassed}/${map.exerciseCount} exercises passed`, style: { dim: true } };
  const barW = Math.min(40, inner - 2 - lineWidth([pct, counts]));
  if (barW >= 10) header.push([{ text: " " }, ...progressBar(map.done, map.total, barW), pct, counts]);
  else header.push([{ text: " " }, ...progressBar(map.done, map.total, Math.max(5, inner - 8)), pct], ...wrap([counts], inner, [{ text: " " }]));
  const nextLabel = map.next ? (map.next.kind === "lesson" ? `lesson ${map.next.id}` : `exercise ${map.next.id}`) : null;
  header.push(...wrap(nextLabel ? [{ text: "c", style: { bold: true, color: "cyan" } }, { text: " continue → " }, { text: nextLabel, style: { bold: true } }] : [{ text: "Every lesson read and every exercise passed. Well done.", style: { color: "green" } }], inner, [{ text: " " }]));
  if (notice) header.push(...wrap([{ text: notice, style: { color: "yellow" } }], inner, [{ text: " " }]));
  header.push([]);
  const footerH = inner < 52 ? 2 : 1;
  const bodyH = Math.max(1, height - 1 - footerH - header.length);
  const top = Math.max(0, Math.min(sel - Math.floor(bodyH / 2), all.length - bodyH));
  const visible = all.slice(top, top + bodyH).map((r, i) => r.line(top + i === sel, inner));
  const scrollInfo = all.length > bodyH ? `${top + 1}–${Math.min(all.length, top + bodyH)} of ${all.length}` : "";
  return (
    <Screen title={` ${title}`} right={scrollInfo ? `${scrollInfo} ` : ""} width={width} keys={HOME_KEYS}>
      <Box flexDirection="column" height={header.length + bodyH}>
        <Lines lines={header} />
        <Lines lines={padLines(visible, bodyH)} />
      </Box>
    </Screen>
  );
}
