// Component tests of the screens with ink-testing-library: fake services,
// real layout, keys as a learner presses them.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { describe, expect, test, vi } from "vitest";
import type { Course } from "../course/course.ts";
import { courseMap } from "../course/map.ts";
import { emptyProgress, type Progress } from "../course/progress.ts";
import type { WatchState } from "../course/watch.ts";
import type { GradeReport } from "../grade/grade.ts";
import { parseLesson } from "../notebook/document.ts";
import { applyWorkshop, planPosition, workshopPlan, type Workshop } from "../course/workshop.ts";
import { App } from "./app.tsx";
import { Home } from "./home.tsx";
import { footerLines } from "./lines.tsx";
import { Reader, READER_KEYS } from "./reader.tsx";
import type { Services, WatchHandle } from "./services.ts";
import { verdictLines, Watch, watchKeys } from "./watch.tsx";
import { lineText } from "../notebook/layout.ts";
import type { EditorOutcome } from "../notebook/editor.ts";
import { emptyEdits, notebookCells, withEdit, withRestored, withUnshelved } from "../notebook/edits.ts";
import type { KeptOutput } from "../notebook/outputs.ts";

const sample = readFileSync(join(import.meta.dirname, "..", "notebook", "fixtures", "sample.md"), "utf8");

const course: Course = {
  version: 1,
  title: "faultline — test course",
  lessons: [
    { id: "00-the-lab", title: "The lab", file: "lessons/00-the-lab.md", exercises: ["echo"] },
    { id: "01-two-generals", title: "Two generals", file: "lessons/01.md", exercises: ["two-generals"] },
  ],
  exercises: [
    { id: "echo", title: "Echo", lesson: "00-the-lab", summary: "reply to every request", files: ["echo.ts"], hints: ["first hint", "second hint"] },
    { id: "two-generals", title: "Two generals", lesson: "01-two-generals", summary: "agree over a lossy link", files: ["generals.ts"], hints: ["only hint"] },
  ],
};

const tick = (ms = 100) => new Promise((r) => setTimeout(r, ms));
/** Polls until `cond` holds: the machine may be busy, and Ink renders asynchronously. */
async function until(cond: () => boolean, what = "condition", ms = 10_000): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await tick(20);
  }
}

/** Ink attaches its key listener in an effect: keys written before that are lost. */
const ready = (stdin: { listenerCount(e: string): number }) => until(() => stdin.listenerCount("readable") > 0, "the key listener");

async function frame(lastFrame: () => string | undefined, re: RegExp): Promise<void> {
  await until(() => re.test(lastFrame() ?? ""), String(re)).catch(() => undefined);
  expect(lastFrame()).toMatch(re);
}

const ENTER = "\r";
const DOWN = "\u001b[B";
const TAB = "\t";

class FakeWatch implements WatchHandle {
  state: WatchState = { phase: "starting", report: null, problem: null, latencyMs: null, trigger: null, gradedAt: null, warning: null, partial: false };
  listeners = new Set<(s: WatchState) => void>();
  started = false;
  closed = false;
  on(_e: "state", l: (s: WatchState) => void) {
    this.listeners.add(l);
  }
  off(_e: "state", l: (s: WatchState) => void) {
    this.listeners.delete(l);
  }
  start() {
    this.started = true;
  }
  regrade() {}
  async close() {
    this.closed = true;
  }
  emit(change: Partial<WatchState>) {
    this.state = { ...this.state, ...change };
    for (const l of this.listeners) l(this.state);
  }
}

/** The learner's editor, faked: a command name and what "editing" does to the text. */
interface FakeEditor {
  command: string | null;
  edit(code: string): EditorOutcome;
}

function fakeServices(progress: Progress = emptyProgress(), editor: FakeEditor = { command: null, edit: () => ({ status: "unchanged" }) }) {
  const watch = new FakeWatch();
  const calls: string[] = [];
  const notebook = { edits: emptyEdits(), outputs: new Map<string, KeptOutput>() };
  const services: Services = {
    course,
    root: "/project",
    hyperlinks: false,
    progress: () => progress,
    lessonSource: () => sample,
    markLessonOpened: (l) => {
      calls.push(`opened ${l.id}`);
      progress.lessons[l.id] = { opened: true, quizzes: progress.lessons[l.id]?.quizzes ?? {} };
    },
    // An in-memory notebook with the real rules (edits.ts); a cell "prints" its first console.log string.
    notebook: (l, cells) => {
      const nb = notebookCells(cells, notebook.edits);
      return { lessonId: l.id, ...nb, outputs: new Map(nb.cells.flatMap((c) => (notebook.outputs.has(c.code) ? [[c.index, notebook.outputs.get(c.code)!] as const] : []))), warning: null };
    },
    runCell: async (_l, cell) => {
      calls.push(`run ${cell.index}`);
      const r = { index: cell.index, ok: true, output: /console\.log\("([^"]*)"\)/.exec(cell.code)?.[1] ?? `ran cell ${cell.index}`, exitCode: 0, timedOut: false, durationMs: 7 };
      notebook.outputs.set(cell.code, { key: cell.key, code: cell.code, edited: cell.edit !== null, ranAt: "2026-12-01T10:00:00.000Z", ...r });
      return r;
    },
    saveCellEdit: (_l, cell, code) => {
      notebook.edits = withEdit(notebook.edits, cell, code, new Date(0));
      return notebookCells([{ index: cell.index, code: cell.original, timeoutMs: cell.timeoutMs }], { ...notebook.edits, edits: notebook.edits.edits.filter((e) => e.index === cell.index) }).cells[0]!;
    },
    restoreCell: (_l, cell) => {
      notebook.edits = withRestored(notebook.edits, cell, new Date(0));
      return notebookCells([{ index: cell.index, code: cell.original, timeoutMs: cell.timeoutMs }], notebook.edits).cells[0]!;
    },
    unshelveCell: (_l, cell) => {
      notebook.edits = withUnshelved(notebook.edits, cell);
      return notebookCells([{ index: cell.index, code: cell.original, timeoutMs: cell.timeoutMs }], notebook.edits).cells[0]!;
    },
    editor: () => editor.command,
    editInEditor: (_l, cell) => {
      calls.push(`editor ${cell.index}`);
      return editor.edit(cell.code);
    },
    answerQuiz: (_l, q, choice, correct) => void calls.push(`quiz ${q} ${choice} ${correct}`),
    nextHint: (e) => e.hints.slice(0, 1),
    hintsShown: () => [],
    watch: () => watch,
    reset: () => ({ files: ["exercises/echo/echo.ts"], backup: ".faultline/backups/echo/x" }),
    solution: () => [{ file: "echo.ts", path: "solutions/echo/echo.ts", code: "export const answer = 42;\n", view: null }],
  };
  return { services, watch, calls, progress, notebook };
}

function report(status: GradeReport["exercises"][number]["status"], failing = false): GradeReport {
  return {
    version: 1,
    target: "exercises",
    passed: status === "pass",
    durationMs: 10,
    seed: 1,
    exercises: [
      {
        id: "echo",
        status,
        durationMs: 10,
        error: null,
        scenarios: [
          { name: "answers each request", kind: "scripted", status: failing ? "fail" : status === "not-started" ? "not-started" : "pass", runs: 3, seed: 1, traceHash: "abc", failure: failing ? { seed: 4, message: "every request gets exactly one reply: request 2 got none", property: "every request gets exactly one reply", schedule: [{ at: 10, op: "crash", node: "n1" }], minimizedSchedule: [{ at: 10, op: "crash", node: "n1" }], path: null, replay: "npx faultline replay echo --seed 4", traceFile: null, diagram: "t (ms)  n1  c1\n  10   ●──▶", location: null } : null },
        ],
      },
    ],
  };
}

describe("Home", () => {
  test("shows lessons, exercises, progress, continue and the key footer at 80×24", () => {
    const p = emptyProgress();
    p.lessons["00-the-lab"] = { opened: true, quizzes: {} };
    p.exercises["echo"] = { status: "pass", attempts: 2, hintsShown: 0, lastGradedAt: "x", passedAt: "x" };
    const { lastFrame } = render(<Home map={courseMap(course, p)} title={course.title} width={80} height={23} onOpen={() => {}} onQuit={() => {}} />);
    const f = lastFrame()!;
    expect(f).toMatch(/✓ 00\s+The lab/);
    expect(f).toMatch(/✓ echo/);
    expect(f).toMatch(/· 01\s+Two generals/);
    expect(f).toMatch(/50%/);
    expect(f).toMatch(/continue → lesson 01-two-generals/);
    expect(f).toMatch(/Enter open/);
    expect(f).toMatch(/q quit/);
    expect(f.split("\n").length).toBeLessThanOrEqual(23);
    for (const line of f.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });

  test("j/arrows move, Enter opens, c continues, q quits", async () => {
    const opened: string[] = [];
    const quit = vi.fn();
    const { stdin } = render(<Home map={courseMap(course, emptyProgress())} title="t" width={80} height={23} onOpen={(i) => opened.push(`${i.kind}:${i.id}`)} onQuit={quit} />);
    await ready(stdin);
    await tick(200);
    stdin.write("j");
    await tick();
    stdin.write(ENTER);
    await tick();
    stdin.write(DOWN);
    await tick();
    stdin.write(ENTER);
    await tick();
    stdin.write("c");
    await tick();
    stdin.write("q");
    await tick();
    expect(opened).toEqual(["exercise:echo", "lesson:01-two-generals", "lesson:00-the-lab"]);
    expect(quit).toHaveBeenCalled();
  });
});

test("keys typed together are handled one by one, each on the state the previous one left", async () => {
  const opened: string[] = [];
  const { stdin } = render(<Home map={courseMap(course, emptyProgress())} title="t" width={80} height={23} onOpen={(i) => opened.push(`${i.kind}:${i.id}`)} onQuit={() => {}} />);
  await ready(stdin);
  stdin.write("jj\r");
  await until(() => opened.length > 0, "onOpen");
  expect(opened).toEqual(["lesson:01-two-generals"]);
});

describe("Reader", () => {
  const doc = parseLesson(sample);

  test("scrolls, runs the selected cell and shows its output", async () => {
    const runCell = vi.fn(async (index: number) => ({ ok: true, output: `hello from ${index}`, timedOut: false, durationMs: 3, exitCode: 0 }));
    const { lastFrame, stdin } = render(<Reader doc={doc} title="00 · Sample" width={80} height={23} hyperlinks={false} answers={new Map()} exercises={["echo"]} runCell={runCell} onAnswer={() => {}} onOpenExercise={() => {}} onBack={() => {}} />);
    await ready(stdin);
    await tick();
    await frame(lastFrame, /A sample lesson/);
    stdin.write(TAB);
    await tick();
    await frame(lastFrame, /cell 1 selected/);
    stdin.write("r");
    await tick();
    await tick();
    await until(() => runCell.mock.calls.length > 0, "runCell");
    expect(runCell).toHaveBeenCalledWith(1, expect.any(Number));
    await frame(lastFrame, /│ hello from 1/);
    stdin.write("G");
    await tick();
    await frame(lastFrame, /2\. Faults are data/);
    stdin.write("g");
    await tick();
    await frame(lastFrame, /A sample lesson/);
  });

  test("answers a quiz with a digit and reports it", async () => {
    const onAnswer = vi.fn();
    const { lastFrame, stdin } = render(<Reader doc={doc} title="t" width={80} height={23} hyperlinks={false} answers={new Map()} exercises={[]} runCell={async () => ({ ok: true, output: "", timedOut: false, durationMs: 1, exitCode: 0 })} onAnswer={onAnswer} onOpenExercise={() => {}} onBack={() => {}} />);
    await ready(stdin);
    await tick();
    stdin.write(TAB);
    await tick();
    stdin.write(TAB);
    await tick();
    await frame(lastFrame, /quiz 1: press 1–2 to answer/);
    stdin.write("2");
    await tick();
    await until(() => onAnswer.mock.calls.length > 0, "onAnswer");
    expect(onAnswer).toHaveBeenCalledWith(1, 1, true);
    await frame(lastFrame, /Right\./);
  });

  test("t opens the table of contents and Enter jumps", async () => {
    const { lastFrame, stdin } = render(<Reader doc={doc} title="t" width={80} height={16} hyperlinks={false} answers={new Map()} exercises={[]} runCell={async () => ({ ok: true, output: "", timedOut: false, durationMs: 1, exitCode: 0 })} onAnswer={() => {}} onOpenExercise={() => {}} onBack={() => {}} />);
    await ready(stdin);
    await tick();
    stdin.write("t");
    await tick();
    await frame(lastFrame, /Contents/);
    stdin.write("j");
    await tick();
    stdin.write("j");
    await tick();
    stdin.write(ENTER);
    await tick();
    await frame(lastFrame, /What to take away/);
    expect(lastFrame()).not.toMatch(/Contents/);
  });
});

describe("the notebook: edit, rerun, restore", () => {
  // The fake editor changes what cell 1 prints, as a learner changing a parameter would.
  const myEdit: FakeEditor = { command: "fake-editor", edit: (code) => ({ status: "changed", code: code.replace("hello from cell 1", "hello from my edit") }) };

  async function openLesson(services: Services, size = { width: 80, height: 23 }) {
    const r = render(<App services={services} initial={{ screen: "lesson", id: "00-the-lab" }} />);
    void size;
    await ready(r.stdin);
    await frame(r.lastFrame, /00 · The lab/);
    r.stdin.write(TAB);
    await frame(r.lastFrame, /cell 1 selected|cell 1: the lesson changed/);
    return r;
  }

  test("E opens the selected cell in the learner's editor; the edit is kept, marked, rerun, and its output replaces the old", async () => {
    const { services, calls, notebook } = fakeServices(emptyProgress(), myEdit);
    const { lastFrame, stdin, unmount } = await openLesson(services);
    stdin.write("r");
    await frame(lastFrame, /│ hello from cell 1/);
    stdin.write("E");
    await until(() => calls.includes("editor 1"), "the editor");
    await frame(lastFrame, /cell 1 · edited/);
    await frame(lastFrame, /│ hello from my edit/);
    expect(lastFrame()).not.toMatch(/│ hello from cell 1$/m);
    expect(lastFrame()).toMatch(/your edit\)/);
    expect(calls.filter((c) => c === "run 1")).toHaveLength(2);
    expect(notebook.edits.edits.map((e) => e.code)).toEqual([expect.stringContaining("hello from my edit")]);
    unmount();
  });

  test("an editor that changes nothing leaves the cell as it was and says so; a failing editor says what happened", async () => {
    let outcome: EditorOutcome = { status: "unchanged" };
    const { services, calls, notebook } = fakeServices(emptyProgress(), { command: "fake-editor", edit: () => outcome });
    const { lastFrame, stdin, unmount } = await openLesson(services);
    stdin.write("E");
    await frame(lastFrame, /No change: the cell is as it was/);
    outcome = { status: "failed", message: "Your editor (fake-editor) exited with code 1, so the cell was left as it was." };
    stdin.write("E");
    await frame(lastFrame, /exited with code 1/);
    expect(calls.filter((c) => c.startsWith("run"))).toEqual([]);
    expect(notebook.edits.edits).toEqual([]);
    expect(lastFrame()).not.toMatch(/edited/);
    unmount();
  });

  test("d shows the edit against the lesson's cell; u restores the lesson's cell and its kept output; u again brings the edit back", async () => {
    const { services, notebook } = fakeServices(emptyProgress(), myEdit);
    const { lastFrame, stdin, unmount } = await openLesson(services);
    stdin.write("r");
    await frame(lastFrame, /│ hello from cell 1/);
    stdin.write("E");
    await frame(lastFrame, /│ hello from my edit/);
    stdin.write("d");
    await frame(lastFrame, /yours and the lesson's/);
    expect(lastFrame()).toMatch(/- console\.log\("hello from cell 1"\);/);
    expect(lastFrame()).toMatch(/\+ console\.log\("hello from my edit"\);/);
    stdin.write("u");
    await frame(lastFrame, /Cell 1 is the lesson's again/);
    await frame(lastFrame, /│ hello from cell 1/);
    expect(lastFrame()).not.toMatch(/cell 1 · edited/);
    expect(notebook.edits.edits).toEqual([]);
    expect(notebook.edits.shelved.map((e) => e.code)).toEqual([expect.stringContaining("hello from my edit")]);
    // u again: the learner's version is back, with its output.
    await frame(lastFrame, /u brings/);
    stdin.write("u");
    await frame(lastFrame, /Your version of cell 1 is back/);
    await frame(lastFrame, /│ hello from my edit/);
    expect(lastFrame()).toMatch(/cell 1 · edited/);
    expect(notebook.edits.edits.map((e) => e.code)).toEqual([expect.stringContaining("hello from my edit")]);
    expect(notebook.edits.shelved).toEqual([]);
    unmount();
  });

  test("leaving and reopening the lesson shows the edit and each cell's last output, marked with when it ran and that it ran an edit", async () => {
    const { services } = fakeServices(emptyProgress(), myEdit);
    const first = await openLesson(services);
    first.stdin.write("E");
    await frame(first.lastFrame, /│ hello from my edit/);
    first.unmount();
    const again = await openLesson(services);
    await frame(again.lastFrame, /cell 1 · edited/);
    await frame(again.lastFrame, /│ hello from my edit/);
    expect(again.lastFrame()).toMatch(/output \(7 ms · ran (\d\d:\d\d|1 Dec) · your edit\)/);
    again.unmount();
  });

  test("without $VISUAL or $EDITOR, E edits in place: Ctrl-S saves and reruns; Esc with changes asks before discarding", async () => {
    const { services, calls } = fakeServices();
    const { lastFrame, stdin, unmount } = await openLesson(services);
    stdin.write("E");
    await frame(lastFrame, /editing cell 1/);
    expect(lastFrame()).toMatch(/No \$VISUAL or \$EDITOR is set/);
    await tick();
    // Down to the console.log line, to the end, back over `1");`, and type.
    stdin.write(DOWN);
    await tick(30);
    stdin.write("\u001b[F");
    await tick(30);
    for (let i = 0; i < 4; i++) {
      stdin.write("\u001b[D");
      await tick(30);
    }
    stdin.write("\u007f");
    await tick(30);
    stdin.write("2");
    await frame(lastFrame, /hello from cell 2"\);/);
    stdin.write("\u001b");
    await frame(lastFrame, /Esc again discards/);
    stdin.write("\u0013");
    await frame(lastFrame, /cell 1 · edited/);
    await frame(lastFrame, /│ hello from cell 2/);
    expect(calls).toContain("run 1");
    // Editing again and pressing Esc without a change just closes the editor.
    await tick();
    stdin.write("E");
    await frame(lastFrame, /editing cell 1/);
    await tick();
    stdin.write("\u001b");
    await until(() => !/editing cell 1/.test(lastFrame() ?? ""), "the editor to close");
    expect(lastFrame()).toMatch(/cell 1 · edited/);
    unmount();
  });

  test("a cell the lesson changed after the learner edited it is marked, and d shows both changes", async () => {
    const { services, notebook } = fakeServices(emptyProgress(), myEdit);
    const old = parseLesson(sample).cells[0]!;
    // The learner edited an older version of cell 1 (that printed "hello from an old cell 1").
    const olderCell = old.code.replace("hello from cell 1", "hello from an old cell 1");
    notebook.edits = withEdit(notebook.edits, notebookCells([{ ...old, code: olderCell }], notebook.edits).cells[0]!, olderCell.replace("an old cell 1", "my version"), new Date(0));
    const { lastFrame, stdin, unmount } = await openLesson(services);
    await frame(lastFrame, /cell 1 · edited · lesson changed/);
    expect(lastFrame()).toMatch(/the lesson changed it after your edit/);
    stdin.write("d");
    await frame(lastFrame, /What the lesson changed/);
    expect(lastFrame()).toMatch(/- console\.log\("hello from an old cell 1"\);/);
    expect(lastFrame()).toMatch(/\+ console\.log\("hello from cell 1"\);/);
    unmount();
  });
});

describe("watch screen", () => {
  test("verdict lines: the first failure with property, schedule, diagram and replay", () => {
    const lines = verdictLines(report("fail", true).exercises[0]!, { phase: "idle", problem: null, latencyMs: 420, trigger: "save" }, 78, "echo").map(lineText).join("\n");
    expect(lines).toMatch(/✗ fail/);
    expect(lines).toMatch(/verdict 420 ms after save/);
    expect(lines).toMatch(/first failure: answers each request/);
    expect(lines).toMatch(/every request gets exactly one reply/);
    expect(lines).toMatch(/fault schedule \(shrunk from 1 to 1 operation\)/);
    expect(lines).toMatch(/crash n1/);
    expect(lines).toMatch(/replay: npx faultline replay echo --seed 4/);
  });

  test("an early verdict says a scenario failed and the others are still grading, with the failure in full", () => {
    const lines = verdictLines(report("fail", true).exercises[0]!, { phase: "grading", problem: null, latencyMs: 310, trigger: "save", partial: true }, 78, "echo").map(lineText).join("\n");
    expect(lines).toMatch(/✗ fail {3}a scenario failed · 310 ms after save · the others still grading/);
    expect(lines).toMatch(/first failure: answers each request/);
    expect(lines).toMatch(/replay: npx faultline replay echo --seed 4/);
  });

  test("hung learner code is a verdict on screen", () => {
    const lines = verdictLines(null, { phase: "idle", problem: "Grading did not finish within 30 s", latencyMs: 30000, trigger: "save" }, 78, "echo").map(lineText).join("\n");
    expect(lines).toMatch(/no verdict/);
    expect(lines).toMatch(/did not finish/);
  });

  test("the app follows verdicts, gates next/solution until a pass, and asks before reset", async () => {
    const { services, watch } = fakeServices();
    const { lastFrame, stdin, unmount } = render(<App services={services} initial={{ screen: "watch", id: "echo" }} />);
    await ready(stdin);
    await tick();
    await until(() => watch.started, "the watch session to start");
    await frame(lastFrame, /Starting the grader/);
    watch.emit({ phase: "idle", report: report("fail", true), latencyMs: 300, trigger: "save", gradedAt: new Date() });
    await tick();
    await frame(lastFrame, /✗ fail/);
    expect(lastFrame()).not.toMatch(/n next/);
    stdin.write("s");
    await tick();
    await frame(lastFrame, /opens once your exercise passes/);
    stdin.write("h");
    await tick();
    await frame(lastFrame, /hint 1\/2 first hint/);
    watch.emit({ phase: "idle", report: report("pass"), latencyMs: 250, trigger: "save", gradedAt: new Date() });
    await tick();
    await frame(lastFrame, /✓ pass/);
    await frame(lastFrame, /n next/);
    stdin.write("s");
    await tick();
    await frame(lastFrame, /export const answer = 42/);
    stdin.write("s");
    await tick();
    stdin.write("x");
    await tick();
    await frame(lastFrame, /Reset echo to the stub\? .*y\/n/);
    stdin.write("y");
    await tick();
    await frame(lastFrame, /saved in \.faultline\/backups\/echo\/x/);
    unmount();
    await tick();
    await until(() => watch.closed, "the watch session to close");
  });
});

describe("watch screen, a stage of a shared worksheet", () => {
  const staged: Course = {
    ...course,
    exercises: [...course.exercises.map((e) => (e.id === "echo" ? { ...e, folder: "echoes" } : e)), { id: "echo-2", title: "Echo, stage 2", lesson: "00-the-lab", summary: "more echo", files: ["echo.ts"], hints: ["h"], folder: "echoes" }],
    lessons: course.lessons.map((l) => (l.id === "00-the-lab" ? { ...l, exercises: ["echo", "echo-2"] } : l)),
  };

  test("edits the shared folder, says which stage it is, and offers no copy step", async () => {
    const { services, watch } = fakeServices();
    const { lastFrame, stdin, unmount } = render(<App services={{ ...services, course: staged }} initial={{ screen: "watch", id: "echo-2" }} />);
    await ready(stdin);
    await until(() => watch.started, "the watch session to start");
    watch.emit({ phase: "idle", report: report("not-started"), latencyMs: 200, trigger: "start", gradedAt: new Date() });
    await frame(lastFrame, /edit: exercises\/echoes\/echo\.ts\s+stage 2 of 2/);
    await frame(lastFrame, /todo\(…\) calls in exercises\/echoes\//);
    expect(lastFrame()).not.toMatch(/carry|press c|copy/i);
    unmount();
  });

  test("reset asks: this stage's part or the whole worksheet; n changes nothing", async () => {
    const { services, watch } = fakeServices();
    const scopes: string[] = [];
    const withReset: Services = { ...services, course: staged, reset: (e, scope) => (scopes.push(`${e.id} ${scope}`), { files: ["exercises/echoes/echo.ts"], backup: ".faultline/backups/echoes/y" }) };
    const { lastFrame, stdin, unmount } = render(<App services={withReset} initial={{ screen: "watch", id: "echo-2" }} />);
    await ready(stdin);
    await until(() => watch.started, "the watch session to start");
    watch.emit({ phase: "idle", report: report("fail", true), latencyMs: 200, trigger: "start", gradedAt: new Date() });
    stdin.write("x");
    await frame(lastFrame, /Reset\? s: echo-2's part · w: whole worksheet · n: no/);
    stdin.write("n");
    await frame(lastFrame, /Reset cancelled/);
    expect(scopes).toEqual([]);
    stdin.write("x");
    await frame(lastFrame, /s: echo-2's part/);
    stdin.write("s");
    await frame(lastFrame, /Put back the stub in echo-2's part\. Undo: faultline reset --undo/);
    stdin.write("x");
    await frame(lastFrame, /w: whole worksheet/);
    stdin.write("w");
    await frame(lastFrame, /Reset the whole worksheet to the stub/);
    expect(scopes).toEqual(["echo-2 stage", "echo-2 worksheet"]);
    unmount();
  });

  test("when the stage's markers are gone, it says so and offers only the whole worksheet", async () => {
    const { services, watch } = fakeServices();
    const scopes: string[] = [];
    const lost = Object.assign(new Error('exercises/echoes/echo.ts has 0 "// #region echo-2" parts; the worksheet has 1.'), { name: "ResetError" });
    const withReset: Services = {
      ...services,
      course: staged,
      reset: (e, scope) => {
        if (scope === "stage") throw lost;
        scopes.push(`${e.id} ${scope}`);
        return { files: ["exercises/echoes/echo.ts"], backup: null };
      },
    };
    const { lastFrame, stdin, unmount } = render(<App services={withReset} initial={{ screen: "watch", id: "echo-2" }} />);
    await ready(stdin);
    await until(() => watch.started, "the watch session to start");
    watch.emit({ phase: "idle", report: report("fail", true), latencyMs: 200, trigger: "start", gradedAt: new Date() });
    stdin.write("x");
    await frame(lastFrame, /s: echo-2's part/);
    stdin.write("s");
    await frame(lastFrame, /has 0 "\/\/ #region echo-2" parts/);
    await frame(lastFrame, /w: reset the whole worksheet instead/);
    stdin.write("s"); // no longer offered: cancels
    await frame(lastFrame, /Reset cancelled/);
    expect(scopes).toEqual([]);
    stdin.write("x");
    await frame(lastFrame, /s: echo-2's part/);
    stdin.write("s");
    await frame(lastFrame, /w: reset the whole worksheet instead/);
    stdin.write("w");
    await frame(lastFrame, /Reset the whole worksheet to the stub\./);
    expect(scopes).toEqual(["echo-2 worksheet"]);
    unmount();
  });
});

describe("App", () => {
  test("home → lesson → back, marking the lesson opened", async () => {
    const { services, calls } = fakeServices();
    const { lastFrame, stdin } = render(<App services={services} initial={{ screen: "home" }} />);
    await ready(stdin);
    await tick();
    await frame(lastFrame, /test course/);
    stdin.write(ENTER);
    await tick();
    await frame(lastFrame, /00 · The lab/);
    await until(() => calls.includes("opened 00-the-lab"), "markLessonOpened");
    stdin.write("q");
    await tick();
    await frame(lastFrame, /1\/2 lessons read/);
  });
});

describe("workshop mode", () => {
  const w: Workshop = { version: 1, title: "Failure in an afternoon", start: "13:30", steps: [{ lesson: "00-the-lab", minutes: 20 }, { exercise: "echo", minutes: 25 }, { break: "coffee", minutes: 10 }] };
  const workshop = { workshop: w, planned: applyWorkshop(course, w), plan: workshopPlan(course, w) };
  const at = (hh: number, mm: number) => () => new Date(2026, 0, 5, hh, mm);

  test("the home screen shows where the room should be now, and p shows the timetable", async () => {
    const { services } = fakeServices();
    const { lastFrame, stdin } = render(<App services={{ ...services, workshop, now: at(14, 2) }} initial={{ screen: "home" }} />);
    await ready(stdin);
    await frame(lastFrame, /Now: exercise echo, until 14:15 · then break \(coffee\)/);
    expect(lastFrame()).toMatch(/echo.*◀ now/);
    expect(lastFrame()).not.toMatch(/Two generals/);
    stdin.write("p");
    await frame(lastFrame, /Plan: Failure in an afternoon \(0 h 55 min\)/);
    expect(lastFrame()).toMatch(/▶ 13:50\s+25′\s+exercise echo — Echo/);
    expect(lastFrame()).toMatch(/14:15\s+10′\s+break · coffee/);
    stdin.write("p");
    await frame(lastFrame, /◀ now/);
  });

  test("before and after the plan the home screen says so", () => {
    const plan = (h: number) => ({ title: w.title, items: workshop.plan, position: planPosition(w, workshop.plan, h * 60) });
    const home = (h: number) => render(<Home map={courseMap(workshop.planned, emptyProgress())} title={w.title} width={80} height={23} plan={plan(h)} onOpen={() => {}} onQuit={() => {}} />).lastFrame()!;
    expect(home(9)).toMatch(/The workshop starts at 13:30/);
    expect(home(18)).toMatch(/The workshop's plan ended at 14:25/);
  });

  test("an exercise outside the plan opens, saying so, and n points back to the plan", async () => {
    const { services, watch } = fakeServices({ ...emptyProgress(), exercises: { "two-generals": { status: "pass", attempts: 1, hintsShown: 0, lastGradedAt: "x", passedAt: "x" } } });
    const { lastFrame, stdin } = render(<App services={{ ...services, workshop, now: at(14, 2) }} initial={{ screen: "watch", id: "two-generals" }} />);
    await ready(stdin);
    await until(() => watch.started, "the watch session to start");
    await frame(lastFrame, /two-generals is outside today's plan \(Failure in an afternoon\)/);
    watch.emit({ phase: "idle", report: report("pass"), latencyMs: 200, trigger: "start", gradedAt: new Date() });
    await frame(lastFrame, /✓ pass/);
    stdin.write("n");
    await frame(lastFrame, /outside today's plan: l lists the plan's exercises/);
  });

  test("a lesson outside the plan opens, saying so", async () => {
    const { services } = fakeServices();
    const { lastFrame, stdin } = render(<App services={{ ...services, workshop, now: at(14, 2) }} initial={{ screen: "lesson", id: "01-two-generals" }} />);
    await ready(stdin);
    await frame(lastFrame, /01-two-generals is outside today's plan/);
    await frame(lastFrame, /A sample lesson/);
  });
});

describe("small terminals", () => {
  test.each([
    [80, 23],
    [60, 19],
  ])("at %i×%i every key of the watch screen's footer shows, and nothing is wider than the screen", async (width, height) => {
    const { services, watch } = fakeServices();
    const { lastFrame, stdin } = render(<Watch services={services} exercise={course.exercises[0]!} width={width} height={height} exercises={[]} onOpenExercise={() => {}} onBack={() => {}} />);
    await ready(stdin);
    watch.emit({ phase: "idle", report: report("fail", true), latencyMs: 300, trigger: "save", gradedAt: new Date() });
    await frame(lastFrame, /✗ fail/);
    const f = lastFrame()!;
    for (const k of watchKeys(false)) expect(f).toContain(`${k.key} ${k.label}`);
    expect(f.split("\n").length).toBeLessThanOrEqual(height);
    for (const line of f.split("\n")) expect(line.length).toBeLessThanOrEqual(width);
  });

  test.each([
    [80, 23],
    [60, 19],
  ])("at %i×%i every key of the reader's footer shows (three lines of them at 60 columns)", async (width, height) => {
    const doc = parseLesson(sample);
    const { lastFrame, stdin } = render(<Reader doc={doc} title="00 · Sample" width={width} height={height} hyperlinks={false} answers={new Map()} exercises={["echo"]} runCell={async () => ({ ok: true, output: "", timedOut: false, durationMs: 1, exitCode: 0 })} onAnswer={() => {}} onOpenExercise={() => {}} onBack={() => {}} />);
    await ready(stdin);
    await frame(lastFrame, /A sample lesson/);
    const f = lastFrame()!;
    for (const k of READER_KEYS(["echo"], 2)) expect(f).toContain(`${k.key} ${k.label}`);
    expect(f.split("\n").length).toBeLessThanOrEqual(height);
    for (const line of f.split("\n")) expect(line.length).toBeLessThanOrEqual(width);
  });

  test("the footer packs keys into as many lines as the width needs", () => {
    const keys = watchKeys(true, true);
    const lines = footerLines(keys, 40).map(lineText);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join(" · ").split(" · ")).toHaveLength(keys.length);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(40);
  });

  test("a hint asked for while scrolled up is brought into view", async () => {
    const { services, watch } = fakeServices();
    const { lastFrame, stdin } = render(<Watch services={services} exercise={course.exercises[0]!} width={80} height={14} exercises={[]} onOpenExercise={() => {}} onBack={() => {}} />);
    await ready(stdin);
    watch.emit({ phase: "idle", report: report("fail", true), latencyMs: 300, trigger: "save", gradedAt: new Date() });
    await frame(lastFrame, /✗ fail/);
    stdin.write("g");
    await tick();
    stdin.write("h");
    await frame(lastFrame, /hint 1\/2 first hint/);
    // And scrolling still moves from where the screen is.
    stdin.write("k");
    await tick();
    await frame(lastFrame, /lines · j\/k scroll/);
  });
});
