// End to end: drives the real `faultline` binary in a pseudo-terminal (tmux)
// as a learner would — home, lesson 00, run a cell, open echo, break it, see
// the failure, fix it, see the pass, quit; then the Raft worksheet from
// raft-election to raft-log in one file; and a cell of lesson 01 changed
// through $EDITOR, restored, reopened — reading the screen as text.
// Works on a throwaway copy of the project, so the learner's files are never
// touched, and waits by polling the screen (no fixed sleeps).

import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { makeSandbox, removeSandbox } from "../bench/tui.ts";
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

function tmux(...args: string[]): string {
  // CI may have no TERM; tmux needs one even for a detached session.
  return execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8", env: { ...process.env, TERM: process.env["TERM"] || "xterm-256color" } });
}

function screen(session = "e2e"): string {
  try {
    return tmux("capture-pane", "-p", "-t", session);
  } catch {
    return "";
  }
}

/** Polls the screen until `pattern` shows (generous: the machine may be busy). */
async function waitFor(pattern: RegExp, what: string, timeoutMs = 90_000, session = "e2e"): Promise<string> {
  const started = Date.now();
  for (;;) {
    const text = screen(session);
    if (pattern.test(text)) return text;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what} (${pattern}); the screen shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function keys(...k: string[]): void {
  tmux("send-keys", "-t", "e2e", ...k);
}

/** The command a session runs: faultline with `args`, then a marker with its exit code. */
function faultlineCommand(args = ""): string {
  return `env -u CI -u CONTINUOUS_INTEGRATION -u NO_COLOR TERM=xterm-256color ${JSON.stringify(process.execPath)} bin/faultline.js ${args}; echo "FAULTLINE-EXITED:$?"; sleep 600`;
}

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
});

test.skipIf(!hasTmux)("a learner opens the course, runs a cell, breaks and fixes echo, and quits", { timeout: 600_000 }, async () => {
  tmux("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", "-c", sandbox, faultlineCommand());

  // Home: the course map with progress and the key footer; lesson 00 is next.
  let text = await waitFor(/continue/, "the course map");
  expect(text).toMatch(/00\s+The lab/);
  expect(text).toMatch(/echo/);
  expect(text).toMatch(/Enter open/);
  expect(text).toMatch(/q quit/);

  // Open lesson 00 (the selection starts on the next unfinished item).
  keys("Enter");
  text = await waitFor(/00 · The lab/, "lesson 00");

  // Move to the first cell and run it: its output appears beneath it.
  keys("Tab");
  await waitFor(/cell 1 selected/, "cell 1 selected");
  keys("Enter");
  text = await waitFor(/output \(\d+ ms\)|failed \(exit code|timed out/, "cell 1 output", 120_000);
  expect(text).toMatch(/output \(\d+ ms\)/);

  // Jump to the lesson's exercise: echo, untouched, is not started.
  keys("e");
  text = await waitFor(/not started|✗ fail|✓ pass/, "echo's first verdict", 120_000);
  expect(text).toMatch(/echo — Echo/);
  expect(text).toMatch(/not started/);

  // Break it: answer a fixed client instead of the sender.
  const file = join(sandbox, "exercises", "echo", "echo.ts");
  const solution = readFileSync(join(sandbox, "solutions", "echo", "echo.ts"), "utf8");
  const broken = solution.replace("ctx.send(from, ", 'ctx.send(from.startsWith("c") ? "c1" : from, ');
  expect(broken).not.toBe(solution);
  writeFileSync(file, broken);
  text = await waitFor(/✗ fail/, "the failure");
  expect(text).toMatch(/first failure:/);
  expect(text).toMatch(/replay: /);

  // Fix it: the verdict turns to pass, and "next" and "solution" appear.
  writeFileSync(file, solution);
  text = await waitFor(/✓ pass/, "the pass");
  expect(text).toMatch(/n next/);

  // Quit: back to the lesson, back home, out.
  keys("q");
  await waitFor(/00 · The lab/, "the lesson again");
  keys("q");
  await waitFor(/continue/, "the course map again");
  keys("q");
  text = await waitFor(/FAULTLINE-EXITED:\d+/, "faultline to exit");
  expect(text).toMatch(/FAULTLINE-EXITED:0/);
  expect(existsSync(join(sandbox, ".faultline", "progress.json"))).toBe(true);
});

test.skipIf(!hasTmux)("a learner passes raft-election, moves on to raft-log in the same worksheet (nothing to copy), and passes it", { timeout: 900_000 }, async () => {
  const session = "e2e-raft";
  const wait = (pattern: RegExp, what: string, timeoutMs = 180_000) => waitFor(pattern, what, timeoutMs, session);
  const course = loadCourse(sandbox);
  // What `faultline solution <stage>` shows: the answers up to that stage, later stages still todos.
  const upTo = (id: string) => referenceFiles(sandbox, course, findExercise(course, id)!).find((f) => f.file === "raft.ts")!.code;
  const file = join(sandbox, "exercises", "raft", "raft.ts");
  tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "-c", sandbox, faultlineCommand("watch raft-election"));

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
  tmux("send-keys", "-t", session, "n");
  text = await wait(/raft-log — Raft, part B[\s\S]*(not started|✗ fail|✓ pass)/, "raft-log's first verdict");
  expect(text).toMatch(/edit: exercises\/raft\/raft\.ts\s+stage 2 of 5/);
  expect(text).toMatch(/not started/);
  expect(text).toMatch(/still a todo: raft-log/);
  expect(text).not.toMatch(/carry|copy/i);

  // The log written into the same file: raft-log passes (raft-election's scenarios included).
  writeFileSync(file, upTo("raft-log"));
  text = await wait(/✓ pass/, "raft-log to pass");

  tmux("send-keys", "-t", session, "q");
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
  const open = (name: string) => {
    tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", sandbox, `env -u VISUAL EDITOR=${JSON.stringify(editor)} ${faultlineCommand("lesson 01-two-generals")}`);
  };
  const on = (name: string) => (...k: string[]) => tmux("send-keys", "-t", name, ...k);
  const screenOf = (name: string) => () => screen(name);
  const waitOn = (name: string, pattern: RegExp, what: string, timeoutMs = 120_000) => waitFor(pattern, what, timeoutMs, name);
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
