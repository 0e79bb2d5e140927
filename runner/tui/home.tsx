// Home: the course map. Lessons in order with their exercises, each with a
// status; a progress bar; "continue" to the next unfinished item.

import { Box } from "ink";
import { useMemo, useState } from "react";
import type { CourseMap, ItemStatus, MapItem } from "../course/map.ts";
import { describePosition, type PlanItem, type PlanPosition } from "../course/workshop.ts";
import { lineWidth, wrap, type Line, type Seg } from "../notebook/text.ts";
import { footerHeight, Lines, padLines, progressBar, Screen, type KeyHint, useKeys } from "./lines.tsx";

/** A workshop's timetable and where the room should be now (course/workshop.ts). */
export interface HomePlan {
  title: string;
  items: readonly PlanItem[];
  position: PlanPosition;
}

export interface HomeProps {
  map: CourseMap;
  title: string;
  width: number;
  height: number;
  initial?: MapItem | null;
  notice?: string | null;
  /** In a workshop: the plan, shown with p, and the step the room is on. */
  plan?: HomePlan | null;
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

const NOW: Seg = { text: "◀ now", style: { color: "magenta", bold: true } };

/** `left` with `right` at the end of the line; the left part is cut short when both do not fit. */
function withRight(left: Seg[], right: Seg[], width: number): Line {
  if (lineWidth(right) === 0) return truncate(left, width);
  const gap = width - lineWidth(left) - lineWidth(right);
  if (gap > 1) return [...left, { text: " ".repeat(gap) }, ...right];
  return [...truncate(left, Math.max(1, width - lineWidth(right) - 1)), { text: " " }, ...right];
}

function rows(map: CourseMap, now: MapItem | null): Row[] {
  const out: Row[] = [];
  const isNow = (kind: MapItem["kind"], id: string) => now?.kind === kind && now.id === id;
  for (const l of map.lessons) {
    out.push({
      item: { kind: "lesson", id: l.lesson.id },
      line: (sel, width) => {
        const num = l.lesson.id.slice(0, 2);
        const status = l.status === "not started" ? "" : l.status;
        const left: Seg[] = [{ text: sel ? "❯ " : "  ", style: { color: "cyan", bold: true } }, MARK[l.status], { text: ` ${num}  ` , style: { dim: !sel } }, { text: l.lesson.title, style: { bold: true, ...(sel ? { color: "cyan" } : {}) } }];
        const right: Seg[] = isNow("lesson", l.lesson.id) ? [NOW, ...(status ? [{ text: ` · ${status}`, style: { dim: true } }] : [])] : [{ text: status, style: { dim: true } }];
        return withRight(left, right, width);
      },
    });
    for (const e of l.exercises) {
      out.push({
        item: { kind: "exercise", id: e.exercise.id },
        line: (sel, width) => {
          const segs: Seg[] = [{ text: sel ? "❯ " : "  ", style: { color: "cyan", bold: true } }, { text: "      " }, MARK[e.status], { text: " " }, { text: e.exercise.id, style: { ...(sel ? { color: "cyan", bold: true } : { color: "blue" }) } }, { text: "  " + e.exercise.summary, style: { dim: true } }];
          return withRight(segs, isNow("exercise", e.exercise.id) ? [NOW] : [], width);
        },
      });
    }
  }
  return out;
}

/** The timetable, one step a line; the step the room should be on is marked. */
export function planLines(plan: HomePlan, width: number): Line[] {
  const total = plan.items.every((p) => p.minutes !== null) ? plan.items.reduce((n, p) => n + p.minutes!, 0) : null;
  const out: Line[] = [[{ text: ` Plan: ${plan.title}${total !== null ? ` (${Math.floor(total / 60)} h ${total % 60} min)` : ""} `, style: { inverse: true, bold: true } }, { text: "  p/Esc close", style: { dim: true } }], []];
  const current = plan.position.at === "during" ? plan.position.index : -1;
  plan.items.forEach((p, i) => {
    const when = p.clock ?? (p.startsAt !== null ? `+${p.startsAt}′` : "");
    const box = p.minutes !== null ? `${p.minutes}′` : "";
    const here = i === current;
    const what = p.kind === "break" ? `break · ${p.title}` : `${p.kind === "lesson" ? "lesson  " : "exercise"} ${p.id} — ${p.title}`;
    out.push(truncate([{ text: here ? "▶ " : "  ", style: { color: "magenta", bold: true } }, { text: `${when.padEnd(6)} ${box.padStart(4)}  `, style: { dim: !here } }, { text: what, style: here ? { bold: true, color: "magenta" } : p.kind === "break" ? { dim: true } : {} }], width));
  });
  return out;
}

export const HOME_KEYS: KeyHint[] = [
  { key: "↑↓/jk", label: "move" },
  { key: "Enter", label: "open" },
  { key: "c", label: "continue" },
  { key: "q", label: "quit" },
];

export const homeKeys = (plan: boolean): KeyHint[] => (plan ? [...HOME_KEYS.slice(0, 3), { key: "p", label: "plan" }, HOME_KEYS[3]!] : HOME_KEYS);

export function Home({ map, title, width, height, initial, notice, plan, onOpen, onQuit }: HomeProps) {
  const now: MapItem | null = plan?.position.at === "during" && plan.position.item.kind !== "break" ? { kind: plan.position.item.kind, id: plan.position.item.id } : null;
  const all = useMemo(() => rows(map, now), [map, now?.kind, now?.id]);
  const start = initial ? Math.max(0, all.findIndex((r) => r.item.kind === initial.kind && r.item.id === initial.id)) : map.next ? Math.max(0, all.findIndex((r) => r.item.kind === map.next!.kind && r.item.id === map.next!.id)) : 0;
  const [sel, setSel] = useState(start);
  const [showPlan, setShowPlan] = useState(false);
  const [planTop, setPlanTop] = useState(0);

  useKeys((input, key) => {
    if (showPlan) {
      if (input === "p" || input === "q" || key.escape) setShowPlan(false);
      else if (key.downArrow || input === "j") setPlanTop((t) => t + 1);
      else if (key.upArrow || input === "k") setPlanTop((t) => Math.max(0, t - 1));
      return;
    }
    if (input === "p" && plan) setShowPlan(true);
    else if (input === "q" || key.escape) onQuit();
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
  const where = plan ? describePosition(plan.position) : null;
  if (plan) header.push(...wrap([{ text: where ?? `Workshop: ${plan.title}.`, style: { color: "magenta" } }, { text: " · p: the plan", style: { dim: true } }], inner, [{ text: " " }], [{ text: " " }]));
  if (notice) header.push(...wrap([{ text: notice, style: { color: "yellow" } }], inner, [{ text: " " }]));
  header.push([]);
  const keys = homeKeys(Boolean(plan));
  const bodyH = Math.max(1, height - 1 - footerHeight(keys, width) - header.length);
  const top = Math.max(0, Math.min(sel - Math.floor(bodyH / 2), all.length - bodyH));
  let visible: Line[];
  if (showPlan && plan) {
    // The title stays; the steps scroll when the plan is longer than the screen.
    const [head, blank, ...steps] = planLines(plan, inner);
    const room = Math.max(1, bodyH - 2);
    const first = Math.min(planTop, Math.max(0, steps.length - room));
    visible = [head!, blank!, ...steps.slice(first, first + room)];
  } else visible = all.slice(top, top + bodyH).map((r, i) => r.line(top + i === sel, inner));
  const scrollInfo = !showPlan && all.length > bodyH ? `${top + 1}–${Math.min(all.length, top + bodyH)} of ${all.length}` : "";
  return (
    <Screen title={` ${title}`} right={scrollInfo ? `${scrollInfo} ` : ""} width={width} keys={keys}>
      <Box flexDirection="column" height={header.length + bodyH}>
        <Lines lines={header} />
        <Lines lines={padLines(visible, bodyH)} />
      </Box>
    </Screen>
  );
}
