// The red-team catalogue (issues 14 and 15): submissions that try to forge a
// PASS, read the answers, reach the machine, hang or crash the grader, or
// make runs depend on anything but the seed — one fixture per attack family,
// each the smallest realistic submission that would pass if its attack
// worked. Every case names the verdict it must get instead.
//
// Fixtures live in runner/grade/fixtures/redteam/<case>/<folder>/ (the
// exercise's folder, e.g. raft for a Raft stage). Two kinds are finished at
// run time in a scratch directory under .faultline/ (inside the project, so
// that hard links to solutions/ stay on one file system): links into
// solutions/ (never committed), and cases built from a reference solution
// by a few edits with the fixture's own files laid over it (so that a Raft
// attack is a helper file and three edits, not a second copy of Raft).
//
// Run as a script, it grades the cases named (all by default) in one mode
// and prints one JSON line per case (see runCatalogue); redteam.test.ts runs
// both modes and asserts.
//
//   node --import tsx runner/grade/redteam.ts --mode plain|sandbox [case…]

import { cpSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { applyEdits, type Edit } from "../mutants/mutant.ts";
import { exerciseFolder } from "../suites/harness/target.ts";
import type { ExerciseStatus, GradeOptions, GradeReport } from "./grade.ts";
import { verdictText } from "./hostile.ts";

export const FIXTURES = join("runner", "grade", "fixtures", "redteam");

/** A link the test makes in the scratch copy: `at` (relative to the case's folder) points to `to` (relative to the project). */
export interface Link {
  kind: "symlink" | "hardlink";
  at: string;
  to: string;
}

export interface RedTeamCase {
  name: string;
  /** The attack family, in the words of issues 14 and 15 (or "new" for one found in review). */
  family: string;
  /** What the submission tries. */
  what: string;
  exercise: string;
  /** The verdict text (see hostile.ts verdictText) must match this. */
  verdict: RegExp;
  /** The statuses it may get (never pass). Default: fail, error or not-started. */
  status?: readonly ExerciseStatus[];
  /** Links made in the scratch copy (the fixture's committed files, if any, are copied first). */
  links?: readonly Link[];
  /** Built from solutions/<folder>/ (or the fixture `base`) with these edits, the fixture's own files laid over it. */
  edits?: readonly Edit[];
  /** Another fixture of the catalogue to start from instead of the reference solution. */
  base?: string;
  /** Runs per scenario; default RUNS. */
  runs?: number;
  /** Grade only this scenario (a replay of seed 1): for a slow suite whose one scenario meets the attack head on. */
  scenario?: string;
  /** Files written into the scratch copy (relative to the case's folder): generated fixtures too large to commit. */
  files?: () => Record<string, string>;
  /** Could end a worker or upset the grader: the same grader then grades the reference solution again. */
  hazard?: true;
  /** For a hole found in review: what closes it now (shown when the case fails, so a regression names its defence). */
  defence?: string;
}

/** A submission that must pass: the reference solutions, and legitimate code the defences must not refuse. */
export interface Control {
  name: string;
  what: string;
  exercise: string;
  /** "solutions", or a case-like fixture (committed files and edits). */
  target: "solutions" | { edits?: readonly Edit[] };
  runs?: number;
}

/** Runs per scenario: enough to meet each attack, few enough for CI. */
export const RUNS = 2;

const NOT_PASS: readonly ExerciseStatus[] = ["fail", "error", "not-started"];

/** The path of a fixture file in messages (they name files relative to the project). */
const at = (c: string, file: string) => String.raw`runner/grade/fixtures/redteam/${c}/${file}`.replace(/[./]/g, (ch) => `\\${ch}`);
/** A load-time refusal: an import from outside the exercise folder. */
const outside = (c: string, what: string) => new RegExp(String.raw`${at(c, "echo/echo.ts")}:\d+: "[^"]*" is outside your exercise folder \(it is ${what}\): graded code may import only faultline/sim and files that are really in`);
const builtin = (c: string, mod: string) => new RegExp(String.raw`${at(c, "echo/echo.ts")}:\d+: "${mod}" is part of Node\.js, which graded code cannot use`);
const notAvailable = (name: string) => new RegExp(String.raw`ReferenceError: ${name} is not available to graded code: `);
const refused = (what: string, instead: string) => new RegExp(String.raw`${what} is not allowed in onMessage on n1 at t=\d+ ms: runs must replay exactly from a seed\. ${instead}`);
const threwAtLoad = (c: string, what: string) => new RegExp(String.raw`Your code threw while loading ${at(c, "echo/echo.ts")} \(at ${at(c, "echo/echo.ts")}:\d+\): ${what}`);
/** The reference Raft resending its whole log in every AppendEntries (what the classic lab's RPCBytes scenario catches). */
const WHOLE_LOG: Edit = {
  file: "raft.ts",
  find: "    const next = nextIndex.get(peer)!;\n    const prev = next - 1;\n    const batch = busy(peer) ? [] : entries.slice(next - snapshotIndex - 1, next - snapshotIndex - 1 + MAX_BATCH);",
  replace: "    const prev = snapshotIndex;\n    const batch = entries.slice();",
};
const RAFT_IMPORT = 'import { todo, type Ctx, type Json, type Node, type NodeId } from "faultline/sim";';
const APPEND = '    ctx.send(peer, { type: "AppendEntries", term: currentTerm, leader: ctx.id, prevLogIndex: prev, prevLogTerm: termAt(prev), entries: batch, leaderCommit: commitIndex });';
const APPEND_MSG = '{ type: "AppendEntries" as const, term: currentTerm, leader: ctx.id, prevLogIndex: prev, prevLogTerm: termAt(prev), entries: batch, leaderCommit: commitIndex }';

/** The echo stub with one more line: an array literal nested 10,000 deep (a 20 kB file; generated rather than committed). */
function deepStub(): Record<string, string> {
  const stub = readFileSync(join(import.meta.dirname, "..", "..", "exercises", "echo", "echo.ts"), "utf8");
  return { "echo/echo.ts": `${stub}\nexport const deep = ${"[".repeat(10_000)}${"]".repeat(10_000)};\n` };
}

export const CATALOGUE: readonly RedTeamCase[] = [
  // --- Forging the verdict (issue 14) ---------------------------------------
  { name: "vitest-worker-state", family: "forge the verdict through vitest's worker state", what: "mark every test passed through vitest's worker global", exercise: "echo", verdict: threwAtLoad("vitest-worker-state", String.raw`TypeError: Cannot read properties of undefined \(reading 'current'\)`) },
  { name: "task-meta", family: "forge the verdict through task.meta / afterEach", what: "rewrite each test's meta from an afterEach imported from vitest", exercise: "echo", verdict: new RegExp(String.raw`${at("task-meta", "echo/echo.ts")}:\d+: "vitest" cannot be imported by graded code`) },
  { name: "harness-import", family: "import harness or sim modules by relative path", what: "patch Exercise.prototype.report, imported by relative path", exercise: "echo", verdict: outside("harness-import", "runner/suites/harness/exercise.ts") },
  { name: "sim-import", family: "import harness or sim modules by relative path", what: "patch Simulation.prototype.runUntil and the watchdog probe", exercise: "echo", verdict: outside("sim-import", "runner/sim/simulation.ts") },
  { name: "proto-pollution", family: "Object.prototype pollution (fast-check options)", what: "set numRuns: 0 on Object.prototype", exercise: "echo", verdict: threwAtLoad("proto-pollution", "TypeError: Cannot add property numRuns, object is not extensible") },
  { name: "precondition-skip", defence: "What learner code throws is held only through runner/sim/thrown.ts (tameThrown): no proxy traps, getters or toString run while the grader describes it, and what reaches fast-check is always a plain Error.", family: "new: skip the runs it would fail", what: "throw a value that becomes fast-check's precondition marker (skip the run, stop the property)", exercise: "echo", verdict: /onMessage on n1 threw at t=\d+ ms/ },
  // --- Reading the answers (issue 14) ---------------------------------------
  { name: "export-star-solution", family: "export * from the solution", what: "re-export solutions/echo/echo.ts", exercise: "echo", verdict: outside("export-star-solution", "solutions/echo/echo.ts") },
  { name: "symlink-solution", family: "a symlink or hard link into solutions/", what: "echo.ts is a symbolic link to the reference solution", exercise: "echo", links: [{ kind: "symlink", at: "echo/echo.ts", to: "solutions/echo/echo.ts" }], verdict: /echo\/echo\.ts is really solutions\/echo\/echo\.ts, outside your exercise folder/ },
  { name: "symlink-folder", family: "a symlink or hard link into solutions/", what: "the exercise folder is a symbolic link to solutions/echo", exercise: "echo", links: [{ kind: "symlink", at: "echo", to: "solutions/echo" }], verdict: /echo is a symbolic link \(to solutions\/echo\)\. The grader reads only files that are really in your exercise folder/ },
  { name: "symlink-import", family: "a symlink or hard link into solutions/", what: "re-export ./answer.ts, a symbolic link to the reference solution", exercise: "echo", links: [{ kind: "symlink", at: "echo/answer.ts", to: "solutions/echo/echo.ts" }], verdict: /"\.\/answer\.ts" is outside your exercise folder \(it is solutions\/echo\/echo\.ts\)/ },
  { name: "hardlink-solution", family: "a symlink or hard link into solutions/", what: "echo.ts is a hard link to the reference solution", exercise: "echo", links: [{ kind: "hardlink", at: "echo/echo.ts", to: "solutions/echo/echo.ts" }], verdict: /echo\/echo\.ts is the reference solution's own file \(a hard link to solutions\/echo\/echo\.ts\): write your own/ },
  // --- Reaching the machine (issue 14) --------------------------------------
  { name: "vite-require", family: "vite's require / __vite_ssr_dynamic_import__", what: "load node:fs through the loaders vite puts in scope", exercise: "echo", verdict: notAvailable("require") },
  { name: "worker-eval", hazard: true, family: "Worker with eval and execArgv", what: "new Worker(code, { eval: true, execArgv: [] })", exercise: "echo", verdict: notAvailable("Worker") },
  { name: "worker", hazard: true, family: "Worker with eval and execArgv", what: "import Worker from node:worker_threads", exercise: "echo", verdict: builtin("worker", "node:worker_threads") },
  { name: "read-ssh", family: "reach files, processes, network", what: "read ~/.ssh through node:fs", exercise: "echo", verdict: builtin("read-ssh", "node:fs") },
  { name: "read-passwd", family: "reach files, processes, network", what: "read /etc/passwd through process.getBuiltinModule", exercise: "echo", verdict: notAvailable("process") },
  { name: "env-secret", family: "reach files, processes, network", what: "read a secret from the environment", exercise: "echo", verdict: notAvailable("process") },
  { name: "write-outside", family: "reach files, processes, network", what: "write a file outside the project", exercise: "echo", verdict: builtin("write-outside", "node:fs") },
  { name: "spawn", hazard: true, family: "reach files, processes, network", what: "start a child process", exercise: "echo", verdict: builtin("spawn", "node:child_process") },
  { name: "socket", family: "reach files, processes, network", what: "open a socket", exercise: "echo", verdict: builtin("socket", "node:net") },
  { name: "fetch", family: "reach files, processes, network", what: "use the network through fetch", exercise: "echo", verdict: notAvailable("fetch") },
  { name: "addon", hazard: true, family: "reach files, processes, network", what: "load a native addon through createRequire", exercise: "echo", verdict: builtin("addon", "node:module") },
  { name: "dlopen", hazard: true, family: "reach files, processes, network", what: "load a native addon through process.dlopen", exercise: "echo", verdict: notAvailable("process") },
  { name: "dynamic-import", family: "reach files, processes, network", what: "import child_process under a computed name", exercise: "echo", verdict: /Your code could not be loaded \(.*dynamic-import\/echo\/echo\.ts:3\): top-level await is not allowed/ },
  { name: "package", family: "reach files, processes, network", what: "import a package (esbuild, which spawns)", exercise: "echo", verdict: new RegExp(String.raw`${at("package", "echo/echo.ts")}:\d+: "esbuild" cannot be imported by graded code`) },
  // --- Crashing or hanging the grader (issue 14) -----------------------------
  { name: "process-kill", hazard: true, family: "process._kill / reallyExit", what: "process._kill(process.ppid, 9)", exercise: "echo", verdict: threwAtLoad("process-kill", notAvailable("process").source) },
  { name: "kill-parent", hazard: true, family: "process._kill / reallyExit", what: "process.kill(process.ppid) in a handler", exercise: "echo", verdict: notAvailable("process") },
  { name: "really-exit", hazard: true, family: "process._kill / reallyExit", what: "process.reallyExit(0)", exercise: "echo", verdict: threwAtLoad("really-exit", notAvailable("process").source) },
  { name: "toplevel-await", hazard: true, family: "a never-settling top-level await", what: "await a promise that never settles while loading", exercise: "echo", verdict: /Your code could not be loaded \(.*toplevel-await\/echo\/echo\.ts:\d+\): top-level await is not allowed/ },
  { name: "fd1-flood", hazard: true, family: "600 MB to fd 1", what: "write 600 MB to stdout", exercise: "echo", verdict: /OutputFloodError: printed more than 4 MB to the console in one scenario/ },
  { name: "trace-bloat", hazard: true, family: "new: a failure too big to save", what: "fail with a trace whose indented JSON outgrows a string", exercise: "echo", scenario: "answers each request with its own id and body", verdict: /got 0 replies|every request is eventually answered/ },
  { name: "event-flood", defence: "The simulator caps a run at MAX_EVENTS_PER_RUN events over all its steps (runner/sim/simulation.ts), a deterministic verdict; the harness does not shrink or rerun a run stopped there.", hazard: true, family: "new: every run busy up to the event cap", what: "double its own traffic on every message, so each run works until the simulator's cap", exercise: "echo", scenario: "under drops, duplicates and reordering every request is answered, correctly", verdict: /events/ },
  {
    name: "data-hoard",
    defence: "The simulator caps the data one run may take from its nodes (MAX_DATA_PER_RUN: messages, outputs, disk writes and log lines; runner/sim/simulation.ts) and keeps at most MAX_LOG_CHARS of a log line (trace.ts logLine): a verdict, where the grader used to run out of memory and die with none.",
    hazard: true,
    family: "new: fill the grader's memory with what it keeps",
    what: "the reference echo, logging a 100 MB line and outputting fresh 1 MB strings on every request",
    exercise: "echo",
    edits: [{ file: "echo.ts", find: '      ctx.send(from, { type: "echo_ok", inReplyTo: msg.id, body: msg.body });', replace: '      ctx.log("x".repeat(100_000_000) + msg.id);\n      for (let i = 0; i < 64; i++) ctx.output("y".repeat(1_000_000) + msg.id + i);\n      ctx.send(from, { type: "echo_ok", inReplyTo: msg.id, body: msg.body });' }],
    verdict: /the data cap/,
  },
  { name: "deep-nesting", defence: "bundle.ts refuses code nested deeper than MAX_NESTING before rollup’s parser sees it (loopMarks.ts tooDeep: a bracket count, then TypeScript’s parser, whose overflow is a RangeError).", hazard: true, family: "new: a file the grader's parsers choke on", what: "an untouched stub with an array literal nested 10,000 deep", exercise: "echo", files: deepStub, verdict: /still a todo|nest/, status: ["not-started", "error"] },
  { name: "handler-getter", defence: "The simulator and the explorer read a node’s handlers once, while its constructor runs (Simulation.boot, handlersOf), so a getter there is the constructor’s work and the watchdog says so.", hazard: true, family: "new: learner code run by the engine outside a handler", what: "onStart as a getter that spins when the simulator looks it up", exercise: "echo", verdict: /(the constructor|onStart) on n1 did not return within 2 s/, status: ["error", "fail"] },
  { name: "microtask-loop", defence: "Handlers clear the probe’s loop mark as they return (Simulation.handle, leaveLearner); the watchdog gives a mark seen outside every handler its own verdict (after-return) after the handler limit.", hazard: true, family: "new: learner code run after its handler returned", what: "a promise callback that spins after the scenario's handlers returned", exercise: "echo", verdict: /after its handler returned.*microtask-loop\/echo\/echo\.ts:\d+/, status: ["error", "fail"] },
  // --- Clocks (issue 14) -----------------------------------------------------
  { name: "date-constructor-now", hazard: true, family: "every clock route", what: "new Date(0).constructor.now()", exercise: "echo", verdict: /Date\.now\(\) is not allowed|secure mode Calling %SharedDate%\.now\(\) throws/ },
  { name: "hrtime", family: "every clock route", what: "process.hrtime.bigint()", exercise: "echo", verdict: threwAtLoad("hrtime", notAvailable("process").source) },
  { name: "performance-mark", family: "every clock route", what: "performance.mark().startTime", exercise: "echo", verdict: refused(String.raw`performance\.mark\(\)`, String.raw`Use ctx\.now\(\)`) },
  { name: "performance-now-at-load", family: "every clock route", what: "performance.now captured at load, called in a handler", exercise: "echo", verdict: refused(String.raw`performance\.now\(\)`, String.raw`Use ctx\.now\(\)`) },
  { name: "intl-dates", family: "every clock route", what: "Intl.DateTimeFormat().format() (now, by default)", exercise: "echo", verdict: notAvailable("Intl") },
  { name: "date-local-time", defence: "The compartment’s Date (runner/learner/labDate.ts) keeps local time as UTC, so the machine’s zone cannot show.", family: "every clock route (the machine's time zone)", what: "answer only where the time zone is not UTC (new Date(0).getTimezoneOffset())", exercise: "echo", verdict: /got 0 replies|every request is eventually answered/ },
  // --- Shared memory between nodes (issue 15) ----------------------------------
  { name: "shared-map-fd-heartbeat", family: "shared memory between nodes", what: "no heartbeats: alive times in a module-level Map", exercise: "fd-heartbeat", verdict: /completeness: a peer silent for \d+ ms is suspected|strong accuracy: while every heartbeat arrives in time, no live node is suspected/ },
  {
    name: "shared-global-fd-heartbeat",
    family: "shared memory between nodes",
    what: "no heartbeats: alive times on globalThis",
    exercise: "fd-heartbeat",
    base: "shared-map-fd-heartbeat",
    edits: [
      { file: "heartbeat.ts", find: "const aliveAt = new Map<NodeId, number>();", replace: "const board = globalThis as unknown as Record<string, number | undefined>;" },
      { file: "heartbeat.ts", find: "aliveAt.set(ctx.id, ctx.now());", replace: "board[`alive:${ctx.id}`] = ctx.now();" },
      { file: "heartbeat.ts", find: "aliveAt.get(p)", replace: "board[`alive:${p}`]" },
    ],
    verdict: /onStart on \w+ threw at t=0 ms .*TypeError: Cannot add property alive:\w+, object is not extensible/,
  },
  { name: "shared-counter-lamport", family: "shared memory between nodes", what: "one module-level counter for every node's clock", exercise: "lamport-clock", verdict: /IR2: a receive's timestamp exceeds both the message's stamp and the clock's own time|clock condition: if a happened before b then C\(a\) < C\(b\)/ },
  { name: "shared-registry-2pc", family: "shared memory between nodes", what: "participants' ctx in a module registry; the coordinator writes their disks", exercise: "two-phase-commit", verdict: /begin on co threw at t=10 ms .*TypeError: Cannot destructure/ },
  { name: "shared-disk-careful-transfer", family: "shared memory between nodes", what: "the sender writes the file straight into the receiver's disk", exercise: "careful-transfer", verdict: /onTimer on a threw at t=\d+ ms .*TypeError: Cannot read properties of undefined \(reading 'disk'\)/ },
  // --- Memory that survives a crash (issue 15) ---------------------------------
  {
    name: "crash-memory-raft-persist",
    family: "memory that survives a crash",
    what: "the reference Raft persisting into a module Map keyed by ctx",
    exercise: "raft-persist",
    edits: [
      { file: "raft.ts", find: RAFT_IMPORT, replace: `${RAFT_IMPORT}\nimport { memoryOf } from "./memory.ts";` },
      { file: "raft.ts", find: "export function createRaft(ctx: Ctx<RaftMsg, RaftOut>): RaftNode {", replace: "export function createRaft(realCtx: Ctx<RaftMsg, RaftOut>): RaftNode {\n  const ctx = { ...realCtx, disk: memoryOf(realCtx) };" },
    ],
    scenario: "§5.1 a restarted node remembers its term and vote: it never votes twice in a term",
    verdict: /votedFor survives a crash: after a restart the node refuses a second candidate in the same term/,
  },
  {
    name: "crash-memory-exactly-once",
    family: "memory that survives a crash",
    what: "the reference consumer's deduplication set in a module Map keyed by ctx, not on disk",
    exercise: "exactly-once",
    edits: [
      { file: "consumer.ts", find: 'import type { Ctx, Node, NodeId } from "faultline/sim";', replace: 'import type { Ctx, Node, NodeId } from "faultline/sim";\nimport { appliedBefore } from "./memory.ts";' },
      { file: "consumer.ts", find: '  const applied = new Map<NodeId, Applied>(Object.entries(ctx.disk.get<Record<NodeId, Applied>>("applied") ?? {}));', replace: "  const applied = appliedBefore(ctx) as Map<NodeId, Applied>;" },
      { file: "consumer.ts", find: '    ctx.disk.set("applied", Object.fromEntries(applied));\n    ctx.disk.sync();\n', replace: "" },
    ],
    verdict: /each payment's effect is applied at most once \(duplicates, retries and restarts included; a payment is \(producer, seq\)\): \S+'s seq \d+ was applied \d+ times/,
  },
  // --- Values that change after being read (issue 15) --------------------------
  { name: "proto-key-output", defence: "The copies (runner/sim/message.ts setOwn) define a key named __proto__ as an own property instead of assigning it, which would set the copy's prototype.", family: "new: values that read one way to the checkers and another to the trace", what: "outputs made by JSON.parse('{\"__proto__\": {…}}'): copied by assignment, the copy's prototype answered type and node to the checkers while the trace and its hash saw {}", exercise: "fd-heartbeat", verdict: /outputs only \{type: "suspect" or "restore", node\}|strong completeness/ },
  { name: "body-getter", family: "values that change after being read", what: "a reply whose body reads \"\" once, then the real body", exercise: "echo", verdict: /is a getter|is a Proxy|got back "" from n1|an echo_ok carries the request's body unchanged/ },
  { name: "output-rewrite-exactly-once", family: "values that change after being read (outputs)", what: "effects whose type turns into \"redelivered\" after the lab reads them", exercise: "exactly-once", verdict: /is a getter|is a Proxy|each payment's effect is applied at most once \(duplicates, retries and restarts included; a payment is \(producer, seq\)\): \S+'s seq \d+ was applied \d+ times/ },
  {
    name: "entries-getter",
    family: "values that change after being read (AppendEntries that read empty when weighed)",
    what: "the whole log in every AppendEntries, its entries empty on the first read",
    exercise: "raft-log",
    edits: [WHOLE_LOG, { file: "raft.ts", find: RAFT_IMPORT, replace: `${RAFT_IMPORT}\nimport { emptyWhenWeighed } from "./emptyWhenWeighed.ts";` }, { file: "raft.ts", find: APPEND, replace: `    ctx.send(peer, emptyWhenWeighed(${APPEND_MSG}));` }],
    runs: 1,
    verdict: /is a getter|is a Proxy|was accepted at index \d+ but 0 servers applied it/,
  },
  {
    name: "weightless-entries",
    defence: "takeData refuses a getter or a proxy without calling it, naming its path (runner/sim/message.ts); should code ever run during a copy, a value it hands the lab is refused with the copy under way (enterCopy).",
    family: "new: a value being weighed restarts the scale",
    what: "the whole log in every AppendEntries, with a getter that writes to disk while the message is weighed",
    exercise: "raft-log",
    edits: [WHOLE_LOG, { file: "raft.ts", find: RAFT_IMPORT, replace: `${RAFT_IMPORT}\nimport { weightless } from "./weightless.ts";` }, { file: "raft.ts", find: APPEND, replace: `    ctx.send(peer, weightless(ctx as Ctx<never>, ${APPEND_MSG}));` }],
    runs: 1,
    verdict: /is a getter|is a Proxy|entries are not sent over and over: message bytes stay within 3 × payload \+ 50,000|weigh|copied/,
  },
  // --- The engine within reach (issue 15) --------------------------------------
  { name: "disk-internals", family: "the engine within reach (ctx.disk internals)", what: "turn off read corruption, store a closure in the disk's private map", exercise: "echo", verdict: /TypeError: Cannot add property corruptRate, object is not extensible/ },
  { name: "random-prototype", family: "the engine within reach (the random stream's prototype)", what: "patch the network's random stream through the disk", exercise: "echo", verdict: /the constructor on n1 threw at t=0 ms .*TypeError: Cannot convert undefined or null to object/ },
  { name: "ctx-constructor", family: "the engine within reach (the grader's Function, through ctx)", what: "ctx.send.constructor(\"return process\")()", exercise: "echo", verdict: /TypeError: Function\.prototype\.constructor is not a valid constructor/ },
  { name: "math-floor-patch", family: "the engine within reach (Math.floor patched at load)", what: "Math.floor = () => 0 at load", exercise: "echo", verdict: threwAtLoad("math-floor-patch", "TypeError: Cannot assign to read only property 'floor'") },
  // --- Code that knows it is graded (issue 15) ---------------------------------
  { name: "stack-inspection", family: "code that knows it is graded (stack inspection)", what: "answer only when the stack shows the grader", exercise: "echo", verdict: /got 0 replies|every request is eventually answered/ },
  { name: "stack-absolute-path", defence: "Learner stacks name files relative to the project, or by folder and name outside it (runner/learner/stacks.ts shownSource).", family: "code that knows it is graded (where it runs)", what: "answer only when the stack shows an absolute path on the machine", exercise: "echo", verdict: /got 0 replies|every request is eventually answered/ },
  { name: "weakref-gc", family: "code that knows it is graded (WeakRef / FinalizationRegistry)", what: "answer only until a garbage collection", exercise: "echo", verdict: threwAtLoad("weakref-gc", notAvailable("FinalizationRegistry").source) },
  { name: "event-loop-memory", family: "code that knows it is graded (eventLoopUtilization / memoryUsage)", what: "answer only while the process looks calm", exercise: "echo", verdict: /TypeError: performance\.eventLoopUtilization is not a function/ },
  // --- Loader and handler shapes (issue 15) ------------------------------------
  { name: "then-export", family: "a module exporting then", what: "a stub that is also a thenable", exercise: "echo", verdict: /then-export\/echo\/echo\.ts:\d+ is still a todo/, status: ["not-started"] },
  { name: "async-handler", family: "async and generator handlers", what: "an async onMessage", exercise: "echo", verdict: /onMessage returning a Promise \(an async handler\) is not allowed in onMessage on n1/ },
  { name: "generator-handler", family: "async and generator handlers", what: "a generator onMessage", exercise: "echo", verdict: /onMessage on n1 is a generator \(function\*\): calling it only made a generator, so none of its code ran/ },
];

export const CONTROLS: readonly Control[] = [
  ...["echo", "fd-heartbeat", "lamport-clock", "two-phase-commit", "careful-transfer", "exactly-once", "raft-log", "raft-persist"].map(
    (id): Control => ({ name: `solution-${id}`, what: `the reference solution of ${id}`, exercise: id, target: "solutions", runs: id.startsWith("raft") ? 1 : RUNS }),
  ),
  {
    name: "control-module-state",
    what: "legitimate module-level constants and a pure cache (vector-clock's compare, shared by plain calls)",
    exercise: "vector-clock",
    target: {
      edits: [
        { file: "clock.ts", find: 'export type Order = "before" | "after" | "equal" | "concurrent";', replace: 'export type Order = "before" | "after" | "equal" | "concurrent";\n\n/** Module-level constants, the same for every node and call. */\nconst ORDERS: readonly Order[] = Object.freeze(["before", "after", "equal", "concurrent"]);\n/** A pure cache: the same two stamps always compare the same way. */\nconst memo = new Map<string, Order>();' },
        { file: "clock.ts", find: "export function compare(a: VClock, b: VClock): Order {", replace: "export function compare(a: VClock, b: VClock): Order {\n  const key = JSON.stringify([a, b]);\n  const known = memo.get(key);\n  if (known !== undefined && ORDERS.includes(known)) return known;\n  const order = compareOnce(a, b);\n  memo.set(key, order);\n  return order;\n}\n\nfunction compareOnce(a: VClock, b: VClock): Order {" },
      ],
    },
  },
  { name: "html-comment-string", what: "an honest echo that logs a string holding \"<!--\" and \"import(\" (the compartment must not refuse text inside a literal)", exercise: "echo", target: {} },
  { name: "control-globals-setter", what: "a correct echo that tries to leave values on every global it can reach", exercise: "echo", target: {} },
  { name: "control-globals-reader", what: "graded right after the setter: a correct echo that stops answering if it finds any of them", exercise: "echo", target: {} },
];

/** Builds a case's (or control's) target directory and returns it (absolute). */
export function prepare(root: string, scratch: string, c: { name: string; exercise: string; links?: readonly Link[]; edits?: readonly Edit[]; base?: string; files?: () => Record<string, string> }): string {
  const committed = join(root, FIXTURES, c.name);
  if (!c.links && !c.edits && !c.files) return committed;
  const folder = exerciseFolder(root, c.exercise);
  const target = join(scratch, c.name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, folder), { recursive: true });
  if (c.edits) {
    const src = c.base ? join(root, FIXTURES, c.base, folder) : join(root, "solutions", folder);
    cpSync(src, join(target, folder), { recursive: true });
    const files = new Map<string, string>();
    for (const e of c.edits) if (!files.has(e.file)) files.set(e.file, readFileSync(join(src, e.file), "utf8"));
    for (const [f, text] of applyEdits(files, { name: c.name, bug: c.name, edits: [...c.edits] })) writeFileSync(join(target, folder, f), text);
  }
  if (existsSync(committed)) cpSync(committed, target, { recursive: true });
  for (const [file, text] of Object.entries(c.files?.() ?? {})) writeFileSync(join(target, file), text);
  for (const l of c.links ?? []) {
    const p = join(target, l.at);
    rmSync(p, { recursive: true, force: true });
    mkdirSync(dirname(p), { recursive: true });
    if (l.kind === "symlink") symlinkSync(join(root, l.to), p);
    else linkSync(join(root, l.to), p);
  }
  return target;
}

/** In the grading process's environment: it must never show up in a report. */
export const SECRET = "s3cr3t-do-not-leak-4242";

export type Mode = "plain" | "sandbox";

/** One line of the script's output. */
export interface RedTeamResult {
  name: string;
  /** "case", "control", or "after" (the reference solution graded right after a case that ended in an error). */
  kind: "case" | "control" | "after";
  status: ExerciseStatus;
  verdict: string;
  /** Whether SECRET appears anywhere in the report. */
  leaked: boolean;
  /** Wall-clock ms for this grade (in sandbox mode: the child's own count). */
  ms: number;
}

interface Job {
  name: string;
  kind: RedTeamResult["kind"];
  opts: GradeOptions;
}

function jobs(root: string, scratch: string, names: readonly string[]): Job[] {
  const pick = <T extends { name: string }>(xs: readonly T[]) => xs.filter((x) => names.length === 0 || names.includes(x.name));
  const out: Job[] = [];
  for (const c of pick(CATALOGUE)) {
    const replay = c.scenario ? { replay: { scenario: c.scenario, seed: 1, path: null } } : {};
    out.push({ name: c.name, kind: "case", opts: { ids: [c.exercise], target: prepare(root, scratch, c), runs: c.runs ?? RUNS, ...replay } });
    // The same warm grader must still grade the reference correctly afterwards.
    if (c.hazard) out.push({ name: c.name, kind: "after", opts: { ids: [c.exercise], target: "solutions", runs: c.exercise.startsWith("raft") ? 1 : RUNS } });
  }
  for (const c of pick(CONTROLS))
    out.push({ name: c.name, kind: "control", opts: { ids: [c.exercise], target: c.target === "solutions" ? "solutions" : prepare(root, scratch, { ...c, ...c.target }), runs: c.runs ?? RUNS } });
  return out;
}

function line(job: Job, report: GradeReport, ms: number): RedTeamResult {
  const v = verdictText(report);
  return { name: job.name, kind: job.kind, status: v.status, verdict: v.verdict, leaked: JSON.stringify(report).includes(SECRET), ms };
}

/**
 * Grades the cases and controls named (all by default) in one mode, printing
 * a `{"start": name}` line before each job (so that a crash can be pinned on
 * the case that caused it) and a RedTeamResult line after it. Plain: one warm
 * Grader for everything, as watch mode keeps. Sandbox: one sandboxed child
 * for everything (gradeSandboxedMany), as `report` runs.
 */
export async function runCatalogue(mode: Mode, names: readonly string[], print: (line: string) => void): Promise<void> {
  const { Grader, ROOT } = await import("./grade.ts");
  const scratch = join(ROOT, ".faultline", "redteam", `${mode}-${process.pid}`);
  process.env["FAULTLINE_REDTEAM_SECRET"] = SECRET;
  const list = jobs(ROOT, scratch, names);
  try {
    // One failing scenario is the verdict a case needs (controls pass, so they run whole).
    if (mode === "plain") {
      const grader = await Grader.open(ROOT, { bail: 1 });
      try {
        for (const job of list) {
          print(JSON.stringify({ start: job.name, kind: job.kind }));
          const started = performance.now();
          const report = await grader.run({ ...job.opts, typecheck: false });
          print(JSON.stringify(line(job, report, Math.round(performance.now() - started))));
        }
      } finally {
        await grader.close();
      }
    } else {
      const { gradeSandboxedMany } = await import("./sandbox.ts");
      const { compileLearnerFiles } = await import("./grade.ts");
      // The parent compiles every job's files before the child starts: do it
      // here first, job by job, so that a crash while compiling names its case.
      for (const job of list) {
        print(JSON.stringify({ start: job.name, kind: job.kind, phase: "compile" }));
        if (job.opts.target !== "solutions") await compileLearnerFiles(ROOT, job.opts.target!, job.opts.ids);
      }
      print(JSON.stringify({ start: "", kind: "sandbox" }));
      const reports = await gradeSandboxedMany(list.map((j) => ({ ...j.opts, typecheck: false, bail: 1 })));
      list.forEach((job, i) => print(JSON.stringify(line(job, reports[i]!, reports[i]!.durationMs))));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const m = args.indexOf("--mode");
  const mode = (m >= 0 ? args[m + 1] : "plain") as Mode;
  const names = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--mode");
  await runCatalogue(mode, names, (l) => process.stdout.write(l + "\n"));
}
