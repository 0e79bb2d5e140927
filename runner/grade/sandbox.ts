// Sandboxed grading of code you did not write (`faultline grade --sandbox`,
// and the default for `report`). The learner's code is already confined by
// the grader itself, in every mode (docs/security.md): each module runs in a
// hardened SES compartment with no route to files, processes, the network,
// the clock or the grader (runner/learner/). The sandbox adds an operating-
// system-facing layer underneath, for the case where that confinement has a
// hole nobody has found yet:
//
//   layer                        blocks
//   permission model (process)   reading outside the project (and the target
//                                directory), writing anywhere but the trace
//                                directory, child processes, native addons,
//                                WASI, process.binding
//   scrubbed environment         secrets: only PATH, LANG, TZ and faultline's
//                                own variables reach the child
//   workers pinned (child)       a worker thread started with its own
//                                execArgv (which Node 20 would let out of
//                                the permission model) gets the sandbox's
//                                flags anyway
//   report channel               the report comes back on its own pipe (fd 3),
//                                not on stdout, and stdout/stderr are capped
//
// The compartment layer and the sandbox are independent: either alone stops
// every attack in the red-team catalogue (runner/grade/redteam.ts). Not
// covered by either: CPU and memory (bounded by the watchdog, watchdog.ts),
// and anything a bug in Node or V8 would allow. For hostile code from
// strangers, run the grader in a throwaway container as well (docs/security.md).

import { LoopMarks } from "../learner/loopMarks.ts";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { LearnerBundle } from "../learner/bundle.ts";
import type { GradeOptions, GradeProgress, GradeReport } from "./grade.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/** Environment variables a sandboxed grade may see (nothing else crosses over). */
const ENV_ALLOWED = ["PATH", "LANG", "LC_ALL", "TZ", "NO_COLOR", "FORCE_COLOR", "TERM"];

/** Single system files vite and vitest look at when they start (none holds anything secret). */
const SYSTEM_PROBES = ["/proc/sys/fs/binfmt_misc/WSLInterop", "/run/WSL", "/proc/version", "/.dockerenv", "/run/.containerenv", "/proc/self/cgroup"];

/** The node flags that put a process under the permission model. */
export function permissionFlags(opts: { root: string; readable: readonly string[]; writable: readonly string[] }): string[] {
  const major = Number(process.versions.node.split(".")[0]);
  const flags = [major >= 22 ? "--permission" : "--experimental-permission", "--allow-worker", "--allow-addons", "--no-warnings"];
  // tsx probes whether the file system is case-sensitive by asking whether the
  // project root exists with its letters' case swapped: let it ask (on a
  // case-sensitive file system that path does not exist).
  const swapped = (p: string) => [...p].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
  // vitest asks vite for the workspace root, which looks for these files in every directory above the project.
  const above: string[] = [];
  for (let d = dirname(opts.root); ; d = dirname(d)) {
    for (const f of ["pnpm-workspace.yaml", "lerna.json", "package.json", "deno.json", "deno.jsonc"]) above.push(join(d, f));
    if (dirname(d) === d) break;
  }
  for (const r of new Set([opts.root, swapped(opts.root), opts.root.toUpperCase(), ...SYSTEM_PROBES, ...above, ...opts.readable])) flags.push(`--allow-fs-read=${r}`);
  for (const w of new Set(opts.writable)) flags.push(`--allow-fs-write=${w}`);
  return flags;
}

/** The environment of a sandboxed grade: a few harmless variables, no secrets. */
export function scrubbedEnv(from: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { TSX_DISABLE_CACHE: "1", FAULTLINE_SANDBOX: "1" };
  for (const k of ENV_ALLOWED) if (from[k] !== undefined) env[k] = from[k];
  return env;
}

/** How much of the child's stdout/stderr is kept for an error message. */
const OUTPUT_KEPT = 4000;
const PROGRESS = "\u0000faultline-progress ";

/**
 * The child runs as plain JavaScript, bundled here from this file: tsx would
 * need a child process (esbuild's service) to compile TypeScript, and the
 * sandbox allows none. vite, inside vitest, compiles the suites and the
 * learner's code in-process (with a native addon: the reason addons are
 * allowed process-wide, and refused to learner code by the import gate and
 * the hardening).
 */
async function buildChild(root: string): Promise<string> {
  const outfile = join(root, ".faultline", "sandbox", "grader.mjs");
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
    // vitest/node & co. resolve from the project's node_modules at run time.
    banner: { js: "// Built by runner/grade/sandbox.ts for sandboxed grading; do not edit." },
  });
  return outfile;
}

/** A progress line's event; only progress depends on it, never a verdict. */
function progressEvent(json: string): GradeProgress {
  try {
    const e = JSON.parse(json) as GradeProgress;
    return { id: String(e.id), phase: e.phase === "start" ? "start" : "end" };
  } catch {
    return { id: "?", phase: "end" };
  }
}

/** Grades in a child process under the permission model; returns the same report grade() would. */
export async function gradeSandboxed(opts: GradeOptions): Promise<GradeReport> {
  return (await gradeSandboxedMany([opts]))[0]!;
}

/** Several grades in one sandboxed child (one warm Grader), in order. */
export async function gradeSandboxedMany(jobs: readonly GradeOptions[]): Promise<GradeReport[]> {
  const root = jobs[0]?.root ?? ROOT;
  const traceDir = jobs[0]?.traceDir ?? join(root, ".faultline", "traces");
  mkdirSync(traceDir, { recursive: true });
  const inside = (p: string) => !relative(root, p).startsWith("..");
  const absTarget = (t: string) => (t === "exercises" || t === "solutions" ? join(root, t) : isAbsolute(t) ? t : join(process.cwd(), t));
  const targets = jobs.map((j) => j.target ?? "exercises");
  // vitest and vite read their own files (under node_modules) and the project; a target may live elsewhere.
  // The trace directory too: a trace is written to a temporary file and renamed, which reads it.
  const readable = [...targets.map(absTarget), traceDir].filter((t) => !inside(t));
  const flags = permissionFlags({ root, readable, writable: [traceDir] });
  const entry = await buildChild(root);
  // The child may not start esbuild (a child process): the learner's files are compiled here and handed over.
  const { compileLearnerFiles } = await import("./grade.ts");
  // One numbering of the loop marks for every job, handed over with the bundles so the child's watchdog can name the line.
  const marks = new LoopMarks(root);
  const bundles: Record<string, LearnerBundle>[] = [];
  for (let i = 0; i < jobs.length; i++) bundles.push(await compileLearnerFiles(root, absTarget(targets[i]!), jobs[i]!.ids, marks));
  const jobFile = join(root, ".faultline", "sandbox", `jobs-${process.pid}-${Date.now()}.json`);
  mkdirSync(dirname(jobFile), { recursive: true });
  const childJobs = jobs.map((j, i) => ({ ...j, root, traceDir, sandbox: false, bundles: bundles[i], loopFiles: marks.list(), target: targets[i] === "exercises" || targets[i] === "solutions" ? targets[i] : absTarget(targets[i]!) }));
  writeFileSync(jobFile, JSON.stringify(childJobs));
  // stdin closed, stdout and stderr capped, the report on fd 3.
  const child = spawn(process.execPath, [...flags, entry, jobFile], { cwd: root, env: scrubbedEnv(), stdio: ["ignore", "pipe", "pipe", "pipe"] });
  let errText = "";
  const keep = (d: string) => (errText = (errText + d).slice(-OUTPUT_KEPT));
  child.stdout!.setEncoding("utf8").on("data", keep);
  // The child reports each suite's start and end on stderr (PROGRESS lines): pass them on.
  let partial = "";
  /** The exercises whose suites are running now (from the progress lines). */
  const running = new Set<string>();
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    const lines = (partial + d).split("\n");
    partial = lines.pop()!.slice(-OUTPUT_KEPT);
    for (const l of lines)
      if (l.startsWith(PROGRESS)) {
        const e = progressEvent(l.slice(PROGRESS.length));
        if (e.phase === "start") running.add(e.id);
        else running.delete(e.id);
        for (const tell of new Set(jobs.map((j) => j.onProgress))) tell?.(e);
      } else keep(l + "\n");
  });
  const chunks: Buffer[] = [];
  (child.stdio[3] as NodeJS.ReadableStream).on("data", (d: Buffer) => chunks.push(d));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  keep(partial);
  rmSync(jobFile, { force: true });
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text && /heap out of memory|Reached heap limit/.test(errText)) return jobs.map((j, i) => outOfMemory(j, targets[i]!, [...running]));
  if (!text) throw new Error(`The sandboxed grader stopped without a report (exit ${code}).${errText ? `\n${errText.trim()}` : ""}`);
  const reports = JSON.parse(text) as GradeReport[];
  // Report each target as the user named it.
  reports.forEach((r, i) => (r.target = targets[i]!));
  return reports;
}

/**
 * The report when the child died of memory. V8 ends a whole process, not
 * only the worker over its heap cap, when one allocation cannot be met (a
 * node keeping a 100 MB string per message): out here that is still a
 * verdict on the submission, an error, where the plain grader has no one
 * left to give it (docs/security.md).
 */
export function outOfMemory(job: GradeOptions, target: string, running: readonly string[]): GradeReport {
  const error = (id: string) =>
    running.length === 0 || running.includes(id)
      ? `Grading stopped: the sandboxed grader ran out of memory while running this code${running.length > 1 ? ` (or ${running.filter((r) => r !== id).join(", ")}, graded at the same time)` : ""}, and V8 ended it. Look for memory that grows on every message or timer (a collection never trimmed, large strings kept), or a loop that keeps allocating.`
      : `Not graded: grading stopped when ${running.join(" or ")} ran out of memory (its report says more). Grade ${id} on its own.`;
  return { version: 1, target, passed: false, durationMs: 0, seed: job.seed ?? 1, exercises: job.ids.map((id) => ({ id, status: "error", durationMs: 0, error: error(id), scenarios: [] })) };
}

/**
 * Node 20 lets a worker started with its own execArgv out of the permission
 * model. Nothing in the child should start one (the grader's pool passes the
 * flags on itself: watchdog.ts), but if anything does, it gets the sandbox's
 * flags all the same.
 */
async function pinWorkers(): Promise<void> {
  const wt = (await import("node:module")).createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
  const Original = wt.Worker;
  const own = process.execArgv.filter((a) => /^--(experimental-permission|permission|allow-)/.test(a));
  class PinnedWorker extends Original {
    constructor(file: string | URL, options: import("node:worker_threads").WorkerOptions = {}) {
      super(file, { ...options, execArgv: [...own, ...(options.execArgv ?? []).filter((a) => !own.includes(a))] });
    }
  }
  (wt as { Worker: typeof Original }).Worker = PinnedWorker;
  (await import("node:module")).syncBuiltinESMExports();
}

// The child: one Grader for every job; the reports go back on fd 3.
if (import.meta.url === `file://${process.argv[1]}`) {
  await pinWorkers();
  const jobs = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as GradeOptions[];
  const { Grader } = await import("./grade.ts");
  const grader = await Grader.open(jobs[0]!.root, { sandboxed: true, bail: jobs[0]!.bail });
  const reports: GradeReport[] = [];
  try {
    for (const job of jobs) reports.push(await grader.run({ ...job, onProgress: (e) => process.stderr.write(PROGRESS + JSON.stringify(e) + "\n") }));
  } finally {
    await grader.close();
  }
  const { createWriteStream } = await import("node:fs");
  await new Promise<void>((resolve) => createWriteStream("", { fd: 3 }).end(JSON.stringify(reports), resolve));
}
