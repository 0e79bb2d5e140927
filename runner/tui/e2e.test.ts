// End to end: drives the real `faultline` binary in a pseudo-terminal (tmux)
// as a learner and an instructor would, reading the screen as text:
//
//   1. a learner at 80×24: home, lesson 00, run a cell, answer a quiz, open
//      echo, break it, open the failing trace (node state, the violation
//      selected), take a hint, fix it, see the pass, quit;
//   2. a workshop: the home screen follows the plan, and an exercise outside
//      the plan opens with a line that says so;
//   3. a learner's copy made by `faultline classroom template`: `npm start`
//      opens the course, a cell runs, an exercise grades, the solution is
//      withheld;
//   4. the Raft worksheet from raft-election to raft-log in one file;
//   5. a cell of lesson 01 changed through $EDITOR, restored, reopened.
//
// Works on throwaway copies of the project (exercises as committed), so the
// learner's files and progress are never touched, and waits by polling the
// screen (no fixed sleeps).

import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { makeSandbox, PROJECT_ROOT, removeSandbox } from "../bench/tui.ts";
import { findExercise, loadCourse } from "../course/course.ts";
import { referenceFiles } from "../course/reference.ts";

const hasTmux = (() => {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const socket = `faultline-e2e-${process.pid}`;
let sandbox = "";
const scratch: string[] = [];

function tmux(...args: string[]): string {
  // CI may have no TERM; tmux needs one even for a detached session.
  return execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8", env: { ...process.env, TERM: process.env["TERM"] || "xterm-256color" } });
}

function screen(session: string): string {
  try {
    return tmux("capture-pane", "-p", "-t", session);
  } catch {
    return "";
  }
}

/** Polls the screen until `pattern` shows (generous: the machine may be busy). */
async function waitFor(session: string, pattern: RegExp, what: string, timeoutMs = 90_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const text = screen(session);
    if (pattern.test(text)) return text;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what} (${pattern}); the screen shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * Starts `command` in a new tmux session of the given size, in `cwd`. The
 * sandbox is a throwaway copy: it keeps its own .faultline/ (npm test's
 * FAULTLINE_STATE_DIR is for the real checkout).
 */
function start(session: string, cwd: string, command: string, size: [number, number] = [80, 24]): { keys(...k: string[]): void; screen(): string; waitFor(p: RegExp, what: string, ms?: number): Promise<string> } {
  const line = `env -u CI -u CONTINUOUS_INTEGRATION -u NO_COLOR -u FAULTLINE_STATE_DIR -u FAULTLINE_WORKSHOP TERM=xterm-256color ${command}; echo "FAULTLINE-EXITED:$?"; sleep 600`;
  tmux("new-session", "-d", "-s", session, "-x", String(size[0]), "-y", String(size[1]), "-c", cwd, line);
  return {
    keys: (...k: string[]) => void tmux("send-keys", "-t", session, ...k),
    screen: () => screen(session),
    waitFor: (p, what, ms) => waitFor(session, p, what, ms),
  };
}

const faultline = JSON.stringify(process.execPath) + " bin/faultline.js";

beforeAll(() => {
  if (!hasTmux) return;
  sandbox = makeSandbox("e2e");
  // The fast-start bundle, as `npm install` builds it (falls back to tsx if it cannot).
  execFileSync(process.execPath, [join(sandbox, "bin", "build.js")], { cwd: sandbox, stdio: "ignore" });
});

afterAll(() => {
  if (!hasTmux) return;
  try {
    tmux("kill-server");
  } catch {
    // already gone
  }
  if (sandbox) removeSandbox(sandbox);
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

test.skipIf(!hasTmux)("a learner at 80×24: lesson, cell, quiz, a failure seen in the trace viewer, a hint, the fix, the pass", { timeout: 600_000 }, async () => {
  const t = start("learner", sandbox, faultline);

  // Home: the course map with progress and the key footer; lesson 00 is next.
  let text = await t.waitFor(/continue/, "the course map");
  expect(text).toMatch(/00\s+The lab/);
  expect(text).toMatch(/echo/);
  expect(text).toMatch(/Enter open/);
  expect(text).toMatch(/q quit/);

  // Open lesson 00 (the selection starts on the next unfinished item).
  t.keys("Enter");
  text = await t.waitFor(/00 · The lab/, "lesson 00");

  // Move to the first cell and run it: its output appears beneath it.
  t.keys("Tab");
  await t.waitFor(/cell 1 selected/, "cell 1 selected");
  t.keys("Enter");
  text = await t.waitFor(/output \(\d+ ms\)|failed \(exit code|timed out/, "cell 1 output", 120_000);
  expect(text).toMatch(/output \(\d+ ms\)/);

  // On to the first quiz; the status line names the keys that answer it, and an answer is marked.
  for (let i = 0; i < 12 && !/quiz \d+: press 1–\d to answer/.test(t.screen()); i++) {
    t.keys("Tab");
    await new Promise((r) => setTimeout(r, 300));
  }
  text = await t.waitFor(/quiz \d+: press 1–\d to answer/, "a quiz selected");
  const [, choices] = /quiz \d+: press 1–(\d) to answer/.exec(text)!;
  expect(text).toContain(`press 1–${choices} to answer`);
  t.keys("1");
  await t.waitFor(/Right\.|Not quite/, "the quiz answered");

  // Jump to the lesson's exercise: echo, untouched, is not started.
  t.keys("e");
  text = await t.waitFor(/not started|✗ fail|✓ pass/, "echo's first verdict", 120_000);
  expect(text).toMatch(/echo — Echo/);
  expect(text).toMatch(/not started/);

  // Break it: answer a fixed client instead of the sender.
  const file = join(sandbox, "exercises", "echo", "echo.ts");
  const solution = readFileSync(join(sandbox, "solutions", "echo", "echo.ts"), "utf8");
  const broken = solution.replace("ctx.send(from, ", 'ctx.send(from.startsWith("c") ? "c1" : from, ');
  expect(broken).not.toBe(solution);
  writeFileSync(file, broken);
  text = await t.waitFor(/✗ fail/, "the failure");
  expect(text).toMatch(/first failure:/);
  // The failure ends with the command that replays it: scroll down to it.
  for (let i = 0; i < 60 && !/replay: /.test(t.screen()); i++) {
    t.keys("j");
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await t.waitFor(/replay: /, "the replay command")).toMatch(/replay: /);

  // The trace viewer at 80×24: it opens on the violation, with every node's state below the diagram.
  await t.waitFor(/t trace/, "the trace key");
  t.keys("t");
  // The viewer replays the run to record each node's state, then opens.
  text = await t.waitFor(/replay · echo/, "the trace viewer", 120_000);
  // The viewer opens where the property broke: the violating event, or the end of the run for a property checked there.
  expect(text).toMatch(/◆ the violation|the end of the run \(the property was checked/);
  expect(text).toMatch(/at this point/);
  expect(text).toMatch(/^n1 up/m);
  expect(text).toMatch(/^▶ t=\d+/m);
  expect(text).toMatch(/s node state/);
  t.keys("s");
  expect(await t.waitFor(/state hidden/, "the node state hidden")).not.toMatch(/at this point/);
  t.keys("s");
  await t.waitFor(/at this point/, "the node state back");
  t.keys("q");
  await t.waitFor(/echo — Echo/, "back on the exercise");

  // A hint, in sight at once.
  t.keys("h");
  await t.waitFor(/hint 1\/\d/, "the first hint");

  // Fix it: the verdict turns to pass, and "next" and "solution" appear.
  writeFileSync(file, solution);
  text = await t.waitFor(/✓ pass/, "the pass");
  expect(text).toMatch(/n next/);

  // Next: the following exercise opens.
  t.keys("n");
  await t.waitFor(/two-generals — /, "the next exercise");

  // Quit: back to the lesson, back home, out.
  t.keys("q");
  await t.waitFor(/00 · The lab/, "the lesson again");
  t.keys("q");
  await t.waitFor(/continue/, "the course map again");
  t.keys("q");
  text = await t.waitFor(/FAULTLINE-EXITED:\d+/, "faultline to exit");
  expect(text).toMatch(/FAULTLINE-EXITED:0/);
  expect(existsSync(join(sandbox, ".faultline", "progress.json"))).toBe(true);
});

test.skipIf(!hasTmux)("a workshop: the home screen follows the plan; an exercise outside it opens, saying so (80×24 and 60×20)", { timeout: 300_000 }, async () => {
  // A plan that started five minutes ago (the room's clock), unless that is before midnight.
  const now = new Date();
  const minute = now.getHours() * 60 + now.getMinutes() - 5;
  const startAt = minute >= 0 ? `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}` : "00:00";
  writeFileSync(join(sandbox, "workshop.json"), JSON.stringify({ version: 1, title: "Failure in an afternoon", start: startAt, steps: [{ lesson: "00-the-lab", minutes: 20 }, { exercise: "echo", minutes: 25 }, { break: "coffee", minutes: 10 }] }));
  try {
    const home = start("workshop-home", sandbox, faultline);
    let text = await home.waitFor(/Failure in an afternoon/, "the workshop's course map");
    if (minute >= 0) expect(text).toMatch(/Now: lesson 00-the-lab, until \d\d:\d\d · then echo/);
    expect(text).toMatch(/◀ now/);
    expect(text).not.toMatch(/two-generals|Raft/);
    home.keys("p");
    text = await home.waitFor(/Plan: Failure in an afternoon/, "the timetable");
    expect(text).toMatch(/break · coffee/);
    home.keys("p");
    await home.waitFor(/◀ now/, "the course map again");
    home.keys("q");
    await home.waitFor(/FAULTLINE-EXITED:0/, "faultline to exit");

    for (const [session, size] of [["workshop-80", [80, 24]], ["workshop-60", [60, 20]]] as const) {
      const t = start(session, sandbox, `${faultline} watch g-counter`, [...size]);
      text = await t.waitFor(/not started|✗ fail|✓ pass|could not run/, "g-counter's verdict", 120_000);
      expect(text).not.toMatch(/internal error/);
      expect(text).toMatch(/g-counter is outside today's plan/);
      expect(text).toMatch(/q quit/);
      for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(size[0]);
      t.keys("q");
      await t.waitFor(/FAULTLINE-EXITED:0/, "faultline to exit");
    }
  } finally {
    rmSync(join(sandbox, "workshop.json"), { force: true });
  }
});

test.skipIf(!hasTmux)("a learner's copy from `classroom template`: npm start opens the course, echo grades, the solution is withheld", { timeout: 600_000 }, async () => {
  const parent = mkdtempSync(join(tmpdir(), "faultline-e2e-template-"));
  scratch.push(parent);
  const copy = join(parent, "learner");
  // The template is made from the committed course of this checkout (read-only).
  execFileSync(process.execPath, [join(PROJECT_ROOT, "bin", "faultline.js"), "classroom", "template", copy], { cwd: PROJECT_ROOT, stdio: "ignore" });
  expect(existsSync(join(copy, "solutions"))).toBe(false);
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  execFileSync(process.execPath, [join(copy, "bin", "build.js")], { cwd: copy, stdio: "ignore" });

  const t = start("template", copy, "npm start");
  let text = await t.waitFor(/continue/, "the course map from npm start");
  expect(text).toMatch(/00\s+The lab/);
  // The lessons' cells run demo code of their own, never a reference solution: they work in the copy.
  t.keys("Enter");
  await t.waitFor(/00 · The lab/, "lesson 00");
  t.keys("Tab");
  await t.waitFor(/cell 1 selected/, "cell 1 selected");
  t.keys("Enter");
  text = await t.waitFor(/output \(\d+ ms\)|failed \(exit code|timed out/, "cell 1's output in the copy", 120_000);
  expect(text).toMatch(/output \(\d+ ms\)/);
  // The exercise grades here too.
  t.keys("e");
  text = await t.waitFor(/not started|✗ fail|✓ pass/, "echo's verdict in the copy", 120_000);
  expect(text).toMatch(/not started/);
  writeFileSync(join(copy, "exercises", "echo", "echo.ts"), readFileSync(join(PROJECT_ROOT, "solutions", "echo", "echo.ts")));
  await t.waitFor(/✓ pass/, "the pass in the copy");
  t.keys("s");
  await t.waitFor(/Your instructor withheld the reference solutions/, "the withheld solution");
  t.keys("q");
  await t.waitFor(/00 · The lab/, "the lesson again");
  t.keys("q");
  await t.waitFor(/continue/, "the course map again");
  t.keys("q");
  expect(await t.waitFor(/FAULTLINE-EXITED:\d+/, "npm start to end")).toMatch(/FAULTLINE-EXITED:0/);
});

test.skipIf(!hasTmux)("a learner passes raft-election, moves on to raft-log in the same worksheet (nothing to copy), and passes it", { timeout: 900_000 }, async () => {
  const course = loadCourse(sandbox);
  // What `faultline solution <stage>` shows: the answers up to that stage, later stages still todos.
  const upTo = (id: string) => referenceFiles(sandbox, course, findExercise(course, id)!).find((f) => f.file === "raft.ts")!.code;
  const file = join(sandbox, "exercises", "raft", "raft.ts");
  const t = start("e2e-raft", sandbox, `${faultline} watch raft-election`);
  const wait = (pattern: RegExp, what: string, timeoutMs = 180_000) => t.waitFor(pattern, what, timeoutMs);

  // The untouched worksheet: raft-election is not started, in exercises/raft/raft.ts, stage 1 of 5.
  let text = await wait(/not started|✗ fail|✓ pass/, "raft-election's first verdict");
  expect(text).toMatch(/raft-election — Raft, part A/);
  expect(text).toMatch(/edit: exercises\/raft\/raft\.ts\s+stage 1 of 5/);
  expect(text).toMatch(/not started/);

  // Elections written: the stage passes.
  writeFileSync(file, upTo("raft-election"));
  text = await wait(/✓ pass/, "raft-election to pass");
  expect(text).toMatch(/n next/);

  // n: the next stage grades the same file. Its own scenarios stop at the raft-log todos; no copy step is offered.
  t.keys("n");
  text = await wait(/raft-log — Raft, part B[\s\S]*(not started|✗ fail|✓ pass)/, "raft-log's first verdict");
  expect(text).toMatch(/edit: exercises\/raft\/raft\.ts\s+stage 2 of 5/);
  expect(text).toMatch(/not started/);
  expect(text).toMatch(/still a todo: raft-log/);
  expect(text).not.toMatch(/carry|copy/i);

  // The log written into the same file: raft-log passes (raft-election's scenarios included).
  writeFileSync(file, upTo("raft-log"));
  text = await wait(/✓ pass/, "raft-log to pass");

  t.keys("q");
  text = await wait(/FAULTLINE-EXITED:\d+/, "faultline to exit", 60_000);
  expect(text).toMatch(/FAULTLINE-EXITED:0/);
  expect(existsSync(join(sandbox, "exercises", "raft-log"))).toBe(false);
});

test.skipIf(!hasTmux)("at 80×24 a learner changes lesson 01's loss rate through $EDITOR, sees a new chart, restores the lesson's, and finds an edit still there after reopening", { timeout: 600_000 }, async () => {
  // The learner's "editor": a script that changes the loss rate in the file it is given.
  mkdirSync(join(sandbox, ".faultline"), { recursive: true });
  const editor = join(sandbox, ".faultline", "e2e-editor.sh");
  writeFileSync(editor, "#!/bin/sh\nsed -i 's/const loss = 0.5;/const loss = 0.8;/' \"$1\"\n");
  chmodSync(editor, 0o755);
  const open = (name: string) => void start(name, sandbox, `env -u VISUAL EDITOR=${JSON.stringify(editor)} ${faultline} lesson 01-two-generals`);
  const on = (name: string) => (...k: string[]) => void tmux("send-keys", "-t", name, ...k);
  const screenOf = (name: string) => () => screen(name);
  const waitOn = (name: string, pattern: RegExp, what: string, timeoutMs = 120_000) => waitFor(name, pattern, what, timeoutMs);
  /** Tab until cell 2 is selected. */
  const selectCell2 = async (name: string) => {
    // The status line says what is selected: press Tab, wait for it to change, until it is cell 2.
    const status = () => /^ (cell \d+ selected|quiz \d+|Tab moves).*$/m.exec(screenOf(name)())?.[0] ?? "";
    for (let i = 0; i < 12 && !/cell 2 selected/.test(status()); i++) {
      const before = status();
      on(name)("Tab");
      const started = Date.now();
      while (status() === before && Date.now() - started < 15_000) await new Promise((r) => setTimeout(r, 100));
    }
    return waitOn(name, /cell 2 selected/, "cell 2 selected", 10_000);
  };

  open("nb1");
  const keys1 = on("nb1");
  await waitOn("nb1", /01 · The network is not reliable/, "lesson 01");
  await selectCell2("nb1");
  keys1("Enter");
  let text = await waitOn("nb1", /loss 50%: general 1 still waiting/, "the lesson's chart");
  expect(text).toMatch(/output \(\d+ ms\)/);

  // E: the learner's editor changes the loss rate; the cell reruns with it.
  keys1("E");
  text = await waitOn("nb1", /loss 80%: general 1 still waiting/, "the chart of the edited cell");
  // The output says it came from the edit; the key footer offers diff and restore, as it does only for an edited cell.
  expect(text).toMatch(/output \(\d+ ms · your edit\)/);
  expect(text).toMatch(/d\/u diff\/restore/);
  expect(text).not.toMatch(/loss 50%/);

  // d: the edit against the lesson's cell.
  keys1("d");
  text = await waitOn("nb1", /yours and the lesson's/, "the diff");
  expect(text).toMatch(/- const loss = 0\.5;/);
  expect(text).toMatch(/\+ const loss = 0\.8;/);

  // u: the lesson's cell again, with the lesson's chart.
  keys1("u");
  text = await waitOn("nb1", /Cell 2 is the lesson's again/, "the restore");
  text = await waitOn("nb1", /loss 50%: general 1 still waiting/, "the lesson's chart again");
  expect(text).not.toMatch(/your edit|d\/u diff\/restore/);

  // Edit again, quit, reopen: the edit and its output are still there.
  keys1("E");
  await waitOn("nb1", /loss 80%: general 1 still waiting/, "the edited chart again");
  keys1("q");
  await waitOn("nb1", /FAULTLINE-EXITED:0/, "faultline to exit");
  expect(existsSync(join(sandbox, ".faultline", "notebook", "01-two-generals.edits.json"))).toBe(true);

  open("nb2");
  await waitOn("nb2", /01 · The network is not reliable/, "lesson 01 reopened");
  text = await selectCell2("nb2");
  expect(text).toMatch(/cell 2 · edited/);
  expect(text).toMatch(/const loss = 0\.8;/);
  // Scroll down to its output: the one kept from before, marked with when it ran.
  for (let i = 0; i < 30 && !/loss 80%: general 1 still waiting/.test(screenOf("nb2")()); i++) {
    on("nb2")("j");
    await new Promise((r) => setTimeout(r, 150));
  }
  text = await waitOn("nb2", /loss 80%: general 1 still waiting/, "the kept output of the edit");
  expect(text).toMatch(/output \(\d+ ms · ran \d\d:\d\d · your edit\)/);
  on("nb2")("q");
  await waitOn("nb2", /FAULTLINE-EXITED:0/, "faultline to exit");
});
