// Grading results as text for people: one line per scenario, and for the
// first failure the property in plain words, the shrunk fault schedule, the
// space-time excerpt and the command that replays it.

import type { FaultOp } from "../sim/index.ts";
import { formatSchedule } from "../sim/index.ts";
import type { ExerciseResult, GradeReport, ScenarioResult } from "./grade.ts";
import { failuresInOrder } from "./failureOrder.ts";
import type { Styler } from "./style.ts";

const MARK: Record<string, string> = { pass: "✓", fail: "✗", error: "!", "not-started": "·" };

export function formatStatus(status: string, s: Styler): string {
  const label = status === "not-started" ? "not started" : status;
  if (status === "pass") return s.ok(`${MARK[status]} ${label}`);
  if (status === "not-started") return s.dim(`${MARK[status]} ${label}`);
  return s.bad(`${MARK[status] ?? "?"} ${label}`);
}

export function formatExercise(e: ExerciseResult, s: Styler, opts: { allFailures?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`${s.bold(e.id)}  ${formatStatus(e.status, s)}  ${s.dim(`(${e.scenarios.length} scenarios, ${e.durationMs} ms)`)}`);
  if (e.error) lines.push(`  ${s.bad(e.error)}`);
  if (e.typeErrors?.length) {
    lines.push(`  ${s.bad("Type errors")} (fix these first: they are often why the code misbehaves):`);
    for (const t of e.typeErrors) lines.push(`    ${t}`);
  }
  if (e.status === "not-started") {
    const first = e.scenarios.find((x) => x.failure)?.failure;
    lines.push(`  ${first ? first.message : "Nothing written yet."}`);
    // The todo's location names the file (a stage of the Raft worksheet lives in exercises/raft/, not exercises/<id>/).
    const where = first?.location?.replace(/:\d+$/, "") ?? "your files";
    lines.push(s.dim(`  Replace the todo(...) calls in ${where} and grade again. \`npx faultline hint ${e.id}\` gives a hint.`));
    return lines.join("\n");
  }
  for (const sc of e.scenarios) {
    // A later stage re-runs the earlier stages' scenarios: say where each comes from.
    const from = sc.stage ? ` · ${sc.stage}` : "";
    lines.push(`  ${sc.status === "pass" ? s.ok("✓") : s.bad(MARK[sc.status] ?? "✗")} ${sc.name}  ${s.dim(`${sc.runs} run${sc.runs === 1 ? "" : "s"}${from}`)}`);
    // Figures a scenario reports about itself (detector QoS, how far a search went) — in words when it gives them.
    const summary = sc.metrics?.["qos"] ?? sc.metrics?.["search"];
    if (typeof summary === "string") lines.push(s.dim(`      ${summary}`));
  }
  // The clearest counterexample first (failureOrder.ts); a watchdog verdict is already printed as the exercise's error.
  const failures = failuresInOrder(e.scenarios).filter((x) => x.failure.message !== e.error);
  for (const sc of opts.allFailures ? failures : failures.slice(0, 1)) lines.push("", formatFailure(sc, s));
  if (!opts.allFailures && failures.length > 1) lines.push(s.dim(`  (${failures.length - 1} more failing scenario${failures.length > 2 ? "s" : ""}: fix this one first, or see them all with --json)`));
  return lines.join("\n");
}

/** "seed N · file:line": the seed only when there is a run to replay (not for a hang the watchdog stopped). */
export function failurePlace(f: NonNullable<ScenarioResult["failure"]>): string {
  return [f.replay ? `seed ${f.seed}` : null, f.location].filter(Boolean).join(" · ");
}

export function formatFailure(sc: ScenarioResult, s: Styler): string {
  const f = sc.failure!;
  const out: string[] = [];
  out.push(`  ${s.bad("failed:")} ${sc.name}`);
  out.push(`  ${f.message}`);
  const place = failurePlace(f);
  if (place) out.push(s.dim(`  ${place}`));
  if (f.minimizedSchedule) {
    const sched = f.minimizedSchedule as FaultOp[];
    out.push(`  fault schedule (shrunk from ${(f.schedule as FaultOp[] | null)?.length ?? "?"} to ${sched.length} operation${sched.length === 1 ? "" : "s"}):`);
    out.push(indent(formatSchedule(sched), 4));
  }
  if (f.diagram) out.push("", indent(f.diagram, 2));
  out.push("");
  if (f.replay) out.push(`  replay: ${s.accent(f.replay)}`);
  if (f.traceFile) out.push(s.dim(`  trace:  ${f.traceFile}`));
  return out.join("\n");
}

export function formatReport(r: GradeReport, s: Styler, opts: { allFailures?: boolean } = {}): string {
  const parts = r.exercises.map((e) => formatExercise(e, s, opts));
  const counts = { pass: 0, fail: 0, error: 0, "not-started": 0 } as Record<string, number>;
  for (const e of r.exercises) counts[e.status] = (counts[e.status] ?? 0) + 1;
  const what = r.target === "exercises" ? "your code (exercises/)" : r.target === "solutions" ? "the reference solutions" : r.target;
  const summary = `${r.exercises.length} exercise${r.exercises.length === 1 ? "" : "s"} graded, ${what}: ${counts["pass"]} passed, ${counts["fail"]} failed${counts["error"] ? `, ${counts["error"]} could not run` : ""}${counts["not-started"] ? `, ${counts["not-started"]} not started` : ""} (${(r.durationMs / 1000).toFixed(1)} s)`;
  return [...parts, "", r.passed ? s.ok(summary) : summary].join("\n");
}

export function indent(text: string, n: number): string {
  const pad = " ".repeat(n);
  return text
    .split("\n")
    .map((l) => (l ? pad + l : l))
    .join("\n");
}
