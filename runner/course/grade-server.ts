// The grading process behind watch mode: keeps one vitest instance warm and
// grades on request over IPC. It runs in a child process so that learner code
// that loops forever or crashes takes down only this process: the watch
// session kills it after a time limit and starts a fresh one, and the screen
// stays responsive throughout.
//
// Protocol (process.send / on "message"):
//   parent → child  { type: "grade", request: number, id: string, target: string, changed: string[] }
//                   { type: "replay", request, id, target, scenario, seed, path }: rerun one failing run,
//                     recording each node's state, for the trace viewer
//   child  → parent { type: "ready" } once vitest is up,
//                   { type: "failing", request, report }: the first scenario failed, others still running
//                     (report: that exercise with the failures so far; the full report follows),
//                   { type: "report", request, report } or { type: "failed", request, message },
//                   { type: "replayed", request, trace } (null when the run left no trace)

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Grader, ROOT, type GradeOptions, type GradeReport } from "../grade/grade.ts";
import type { TraceJson } from "../sim/index.ts";

type Request = { type: "grade"; request: number; id: string; target: string; changed?: string[] } | { type: "replay"; request: number; id: string; target: string; scenario: string; seed: number; path: string | null };
type Reply = { type: "ready" } | { type: "report" | "failing"; request: number; report: GradeReport } | { type: "failed"; request: number; message: string } | { type: "replayed"; request: number; trace: TraceJson | null };

const send = (m: Reply) => process.send?.(m);

const root = process.env["FAULTLINE_ROOT"] || ROOT;
const grader = await Grader.open(root);
send({ type: "ready" });

/** The trace of a replayed run: a failure's (written to its trace file), or a passing run's. */
async function replayed(m: Extract<Request, { type: "replay" }>): Promise<TraceJson | null> {
  const report = await grader.run({ ids: [m.id], target: m.target, seed: m.seed, replay: { scenario: m.scenario, seed: m.seed, path: m.path }, traceEvents: 20_000 });
  const sc = report.exercises[0]?.scenarios[0];
  if (sc?.failure?.traceFile) return (JSON.parse(readFileSync(resolve(root, sc.failure.traceFile), "utf8")) as { trace: TraceJson }).trace;
  return sc?.trace ?? null;
}

/** Tells the parent of the first failing scenario at once (a learner's save deserves the verdict as soon as it is known). */
function firstFailure(m: Extract<Request, { type: "grade" }>, started: number): GradeOptions["onFailure"] {
  let told = false;
  return (id, scenario) => {
    if (told || (scenario.status !== "fail" && scenario.status !== "error")) return;
    told = true;
    const exercise = { id, status: scenario.status, durationMs: 0, error: null, scenarios: [scenario] };
    send({ type: "failing", request: m.request, report: { version: 1, target: m.target, passed: false, durationMs: Math.round(performance.now() - started), seed: 1, exercises: [exercise] } });
  };
}

let queue: Promise<void> = Promise.resolve();
process.on("message", (m: Request) => {
  if (m?.type !== "grade" && m?.type !== "replay") return;
  queue = queue.then(async () => {
    try {
      if (m.type === "replay") send({ type: "replayed", request: m.request, trace: await replayed(m) });
      else send({ type: "report", request: m.request, report: await grader.run({ ids: [m.id], target: m.target, onFailure: firstFailure(m, performance.now()) }) });
    } catch (e) {
      send({ type: "failed", request: m.request, message: (e as Error).stack ?? String(e) });
    }
  });
});
process.on("disconnect", () => {
  void grader.close().finally(() => process.exit(0));
});
