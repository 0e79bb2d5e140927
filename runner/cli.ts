// faultline's command line (DESIGN §6): command parsing and the plain
// (non-TTY) output. Interactive screens live in runner/tui.

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { exerciseFolder, exercisesInOrder, findExercise, findLesson, loadCourse, worksheetStages, type Course, type Exercise } from "./course/course.ts";
import { displayStatus, exerciseProgressOf, loadProgress, recordGrade, updateProgress } from "./course/progress.ts";
import { resetExercise, ResetError, undoReset } from "./course/reset.ts";
import { exerciseDigest } from "./course/fingerprint.ts";
import { JobProgress } from "./jobProgress.ts";
import { formatReport, formatStatus, indent } from "./grade/format.ts";
import type { GradeOptions, GradeReport } from "./grade/grade.ts";
import { colorEnabled, makeStyler } from "./grade/style.ts";
import { renderDiagram, type TraceJson } from "./sim/index.ts";
import type { HistoryPicture } from "./check/historyPicture.ts";

/** The project root (same as grade.ts's ROOT, without loading vitest at start-up). */
const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/** Grades with a fresh vitest instance; vitest loads only when a command grades (start-up stays fast). */
async function grade(opts: GradeOptions): Promise<GradeReport> {
  return (await import("./grade/grade.ts")).grade(opts);
}

/** A usage or setup problem: exit code 2. */
export class UsageError extends Error {}

const s = makeStyler(colorEnabled());
const out = (text = "") => process.stdout.write(text + "\n");
const err = (text: string) => process.stderr.write(text + "\n");

interface Command {
  usage: string;
  summary: string;
  options?: ParseArgsConfig["options"];
  run(args: { values: Record<string, unknown>; positionals: string[] }): Promise<number>;
}

const targetOption = { target: { type: "string" as const, default: "exercises" } };

function course(): Course {
  return loadCourse(ROOT);
}

function checkIds(c: Course, ids: readonly string[]): void {
  for (const id of ids) {
    if (!findExercise(c, id)) throw new UsageError(`There is no exercise "${id}". Exercises: ${exercisesInOrder(c).map((e) => e.id).join(", ")}.`);
  }
}

/** The one exercise a command names (its first argument); `example` is what to say when it names none. */
function namedExercise(positionals: readonly string[], example: string): { c: Course; id: string; e: Exercise } {
  const [id] = positionals;
  if (!id) throw new UsageError(example);
  const c = course();
  checkIds(c, [id]);
  return { c, id, e: findExercise(c, id)! };
}

function intOption(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} takes a whole number, not "${String(v)}".`);
  return n;
}

function checkTarget(target: string): void {
  if (target === "exercises" || target === "solutions") return;
  if (!existsSync(target)) throw new UsageError(`--target ${target}: no such directory. Use exercises, solutions, or a directory laid out like exercises/ (one folder per exercise id).`);
}

/** Grading against exercises/ is the learner's own work: remember how it went (`digests`: the files as graded). */
function remember(report: GradeReport, digests: ReadonlyMap<string, string | null>): void {
  // Tests of the CLI grade the stubs too: they must not touch a learner's progress.
  if (report.target !== "exercises" || process.env["FAULTLINE_NO_PROGRESS"]) return;
  try {
    const r = updateProgress(ROOT, (p) => {
      for (const e of report.exercises) recordGrade(p, e.id, e.status, new Date(), digests.get(e.id));
    });
    if (r.warning) err(s.warn(r.warning));
  } catch (e) {
    err(s.warn(`Could not save progress: ${(e as Error).message}`));
  }
}

/** Progress over the suites of one grading run (verify, report): done/total and the suites running now. */
function gradeProgress(label: string, total: number): { onProgress: GradeOptions["onProgress"]; finish(): void } {
  const p = new JobProgress(label, total);
  const running: string[] = [];
  return {
    onProgress(e) {
      if (e.phase === "start") {
        running.push(e.id);
        p.start(running.join(", "));
      } else {
        running.splice(running.indexOf(e.id) >>> 0, 1);
        p.step(e.id);
        if (running.length) p.start(running.join(", "));
      }
    },
    finish: () => p.finish(),
  };
}

async function runGrade(ids: string[], values: Record<string, unknown>, label = "grade"): Promise<number> {
  const target = String(values["target"]);
  checkTarget(target);
  const digests = new Map(target === "exercises" ? ids.map((id) => [id, exerciseDigest(ROOT, id)]) : []);
  const progress = ids.length > 1 ? gradeProgress(label, ids.length) : null;
  let report: GradeReport;
  try {
    report = await grade({ ids, target, seed: intOption(values["seed"], "seed"), runs: intOption(values["runs"], "runs"), sandbox: Boolean(values["sandbox"]), onProgress: progress?.onProgress });
  } finally {
    progress?.finish();
  }
  remember(report, digests);
  if (values["junit"]) {
    const { writeJunit } = await import("./grade/junit.ts");
    writeJunit(String(values["junit"]), report);
  }
  if (values["json"]) out(JSON.stringify(report, null, 2));
  else out(formatReport(report, s));
  return report.passed ? 0 : 1;
}

/** A real terminal on both ends: the TUI can run. */
function interactive(): boolean {
  return Boolean(process.stdout.isTTY && process.stdin.isTTY) && process.env["TERM"] !== "dumb";
}

function lessonArg(c: Course, arg: string | undefined, example: string) {
  if (!arg) throw new UsageError(`Which lesson? e.g. \`${example}\`. Lessons: ${c.lessons.map((l) => l.id).join(", ")}.`);
  const lesson = findLesson(c, arg);
  if (!lesson) throw new UsageError(`There is no lesson "${arg}". Lessons: ${c.lessons.map((l) => l.id).join(", ")}.`);
  return lesson;
}

/** The first exercise not yet passed, in course order (else the first). */
function nextExercise(c: Course): string {
  const { progress } = loadProgress(ROOT);
  const all = exercisesInOrder(c);
  const e = all.find((x) => displayStatus(exerciseProgressOf(progress, x.id)) !== "done") ?? all[0];
  if (!e) throw new UsageError("This course has no exercises.");
  return e.id;
}

async function openTui(route: import("./tui/app.tsx").Route): Promise<number> {
  // In a workshop, the screens follow workshop.json: its lessons and exercises, in its order.
  const { applyWorkshop, loadWorkshop } = await import("./course/workshop.ts");
  const full = course();
  const c = applyWorkshop(full, loadWorkshop(ROOT, full));
  const warnings: string[] = [];
  // Ink colours through chalk, which reads FORCE_COLOR (not NO_COLOR) when it loads: translate before it does.
  if ("NO_COLOR" in process.env && process.env["NO_COLOR"] !== undefined) process.env["FORCE_COLOR"] = "0";
  const { realServices } = await import("./course/services.ts");
  const { runTui } = await import("./tui/app.tsx");
  const { supportsHyperlinks } = await import("./notebook/text.ts");
  const services = realServices(ROOT, c, { hyperlinks: supportsHyperlinks(), onWarning: (w) => warnings.push(w) });
  const first = loadProgress(ROOT);
  const moved = upgraded.map((u) => `Your Raft work now lives in ${u.folder}/ (old stage folders backed up in ${u.backup}/; details when you quit).`);
  const code = await runTui(services, route, { notice: [first.warning, ...moved].filter(Boolean).join(" ") || null });
  for (const w of warnings) err(s.warn(w));
  for (const u of upgraded) err(s.warn(u.text));
  return code;
}

/** Watch mode without a terminal: print a verdict now and after every save (or once). */
async function plainWatch(c: Course, id: string, once: boolean): Promise<number> {
  const { WatchSession } = await import("./course/watch.ts");
  const { formatExercise } = await import("./grade/format.ts");
  const session = new WatchSession({ root: ROOT, exercise: findExercise(c, id)! });
  return new Promise<number>((resolve) => {
    let last = 1;
    const stop = () => {
      void session.close().then(() => resolve(last));
    };
    session.on("state", (st) => {
      if (st.phase !== "idle") return;
      if (st.warning) err(s.warn(st.warning));
      const ex = st.report?.exercises[0];
      if (st.problem) out(`${s.bold(id)}  ${s.bad("! no verdict")}\n  ${st.problem}`);
      else if (ex) out(formatExercise(ex, s));
      last = ex?.status === "pass" && !st.problem ? 0 : 1;
      if (once) stop();
      else out(s.dim(`\nwatching exercises/${exerciseFolder(findExercise(c, id)!)}/ — save to regrade, Ctrl-C to stop\n`));
    });
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    session.start();
  });
}

const commands: Record<string, Command> = {
  list: {
    usage: "faultline list [--json]",
    summary: "lessons and exercises with status",
    options: { json: { type: "boolean" } },
    async run({ values }) {
      const c = course();
      const { progress, warning } = loadProgress(ROOT);
      if (warning) err(s.warn(warning));
      const { courseMap } = await import("./course/map.ts");
      const map = courseMap(c, progress);
      const lessons = c.lessons.map((l, i) => ({
        id: l.id,
        title: l.title,
        file: l.file,
        status: map.lessons[i]!.status,
        opened: map.lessons[i]!.opened,
        quizzesAnswered: map.lessons[i]!.quizzesAnswered,
        exercises: l.exercises.map((id) => {
          const e = findExercise(c, id)!;
          const p = exerciseProgressOf(progress, id);
          // `folder`: the worksheet folder a stage shares with others (the Raft stages: "raft"), for tools that group them.
          return { id, title: e.title, summary: e.summary, status: displayStatus(p), lastResult: p.lastGradedAt ? p.status : null, attempts: p.attempts, ...(exerciseFolder(e) !== id ? { folder: exerciseFolder(e) } : {}) };
        }),
      }));
      if (values["json"]) {
        out(JSON.stringify({ version: 1, title: c.title, progress: { done: map.done, total: map.total, lessonsRead: map.lessonsRead, exercisesPassed: map.exercisesPassed, exercises: map.exerciseCount }, next: map.next, lessons }, null, 2));
        return 0;
      }
      out(s.bold(c.title));
      out(`${map.lessonsRead}/${map.lessons.length} lessons read · ${map.exercisesPassed}/${map.exerciseCount} exercises passed${map.next ? ` · next: ${map.next.kind} ${map.next.id}` : ""}`);
      for (const l of lessons) {
        out(`\n${statusMark(l.status)} ${s.bold(l.id)}  ${l.title}`);
        for (const e of l.exercises) out(`  ${statusMark(e.status)} ${e.id.padEnd(18)} ${e.summary}`);
      }
      return 0;
    },
  },

  grade: {
    usage: "faultline grade <id…> [--target exercises|solutions|DIR] [--seed N] [--runs N] [--json] [--junit FILE] [--sandbox]",
    summary: "grade exercises; exit 0 all pass, 1 any fail, 2 usage/setup error; --sandbox for untrusted code",
    options: { ...targetOption, seed: { type: "string" }, runs: { type: "string" }, json: { type: "boolean" }, junit: { type: "string" }, sandbox: { type: "boolean" } },
    async run({ values, positionals }) {
      if (positionals.length === 0) throw new UsageError("Which exercise? e.g. `faultline grade echo`. `faultline list` shows them all.");
      checkIds(course(), positionals);
      return runGrade(positionals, values);
    },
  },

  verify: {
    usage: "faultline verify [--target exercises|solutions|DIR] [--seed N] [--runs N] [--json] [--junit FILE] [--sandbox]",
    summary: "grade every exercise in course order",
    options: { ...targetOption, seed: { type: "string" }, runs: { type: "string" }, json: { type: "boolean" }, junit: { type: "string" }, sandbox: { type: "boolean" } },
    async run({ values }) {
      return runGrade(exercisesInOrder(course()).map((e) => e.id), values, "verify");
    },
  },

  replay: {
    usage: "faultline replay <id> --seed N [--scenario NAME] [--path P] [--target …] [--events N] [--html FILE] [--plain]",
    summary: "rerun one run exactly: on a terminal, step through its trace (node state, messages in flight, faults); else print it. --html FILE writes a self-contained page with an SVG space-time diagram",
    options: { ...targetOption, seed: { type: "string" }, scenario: { type: "string" }, path: { type: "string" }, events: { type: "string" }, json: { type: "boolean" }, html: { type: "string" }, plain: { type: "boolean" } },
    async run({ values, positionals }) {
      const [id] = positionals;
      if (!id) throw new UsageError("Which exercise? e.g. `faultline replay echo --seed 3`.");
      checkIds(course(), [id]);
      const seed = intOption(values["seed"], "seed");
      if (seed === undefined) throw new UsageError("replay needs --seed N: the seed printed with the failure.");
      const target = String(values["target"]);
      checkTarget(target);
      let scenario = values["scenario"] as string | undefined;
      if (!scenario) {
        // Without a name, replay the first scenario that fails at this seed.
        const probe = await grade({ ids: [id], target, seed });
        scenario = probe.exercises[0]?.scenarios.find((x) => x.status !== "pass")?.name ?? probe.exercises[0]?.scenarios[0]?.name;
        if (!scenario) throw new UsageError(`The suite for ${id} has no scenarios to replay.`);
      }
      const report = await grade({ ids: [id], target, seed, replay: { scenario, seed, path: (values["path"] as string | undefined) ?? null }, traceEvents: 20_000 });
      const ex = report.exercises[0]!;
      if (ex.error) {
        err(s.bad(ex.error));
        return 1;
      }
      const sc = ex.scenarios[0];
      if (!sc) throw new UsageError(`No scenario named "${scenario}" in ${id}. Scenarios are listed by \`faultline grade ${id}\`.`);
      if (values["json"]) {
        out(JSON.stringify(report, null, 2));
        return sc.status === "pass" ? 0 : 1;
      }
      const events = intOption(values["events"], "events") ?? 60;
      let trace: TraceJson | null = sc.trace ?? null;
      let histories: readonly HistoryPicture[] | undefined;
      if (sc.failure?.traceFile) {
        const saved = JSON.parse(readFileSync(`${ROOT}/${sc.failure.traceFile}`, "utf8")) as { trace: TraceJson; failure?: { histories?: HistoryPicture[] } };
        trace = saved.trace;
        histories = saved.failure?.histories;
      }
      out(`${s.bold(id)} · ${sc.name} · seed ${seed} · ${formatStatus(sc.status, s)}`);
      if (values["html"]) {
        if (!trace) throw new UsageError(`This run of ${id} left no trace to export.`);
        const { writeTraceHtml } = await import("./grade/htmlFile.ts");
        const file = writeTraceHtml(String(values["html"]), { trace, title: `${id} · ${sc.name}`, status: sc.status, failure: sc.failure, histories });
        out(`HTML trace written to ${file}`);
      }
      if (trace && !values["html"] && !values["plain"] && interactive()) {
        const { runTraceViewer } = await import("./tui/trace.tsx");
        await runTraceViewer({ trace, title: `${id} · ${sc.name} · seed ${seed}`, status: sc.status, failureMessage: sc.failure?.message ?? null, histories });
        return sc.status === "pass" ? 0 : 1;
      }
      if (trace) {
        const shown = trace.events.slice(-events);
        out(s.dim(`last ${shown.length} of ${trace.total} events (--events N for more)`));
        out(indent(renderDiagram(shown, { width: Math.min(process.stdout.columns ?? 80, 120), nodes: trace.nodes, ascii: !process.stdout.isTTY && process.env["FAULTLINE_ASCII"] === "1" }), 2));
      }
      if (sc.failure) {
        out("");
        out(sc.failure.message);
        if (sc.failure.traceFile) out(s.dim(`trace: ${sc.failure.traceFile}`));
      }
      out(`trace hash: ${sc.traceHash}`);
      return sc.status === "pass" ? 0 : 1;
    },
  },

  run: {
    usage: "faultline run <lesson-id> [--cell N] [--edit] [--restore]",
    summary: "run a lesson's cells (your edited versions where you made them) and print their output; --edit opens cell N in $VISUAL/$EDITOR, keeps your version and reruns it; --restore puts the lesson's cell back",
    options: { cell: { type: "string" }, edit: { type: "boolean" }, restore: { type: "boolean" } },
    async run({ values, positionals }) {
      const lesson = lessonArg(course(), positionals[0], "faultline run 00-the-lab");
      const { runLesson, RunLessonUsage } = await import("./notebook/runLesson.ts");
      const opts = { cell: intOption(values["cell"], "cell"), edit: Boolean(values["edit"]), restore: Boolean(values["restore"]), columns: Math.min(process.stdout.columns ?? 80, 120), color: colorEnabled() };
      try {
        return await runLesson(ROOT, lesson, opts, { out, err, style: s });
      } catch (e) {
        throw e instanceof RunLessonUsage ? new UsageError(e.message) : e;
      }
    },
  },

  lesson: {
    usage: "faultline lesson <lesson-id> [--plain]",
    summary: "read a lesson (on a terminal: a pager with runnable cells and quizzes; --plain prints it)",
    options: { plain: { type: "boolean" } },
    async run({ values, positionals }) {
      const c = course();
      const lesson = lessonArg(c, positionals[0], "faultline lesson 00-the-lab");
      if (!values["plain"] && interactive()) return openTui({ screen: "lesson", id: lesson.id });
      const { parseLesson } = await import("./notebook/document.ts");
      const { layoutLesson, renderLine } = await import("./notebook/layout.ts");
      const doc = parseLesson(readFileSync(`${ROOT}/${lesson.file}`, "utf8"));
      const width = Math.min(process.stdout.isTTY ? (process.stdout.columns ?? 80) : Number(process.env["COLUMNS"]) || 80, 100);
      const layout = layoutLesson(doc, { width, answerKey: true });
      const color = colorEnabled();
      out(layout.lines.map((l) => renderLine(l, { color })).join("\n"));
      const exercises = lesson.exercises;
      if (exercises.length) {
        const { wrap } = await import("./notebook/layout.ts");
        const note = wrap([{ text: `Exercise${exercises.length > 1 ? "s" : ""}: ${exercises.map((id) => `\`faultline watch ${id}\``).join(", ")}`, style: { dim: true } }], width, [], [{ text: "  " }]);
        out("\n" + note.map((l) => renderLine(l, { color })).join("\n"));
      }
      return 0;
    },
  },

  watch: {
    usage: "faultline watch [id] [--once]",
    summary: "regrade on save (on a terminal: keys for hint, list, next, solution, reset, quit); --once grades once",
    options: { once: { type: "boolean" } },
    async run({ values, positionals }) {
      const c = course();
      const id = positionals[0] ?? nextExercise(c);
      checkIds(c, [id]);
      if (!values["once"] && interactive()) return openTui({ screen: "watch", id });
      return plainWatch(c, id, Boolean(values["once"]));
    },
  },

  hint: {
    usage: "faultline hint <id>",
    summary: "the next hint (progressive)",
    async run({ positionals }) {
      const { id, e } = namedExercise(positionals, "Which exercise? e.g. `faultline hint echo`.");
      let shown = 0;
      updateProgress(ROOT, (p) => {
        const ep = exerciseProgressOf(p, id);
        shown = Math.min(ep.hintsShown + 1, e.hints.length);
        p.exercises[id] = { ...ep, hintsShown: shown };
      });
      for (let i = 0; i < shown; i++) out(`${s.accent(`hint ${i + 1}/${e.hints.length}`)}  ${e.hints[i]}`);
      if (shown === e.hints.length) out(s.dim("That was the last hint. The lesson section named in the stub explains the rest."));
      return 0;
    },
  },

  reset: {
    usage: "faultline reset <id> [--worksheet] [--undo]",
    summary: "restore the stub, after backing up your files (--undo restores the backup); for a stage of a shared worksheet (raft-log), only that stage's part unless --worksheet",
    options: { undo: { type: "boolean" }, worksheet: { type: "boolean" } },
    async run({ values, positionals }) {
      const { c, id, e } = namedExercise(positionals, "Which exercise? e.g. `faultline reset echo`.");
      if (values["undo"]) {
        const restored = undoReset(ROOT, e);
        out(restored ? `Restored your ${exerciseFolder(e)} files from ${restored}.` : `There is no backup of ${exerciseFolder(e)} to restore.`);
        return restored ? 0 : 1;
      }
      const staged = worksheetStages(c, e).length > 1;
      let done;
      try {
        done = resetExercise(ROOT, c, e, values["worksheet"] ? "worksheet" : "stage");
      } catch (err) {
        if (err instanceof ResetError) {
          out(err.message);
          return 1;
        }
        throw err;
      }
      const what = staged && !values["worksheet"] ? `${id}'s part of ${done.files.join(" and ")} holds the stub again (the rest is as you left it)` : `${done.files.join(" and ")} ${done.files.length === 1 ? "holds" : "hold"} the stub again`;
      if (done.files.length === 0) out(`${id} has nothing of its own to put back.`);
      else out(done.backup ? `Your files were saved in ${done.backup}; ${what}. \`faultline reset --undo ${id}\` brings your work back.` : `${what[0]!.toUpperCase()}${what.slice(1)}.`);
      return 0;
    },
  },

  carry: {
    usage: "faultline carry <id>",
    summary: "(gone) the Raft stages share one worksheet, exercises/raft/: there is nothing to copy between them",
    async run({ positionals }) {
      const c = course();
      const e = positionals[0] ? findExercise(c, positionals[0]) : undefined;
      const folder = e ? exerciseFolder(e) : "raft";
      out(`There is nothing to carry any more: the stages of a worksheet share one folder, exercises/${folder}/, and each stage grades the same files (\`faultline watch ${e?.id ?? "raft-log"}\`). Work you had in the old per-stage folders was moved there, with a backup under .faultline/backups/.`);
      return 0;
    },
  },

  solution: {
    usage: "faultline solution <id>",
    summary: "show the reference solution once the exercise passes",
    async run({ positionals }) {
      const { c, id, e } = namedExercise(positionals, "Which exercise? e.g. `faultline solution echo`.");
      const p = exerciseProgressOf(loadProgress(ROOT).progress, id);
      if (!p.passedAt) {
        out(`The reference solution opens once your ${id} passes: \`faultline grade ${id}\`. Until then, \`faultline hint ${id}\` helps.`);
        return 1;
      }
      const { referenceFiles } = await import("./course/reference.ts");
      for (const f of referenceFiles(ROOT, c, e)) {
        out(s.bold(f.path) + (f.view ? s.dim(`  (${f.view})`) : ""));
        out(f.code);
      }
      return 0;
    },
  },

  lincheck: {
    usage: "faultline lincheck [--format jepsen-cas|jepsen-kv|porcupine-kv] FILE… [--html FILE] [--explain] [--plain] [--budget STEPS] [--memory MB]",
    summary: "check recorded histories for linearizability, a verdict per file; on a terminal, draws why a history is not linearizable (--html FILE: as a page). Exit 0 linearizable, 1 not, 2 usage error, 3 unknown (a budget ran out)",
    options: { format: { type: "string", default: "jepsen-cas" }, budget: { type: "string" }, memory: { type: "string" }, explain: { type: "boolean" }, html: { type: "string" }, plain: { type: "boolean" } },
    async run({ values, positionals }) {
      const { isLincheckFormat, LINCHECK_FORMATS, runLincheck, writeLincheckHtml } = await import("./grade/lincheck.ts");
      const formats = Object.keys(LINCHECK_FORMATS).join(", ");
      const format = String(values["format"]);
      if (!isLincheckFormat(format)) throw new UsageError(`--format ${format}: unknown history format. Formats: ${formats}.`);
      if (positionals.length === 0) throw new UsageError(`Which histories? e.g. \`faultline lincheck --format ${format} history.log\`.`);
      const memory = intOption(values["memory"], "memory");
      const width = Math.min(process.stdout.columns ?? 80, 120);
      const { renderLine } = await import("./notebook/text.ts");
      const { code, results } = runLincheck(positionals, { format, budget: intOption(values["budget"], "budget"), memoryBudget: memory === undefined ? undefined : memory * 2 ** 20, explain: Boolean(values["explain"]), width }, (line) =>
        out(typeof line === "string" ? line : renderLine(line, { color: colorEnabled() })),
      );
      if (values["html"]) out(`HTML picture written to ${writeLincheckHtml(String(values["html"]), results, format)}`);
      const pictures = results.flatMap((r) => (r.picture ? [r.picture] : []));
      if (pictures.length && !values["html"] && !values["plain"] && interactive()) {
        const { runHistoryViewer } = await import("./tui/history.tsx");
        await runHistoryViewer({ pictures, title: `${pictures.length} histor${pictures.length === 1 ? "y" : "ies"} not linearizable` });
      } else if (pictures.length && !values["explain"] && !values["html"]) out(s.dim("--explain draws why; --html FILE writes the picture as a page."));
      return code;
    },
  },

  report: {
    usage: "faultline report --format json|junit|classroom|exercism [id…] [--target …] [--seed N] [--runs N] [--out FILE] [--points N] [--learner NAME] [--no-sandbox]",
    summary: "grade (every exercise by default) and print the results for CI, GitHub Classroom or Exercism-style tooling; exit 0 once the report is written",
    options: { ...targetOption, format: { type: "string" }, seed: { type: "string" }, runs: { type: "string" }, out: { type: "string" }, points: { type: "string" }, learner: { type: "string" }, "no-sandbox": { type: "boolean" } },
    async run({ values, positionals }) {
      const { isReportFormat, REPORT_FORMATS, renderReport } = await import("./grade/report.ts");
      const format = String(values["format"] ?? "");
      if (!isReportFormat(format)) throw new UsageError(`--format ${format || "(missing)"}: choose one of ${REPORT_FORMATS.join(", ")}.`);
      const c = course();
      const ids = positionals.length ? positionals : exercisesInOrder(c).map((e) => e.id);
      checkIds(c, ids);
      const target = String(values["target"]);
      checkTarget(target);
      // Learner code in CI is untrusted: reports grade it in the sandbox unless told otherwise.
      const shown = gradeProgress("report", ids.length);
      let report: GradeReport;
      try {
        report = await grade({ ids, target, seed: intOption(values["seed"], "seed"), runs: intOption(values["runs"], "runs"), sandbox: !values["no-sandbox"], onProgress: shown.onProgress });
      } finally {
        shown.finish();
      }
      const { progress } = loadProgress(ROOT);
      const attempts = Object.fromEntries(ids.filter((id) => progress.exercises[id]).map((id) => [id, progress.exercises[id]!.attempts]));
      const learner = (values["learner"] as string | undefined) ?? process.env["GITHUB_REPOSITORY"];
      const text = renderReport(report, format, { root: ROOT, pointsPerTest: intOption(values["points"], "points"), learner, attempts });
      if (values["out"]) {
        const { mkdirSync, writeFileSync } = await import("node:fs");
        const { dirname } = await import("node:path");
        mkdirSync(dirname(String(values["out"])), { recursive: true });
        writeFileSync(String(values["out"]), text + "\n");
        err(`faultline: ${format} report written to ${String(values["out"])} (${report.passed ? "all pass" : "not all pass"})`);
      } else out(text);
      return 0;
    },
  },

  export: {
    usage: "faultline export --html DIR [--lesson ID…] [--no-run]",
    summary: "the course as a static site: index.html and a page per lesson, with cell outputs (for projecting or reading in a browser)",
    options: { html: { type: "string" }, lesson: { type: "string", multiple: true }, "no-run": { type: "boolean" } },
    async run({ values }) {
      if (!values["html"]) throw new UsageError("Where to? e.g. `faultline export --html site/`.");
      const c = course();
      const only = (values["lesson"] as string[] | undefined)?.map((id) => lessonArg(c, id, "faultline export --html site --lesson 00-the-lab").id);
      const { exportCourse } = await import("./notebook/export.ts");
      const dir = String(values["html"]);
      // Piped, the per-lesson lines below are the progress.
      const progress = new JobProgress("export", null, { plain: "none" });
      let r: Awaited<ReturnType<typeof exportCourse>>;
      try {
        r = await exportCourse(ROOT, c, dir, {
          run: !values["no-run"],
          only,
          onCell: (e) => {
            progress.setTotal(e.total);
            if (e.phase === "start") progress.start(`${e.lesson} cell ${e.index}`);
            else progress.step();
          },
          onLesson: (l, cells) => progress.print(`${l.id}: ${cells.length ? `${cells.filter((x) => x.ok).length}/${cells.length} cells ran` : "written"}`),
        });
      } finally {
        progress.finish();
      }
      out(`${r.files.length} pages written to ${dir} (open ${dir.replace(/\/$/, "")}/index.html)`);
      for (const f of r.failedCells) err(s.bad(`${f.lesson}: cell ${f.index} failed; its output is on the page`));
      return r.failedCells.length ? 1 : 0;
    },
  },

  class: {
    usage: "faultline class summary <report.json…> [--html FILE] | faultline class plan [--workshop FILE]",
    summary: "for instructors: fold learners' `report --format json` files into one table; print a workshop's timetable",
    options: { html: { type: "string" }, workshop: { type: "string" } },
    async run({ values, positionals }) {
      const [sub, ...files] = positionals;
      const c = course();
      if (sub === "plan") {
        const { loadWorkshop, workshopFile, workshopPlan, formatPlan } = await import("./course/workshop.ts");
        const file = values["workshop"] ? String(values["workshop"]) : workshopFile(ROOT);
        const w = loadWorkshop(ROOT, c, file);
        if (!w) throw new UsageError(`No workshop: ${file} does not exist. docs/classroom.md shows one.`);
        out(formatPlan(w, workshopPlan(c, w)));
        return 0;
      }
      if (sub !== "summary") throw new UsageError(`usage: ${commands["class"]!.usage}`);
      if (files.length === 0) throw new UsageError("Which reports? e.g. `faultline class summary reports/*.json` (each from `faultline report --format json`).");
      const { learnerName, learnerReportSchema, summarize, formatSummaryText, summaryHtml } = await import("./grade/classSummary.ts");
      const reports = files.map((f) => {
        let data: unknown;
        try {
          data = JSON.parse(readFileSync(f, "utf8"));
        } catch (e) {
          throw new UsageError(`${f}: not a JSON report (${(e as Error).message}).`);
        }
        const r = learnerReportSchema.safeParse(data);
        if (!r.success) throw new UsageError(`${f}: not a faultline JSON report (${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}). Make reports with \`faultline report --format json\`.`);
        return { name: learnerName(f, r.data), report: r.data };
      });
      const summary = summarize(reports, exercisesInOrder(c).map((e) => e.id));
      out(formatSummaryText(summary));
      if (values["html"]) {
        const { mkdirSync, writeFileSync } = await import("node:fs");
        const { dirname } = await import("node:path");
        mkdirSync(dirname(String(values["html"])), { recursive: true });
        writeFileSync(String(values["html"]), summaryHtml(summary));
        err(`HTML summary written to ${String(values["html"])}`);
      }
      return 0;
    },
  },
};

function statusMark(status: string): string {
  return status === "done" ? s.ok("✓") : status === "in progress" ? s.warn("◐") : s.dim("·");
}

function help(): string {
  const lines = [s.bold("faultline — learn distributed systems by breaking them"), "", "usage:"];
  lines.push(`  ${"faultline".padEnd(44)} the course home (on a terminal), else the outline`);
  for (const c of Object.values(commands)) lines.push(`  ${c.usage}`, `      ${s.dim(c.summary)}`);
  lines.push("", "Start with `faultline` (or `npm start`): the course map. `faultline lesson 00-the-lab` opens the first lesson.");
  return lines.join("\n");
}

async function outline(): Promise<number> {
  if (interactive()) return openTui({ screen: "home" });
  return commands["list"]!.run({ values: {}, positionals: [] });
}

/** What upgrade() did this time, for the course home to say too. */
const upgraded: { folder: string; backup: string; text: string }[] = [];

/** Moves work out of old per-stage folders (upgrade.ts); says so on stderr (once: afterwards there is nothing to move). */
async function upgrade(): Promise<void> {
  const { upgradeWorksheets, describeUpgrade } = await import("./course/upgrade.ts");
  for (const u of upgradeWorksheets(ROOT, course())) {
    upgraded.push({ folder: u.folder, backup: u.backup, text: describeUpgrade(u) });
    err(s.warn(describeUpgrade(u)));
  }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name !== "help" && name !== "--help" && name !== "-h") await upgrade();
  if (name === undefined) return outline();
  if (name === "help" || name === "--help" || name === "-h") {
    out(help());
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) throw new UsageError(`Unknown command "${name}". Run \`faultline help\` for the list.`);
  if (rest.includes("--help") || rest.includes("-h")) {
    out(`usage: ${cmd.usage}\n  ${cmd.summary}`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: cmd.options ?? {}, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\. To specify.*$/s, "")}\nusage: ${cmd.usage}`);
  }
  return cmd.run({ values: parsed.values as Record<string, unknown>, positionals: parsed.positionals });
}

export async function runCli(argv: string[]): Promise<void> {
  let code: number;
  try {
    code = await main(argv);
  } catch (e) {
    if (e instanceof UsageError || (e as Error).name === "CourseError") {
      err(s.bad((e as Error).message));
      code = 2;
    } else {
      err(s.bad(`faultline hit an internal error: ${(e as Error).stack ?? String(e)}`));
      err("This is a bug in faultline, not in your code. Please report it with the command you ran.");
      code = 2;
    }
  }
  process.exitCode = code;
}
