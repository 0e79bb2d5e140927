// Sandboxed grading of untrusted code (`faultline grade --sandbox`, and the
// default for `report`). The grader runs in a child process under Node's
// permission model, with a scrubbed environment, and the code under test is
// hardened further inside the worker (runner/suites/harness/sandbox.ts).
//
// What is blocked, by which layer (Node 20; Node 22+ uses --permission):
//
//   layer                        blocks
//   permission model (process)   reading outside the project (and the target
//                                directory), writing anywhere but the trace
//                                directory, child processes, native addons,
//                                WASI, process.binding
//   scrubbed environment         secrets: only PATH, LANG, TZ and faultline's
//                                own variables reach the child
//   import gate (vite plugin)    learner files importing fs, child_process,
//                                worker_threads, net, http(s), http2, dgram,
//                                dns, tls, inspector, module, vm, wasi, repl,
//                                cluster, or any package but faultline/*
//   worker hardening             fetch/WebSocket, process.getBuiltinModule,
//                                process.dlopen, process.kill, reading
//                                environment variables from learner code
//
// Not blocked, honestly: worker threads are allowed process-wide (vitest and
// tsx need them), so only the import gate and the hardening keep learner code
// from starting one; Node 20's permission model does not cover the network,
// so the network is closed only by the import gate and the hardening, not by
// the operating system. Learner code can still burn CPU and memory; the
// watchdog (watchdog.ts) bounds both. For hostile code from strangers, run
// the grader in a container or VM as well.

import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
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

const MARK = "\u0000faultline-report\u0000";
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
  const readable = targets.map(absTarget).filter((t) => !inside(t));
  const flags = permissionFlags({ root, readable, writable: [traceDir] });
  const entry = await buildChild(root);
  const childJobs = jobs.map((j, i) => ({ ...j, root, traceDir, sandbox: false, target: targets[i] === "exercises" || targets[i] === "solutions" ? targets[i] : absTarget(targets[i]!) }));
  const child = spawn(process.execPath, [...flags, entry, JSON.stringify(childJobs)], { cwd: root, env: scrubbedEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let errText = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  // The child reports each suite's start and end on stderr (PROGRESS lines): pass them on.
  let partial = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    const lines = (partial + d).split("\n");
    partial = lines.pop()!;
    for (const l of lines)
      if (l.startsWith(PROGRESS)) for (const tell of new Set(jobs.map((j) => j.onProgress))) tell?.(progressEvent(l.slice(PROGRESS.length)));
      else errText = (errText + l + "\n").slice(-4000);
  });
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  errText = (errText + partial).slice(-4000);
  const at = out.lastIndexOf(MARK);
  if (at < 0) throw new Error(`The sandboxed grader stopped without a report (exit ${code}).${errText ? `\n${errText.trim()}` : ""}`);
  const reports = JSON.parse(out.slice(at + MARK.length)) as GradeReport[];
  // Report each target as the user named it.
  reports.forEach((r, i) => (r.target = targets[i]!));
  return reports;
}

// The child: one hardened Grader (import gate on, workers hardened) for every job; print the reports.
if (import.meta.url === `file://${process.argv[1]}`) {
  const jobs = JSON.parse(process.argv[2]!) as GradeOptions[];
  const { Grader } = await import("./grade.ts");
  const grader = await Grader.open(jobs[0]!.root, { hardened: true });
  const reports: GradeReport[] = [];
  try {
    for (const job of jobs) reports.push(await grader.run({ ...job, hardened: true, onProgress: (e) => process.stderr.write(PROGRESS + JSON.stringify(e) + "\n") }));
  } finally {
    await grader.close();
  }
  process.stdout.write(MARK + JSON.stringify(reports));
}
