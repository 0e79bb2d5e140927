// The exercise screen (watch mode): the files to edit, a verdict per
// scenario that updates on every save, and for the first failure the
// property in plain words, the shrunk fault schedule, the space-time excerpt
// and the replay command. Hints, solution and reset are keys away.

import { Box } from "ink";
import { useEffect, useMemo, useState } from "react";
import { exerciseFolder, WITHHELD_SHORT, worksheetStages, type Exercise } from "../course/course.ts";
import type { ItemStatus } from "../course/map.ts";
import type { WatchState } from "../course/watch.ts";
import { failuresInOrder } from "../grade/failureOrder.ts";
import { failurePlace } from "../grade/format.ts";
import type { ExerciseResult, ScenarioResult } from "../grade/grade.ts";
import { highlightLines, scopeColor } from "../notebook/highlight.ts";
import { lineWidth, wrap, type Line, type Seg } from "../notebook/layout.ts";
import { formatSchedule, type FaultOp, type TraceJson } from "../sim/index.ts";
import { TraceViewer } from "./trace.tsx";
import { footerHeight, Lines, padLines, Screen, StyledLine, type KeyHint, useKeys } from "./lines.tsx";
import type { Services, WatchHandle } from "./services.ts";

export interface WatchProps {
  services: Services;
  exercise: Exercise;
  /** A line under the title (e.g. "outside today's plan"). */
  banner?: string | null;
  width: number;
  height: number;
  /** Exercises in course order with their status, for the list and "next". */
  exercises: { exercise: Exercise; status: ItemStatus }[];
  onOpenExercise(id: string): void;
  onBack(): void;
  /** A verdict was recorded: the course map's statuses changed. */
  onProgress?(): void;
}

/** confirm-reset: `problem` set when this stage's part could not be found, so only the whole worksheet is offered. */
type Overlay = { kind: "list"; sel: number } | { kind: "solution" } | { kind: "confirm-reset"; problem: string | null } | { kind: "trace"; trace: TraceJson; scenario: ScenarioResult } | null;

const STATUS_STYLE: Record<string, Seg> = {
  pass: { text: "✓ pass", style: { color: "green", bold: true } },
  fail: { text: "✗ fail", style: { color: "red", bold: true } },
  error: { text: "! could not run", style: { color: "red", bold: true } },
  "not-started": { text: "· not started", style: { color: "yellow", bold: true } },
};

function truncateLine(text: string, width: number, style?: Seg["style"]): Line {
  const chars = [...text];
  const t = chars.length > width ? chars.slice(0, Math.max(1, width - 1)).join("") + "…" : text;
  return [{ text: t, ...(style ? { style } : {}) }];
}

function scenarioLine(sc: ScenarioResult, width: number): Line {
  const mark: Seg = sc.status === "pass" ? { text: "  ✓ ", style: { color: "green" } } : sc.status === "not-started" ? { text: "  · ", style: { dim: true } } : { text: sc.status === "error" ? "  ! " : "  ✗ ", style: { color: "red" } };
  const runs: Seg = { text: `  ${sc.runs} run${sc.runs === 1 ? "" : "s"}`, style: { dim: true } };
  const room = width - 4 - lineWidth([runs]);
  return [mark, ...truncateLine(sc.name, Math.max(10, room)), runs];
}

/** The verdict as lines: what the learner reads after every save. */
export function verdictLines(ex: ExerciseResult | null, state: Pick<WatchState, "phase" | "problem" | "latencyMs" | "trigger"> & { partial?: boolean }, width: number, folder: string): Line[] {
  const out: Line[] = [];
  if (state.problem) {
    out.push([{ text: "! ", style: { color: "red", bold: true } }, { text: "no verdict", style: { color: "red", bold: true } }]);
    out.push(...wrap([{ text: state.problem }], width, [{ text: "  " }]));
    return out;
  }
  if (!ex) {
    out.push(...wrap([{ text: state.phase === "starting" ? "Starting the grader (a few seconds, once)…" : "Grading…", style: { color: "yellow" } }], width));
    return out;
  }
  const latency = state.latencyMs === null ? "" : state.trigger === "save" ? ` · ${state.latencyMs} ms after save` : ` · in ${state.latencyMs} ms`;
  // An early verdict: one scenario failed and the others are still running.
  if (state.partial) out.push([STATUS_STYLE[ex.status] ?? { text: ex.status }, { text: `   a scenario failed${latency} · the others still grading`, style: { dim: true } }]);
  else out.push([STATUS_STYLE[ex.status] ?? { text: ex.status }, { text: `   ${ex.scenarios.length} scenarios${state.latencyMs !== null ? (state.trigger === "save" ? ` · verdict ${state.latencyMs} ms after save` : ` · graded in ${state.latencyMs} ms`) : ""}`, style: { dim: true } }]);
  if (ex.error) out.push(...wrap([{ text: ex.error, style: { color: "red" } }], width, [{ text: "  " }]));
  if (ex.status === "not-started") {
    const first = ex.scenarios.find((x) => x.failure)?.failure;
    out.push(...wrap([{ text: first ? first.message : "Nothing written yet." }], width, [{ text: "  " }]));
    out.push(...wrap([{ text: `Replace the todo(…) calls in exercises/${folder}/ and save: the verdict updates by itself. h gives a hint.`, style: { dim: true } }], width, [{ text: "  " }]));
    return out;
  }
  for (const sc of ex.scenarios) out.push(scenarioLine(sc, width));
  // The clearest counterexample first (grade/failureOrder.ts).
  const failures = failuresInOrder(ex.scenarios);
  const sc = failures[0];
  if (ex.status === "pass") {
    out.push([]);
    out.push(...wrap([{ text: "Every scenario passes. n opens the next exercise; s shows the reference solution to compare.", style: { color: "green" } }], width, [{ text: "  " }]));
  }
  if (!sc?.failure) return out;
  const f = sc.failure;
  out.push([]);
  out.push(...wrap([{ text: "first failure: ", style: { color: "red", bold: true } }, { text: sc.name, style: { bold: true } }], width, [], [{ text: "  " }]));
  out.push(...wrap([{ text: f.message }], width, [{ text: "  " }]));
  const place = failurePlace(f);
  if (place) out.push(...wrap([{ text: place, style: { dim: true } }], width, [{ text: "  " }]));
  if (f.replay) out.push(...wrap([{ text: "replay: ", style: { bold: true } }, { text: f.replay, style: { color: "cyan" } }], width, [{ text: "  " }], [{ text: "    " }]));
  if (f.minimizedSchedule) {
    const sched = f.minimizedSchedule as FaultOp[];
    out.push([]);
    out.push([{ text: `  fault schedule (shrunk from ${(f.schedule as FaultOp[] | null)?.length ?? "?"} to ${sched.length} operation${sched.length === 1 ? "" : "s"}):`, style: { bold: true } }]);
    for (const l of formatSchedule(sched).split("\n")) out.push(truncateLine(`    ${l}`, width));
  }
  if (f.diagram) {
    out.push([]);
    out.push([{ text: "  space-time excerpt:", style: { bold: true } }]);
    for (const l of f.diagram.split("\n")) out.push(truncateLine(`  ${l}`, width));
  }
  if (f.traceFile) out.push(...wrap([{ text: `trace:  ${f.traceFile}`, style: { dim: true } }], width, [{ text: "  " }]));
  if (failures.length > 1) out.push(...wrap([{ text: `(${failures.length - 1} more failing scenario${failures.length > 2 ? "s" : ""}: fix this one first)`, style: { dim: true } }], width, [{ text: "  " }]));
  return out;
}

function codeBlock(code: string, width: number): Line[] {
  return highlightLines(code, "typescript").map((tokens, i) => {
    const segs: Seg[] = [{ text: `${String(i + 1).padStart(4)} `, style: { dim: true } }, ...tokens.map((t) => ({ text: t.text, style: { color: scopeColor(t.scope) === "gray" ? undefined : scopeColor(t.scope), dim: scopeColor(t.scope) === "gray" } }))];
    const line: Line = [];
    let w = 0;
    for (const s of segs) {
      const room = width - w;
      if (room <= 0) break;
      const chars = [...s.text];
      line.push({ ...s, text: chars.length > room ? chars.slice(0, room).join("") : s.text });
      w += Math.min(chars.length, room);
    }
    return line;
  });
}

export function watchKeys(passed: boolean, hasTrace = false): KeyHint[] {
  return [
    { key: "h", label: "hint" },
    ...(hasTrace ? [{ key: "t", label: "trace" }] : []),
    { key: "l", label: "list" },
    ...(passed ? [{ key: "n", label: "next" }] : []),
    { key: "r", label: "rerun" },
    ...(passed ? [{ key: "s", label: "solution" }] : []),
    { key: "x", label: "reset" },
    { key: "jk", label: "scroll" },
    { key: "q", label: "quit" },
  ];
}

export function Watch({ services, exercise, banner, width, height, exercises, onOpenExercise, onBack, onProgress }: WatchProps) {
  const [handle] = useState<WatchHandle>(() => services.watch(exercise));
  const [state, setState] = useState<WatchState>(handle.state);
  const [hints, setHints] = useState<string[]>(() => services.hintsShown(exercise));
  const [overlay, setOverlay] = useState<Overlay>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [scroll, setScroll] = useState(0);

  useEffect(() => {
    const on = (s: WatchState) => {
      setState(s);
      if (s.phase === "idle") onProgress?.();
    };
    handle.on("state", on);
    handle.start();
    return () => {
      handle.off("state", on);
      void handle.close();
    };
  }, [handle]);

  const ex = state.report?.exercises[0] ?? null;
  const everPassed = Boolean(services.progress().exercises[exercise.id]?.passedAt) || ex?.status === "pass";
  const order = exercises.map((e) => e.exercise.id);
  const listed = order.includes(exercise.id);
  const nextId = listed ? order[order.indexOf(exercise.id) + 1] : undefined;
  const solution = useMemo(() => (overlay?.kind === "solution" ? (services.solution(exercise) ?? []) : []), [overlay?.kind, exercise, services]);

  // t opens the trace of the failure on screen, or of the next one that has a trace (a law checks no run).
  const failing = (ex ? failuresInOrder(ex.scenarios) : []).find((x) => x.failure.traceFile) ?? null;
  // A stage of a shared worksheet (raft-log in exercises/raft/): reset may put back this stage's part or the whole worksheet.
  const folder = exerciseFolder(exercise);
  const stages = worksheetStages(services.course, exercise);
  const staged = stages.length > 1 || folder !== exercise.id;

  const reset = (scope: "stage" | "worksheet") => {
    setOverlay(null);
    try {
      const done = services.reset(exercise, scope);
      // Short enough for one line at 80 columns; `reset --undo` names the backup folder.
      if (!staged) setMessage(done.backup ? `Reset to the stub. Your file was saved in ${done.backup} (faultline reset --undo ${exercise.id} brings it back).` : "Reset to the stub.");
      else setMessage(`${scope === "stage" ? `Put back the stub in ${exercise.id}'s part` : "Reset the whole worksheet to the stub"}.${done.backup ? " Undo: faultline reset --undo" : ""}`);
    } catch (e) {
      if ((e as Error).name === "ResetError") setOverlay({ kind: "confirm-reset", problem: (e as Error).message });
      else setMessage(`Could not reset: ${(e as Error).message}`);
    }
  };

  useKeys((input, key) => {
    if (overlay?.kind === "trace") return; // the trace viewer has the keys
    if (overlay?.kind === "confirm-reset") {
      if (!staged && input === "y") return reset("stage");
      if (staged && input === "s" && !overlay.problem) return reset("stage");
      if (staged && input === "w") return reset("worksheet");
      setMessage("Reset cancelled.");
      setOverlay(null);
      return;
    }
    if (overlay?.kind === "list") {
      if (key.escape || input === "l" || input === "q") setOverlay(null);
      else if (key.downArrow || input === "j") setOverlay({ kind: "list", sel: Math.min(exercises.length - 1, overlay.sel + 1) });
      else if (key.upArrow || input === "k") setOverlay({ kind: "list", sel: Math.max(0, overlay.sel - 1) });
      else if (key.return) {
        const target = exercises[overlay.sel]?.exercise.id;
        setOverlay(null);
        if (target && target !== exercise.id) onOpenExercise(target);
      }
      return;
    }
    if (overlay?.kind === "solution" && (key.escape || input === "s" || input === "q")) {
      setOverlay(null);
      setScroll(0);
      return;
    }
    if (input === "q" || key.escape) onBack();
    else if (input === "t" && failing?.failure?.traceFile) {
      const f = failing.failure;
      const saved = () => services.readTrace?.(f.traceFile!) ?? null;
      const open = (trace: TraceJson | null) => {
        if (trace) {
          setMessage(null);
          setOverlay({ kind: "trace", trace, scenario: failing });
        } else setMessage(`Could not read ${f.traceFile}. Grade again (r) to write it anew.`);
      };
      // Graded runs do not record node state (it costs time): replay this one exactly, recording it.
      if (handle.replay && f.replay) {
        setMessage("Replaying the run to record each node's state…");
        void handle.replay(failing.name, f.seed, f.path).then((trace) => open(trace ?? saved()));
      } else open(saved());
    } else if (input === "h") {
      const shown = services.nextHint(exercise);
      setHints(shown);
      // Hints are the last lines: scroll to the end so the new one is in sight, wherever the learner was.
      setScroll(Number.POSITIVE_INFINITY);
      setMessage(shown.length >= exercise.hints.length ? "That is the last hint. The lesson section named in the stub explains the rest." : null);
    } else if (input === "l") setOverlay({ kind: "list", sel: Math.max(0, order.indexOf(exercise.id)) });
    else if (input === "n") {
      if (!everPassed) setMessage("n opens the next exercise once this one passes.");
      else if (!listed) setMessage("This exercise is outside today's plan: l lists the plan's exercises.");
      else if (!nextId) setMessage("This is the last exercise of the course.");
      else onOpenExercise(nextId);
    } else if (input === "r") {
      handle.regrade();
      setMessage(null);
    } else if (input === "s") {
      if (!everPassed) setMessage("The reference solution opens once your exercise passes.");
      else if (services.solution(exercise) === null) setMessage(WITHHELD_SHORT);
      else {
        setOverlay({ kind: "solution" });
        setScroll(0);
      }
    } else if (input === "x") setOverlay({ kind: "confirm-reset", problem: null });
    // From where the screen is (the scroll may point past the end: "follow the end").
    else if (key.downArrow || input === "j") setScroll((s) => Math.min(s, maxScroll) + 1);
    else if (key.upArrow || input === "k") setScroll((s) => Math.max(0, Math.min(s, maxScroll) - 1));
    else if (key.pageDown || input === " ") setScroll((s) => Math.min(s, maxScroll) + 10);
    else if (key.pageUp) setScroll((s) => Math.max(0, Math.min(s, maxScroll) - 10));
    else if (input === "g") setScroll(0);
  });

  const W = width - 2;
  const head: Line[] = [];
  const files: Seg[] = [{ text: "edit: ", style: { bold: true } }];
  exercise.files.forEach((f, i) => {
    const rel = `exercises/${folder}/${f}`;
    if (i > 0) files.push({ text: ", " });
    files.push({ text: rel, style: { color: "blue", underline: true, ...(services.hyperlinks ? { href: `file://${services.root}/${rel}` } : {}) } });
  });
  if (stages.length > 1) files.push({ text: `  stage ${stages.indexOf(exercise) + 1} of ${stages.length}`, style: { dim: true } });
  head.push(...wrap(files, W));
  const phase: Seg = state.phase === "idle" ? { text: state.gradedAt ? `graded ${state.gradedAt.toTimeString().slice(0, 8)} · saves regrade automatically` : "", style: { dim: true } } : { text: state.phase === "starting" ? "◌ starting the grader…" : "◌ grading…", style: { color: "yellow" } };
  head.push([phase]);
  if (banner) head.push(...wrap([{ text: banner, style: { color: "yellow" } }], W));
  head.push([]);

  if (overlay?.kind === "trace") {
    const sc = overlay.scenario;
    return (
      <TraceViewer
        trace={overlay.trace}
        title={`${exercise.id} · ${sc.name} · seed ${sc.failure?.seed ?? sc.seed}`}
        status={sc.status}
        failureMessage={sc.failure?.message ?? null}
        width={width}
        height={height}
        onQuit={() => setOverlay(null)}
      />
    );
  }

  let body: Line[];
  if (overlay?.kind === "list") {
    body = [[{ text: " Exercises ", style: { inverse: true, bold: true } }, { text: "  ↑↓ choose · Enter open · l/Esc close", style: { dim: true } }], []];
    exercises.forEach((e, i) => {
      const sel = i === overlay.sel;
      const mark: Seg = e.status === "done" ? { text: "✓", style: { color: "green" } } : e.status === "in progress" ? { text: "◐", style: { color: "yellow" } } : { text: "·", style: { dim: true } };
      body.push([{ text: sel ? "❯ " : "  ", style: { color: "cyan", bold: true } }, mark, { text: ` ${e.exercise.id}`, style: { bold: sel, ...(sel ? { color: "cyan" } : {}) } }, ...truncateLine(`  ${e.exercise.title} — ${e.exercise.summary}`, Math.max(10, W - 6 - e.exercise.id.length), { dim: true })]);
    });
  } else if (overlay?.kind === "solution") {
    body = [[{ text: " Reference solution ", style: { inverse: true, bold: true } }, { text: "  s/Esc close · ↑↓ scroll", style: { dim: true } }]];
    for (const s of solution) {
      body.push([], [{ text: s.path, style: { bold: true } }]);
      if (s.view) body.push(...wrap([{ text: s.view, style: { dim: true } }], W));
      body.push(...codeBlock(s.code, W));
    }
  } else {
    body = verdictLines(ex, state, W, folder);
    if (overlay?.kind === "confirm-reset" && overlay.problem) body.unshift(...wrap([{ text: overlay.problem, style: { color: "yellow" } }], W), []);
    if (hints.length) {
      body.push([]);
      hints.forEach((h, i) => body.push(...wrap([{ text: `hint ${i + 1}/${exercise.hints.length} `, style: { color: "cyan", bold: true } }, { text: h }], W, [], [{ text: "  " }])));
    }
  }
  const keys = watchKeys(everPassed, Boolean(failing));
  const bodyH = Math.max(3, height - 1 - footerHeight(keys, width) - 1 - head.length);
  const maxScroll = Math.max(0, body.length - bodyH);
  const top = overlay?.kind === "list" ? 0 : Math.min(scroll, maxScroll);
  const shown = body.slice(top, top + bodyH).map((l) => [{ text: " " }, ...l]);

  const ask = (text: string): Line => [{ text, style: { inverse: true, color: "yellow", bold: true } }];
  const statusLine: Line =
    overlay?.kind === "confirm-reset"
      ? !staged
        ? ask(` Reset ${exercise.id} to the stub? Your files are backed up first. y/n `)
        : overlay.problem
          ? ask(" w: reset the whole worksheet instead (backed up first) · n: no ")
          : ask(` Reset? s: ${exercise.id}'s part · w: whole worksheet · n: no (backed up) `)
      : message
        ? [{ text: ` ${message}`, style: { color: "yellow" } }]
        : [{ text: maxScroll > 0 ? ` ${top + 1}–${Math.min(body.length, top + bodyH)} of ${body.length} lines · j/k scroll` : "", style: { dim: true } }];

  return (
    <Screen title={` ${exercise.id} — ${exercise.title}`} right={`lesson ${exercise.lesson} `} width={width} keys={keys}>
      <Box flexDirection="column" height={head.length + bodyH}>
        <Lines lines={head.map((l) => [{ text: " " }, ...l])} hyperlinks={services.hyperlinks} />
        <Lines lines={padLines(shown, bodyH)} />
      </Box>
      <StyledLine line={statusLine} />
    </Screen>
  );
}
