// `faultline class summary <reports…>`: many learners' JSON reports (from
// `faultline report --format json`) folded into one table for the instructor:
// completion per exercise, the scenarios that fail most often, and the median
// number of attempts (when the reports carry them: a learner's local progress
// does, a fresh CI checkout does not). As text and as a self-contained HTML page.

import { basename, dirname } from "node:path";
import { z } from "zod";
import { esc } from "./html.ts";

const status = z.enum(["pass", "fail", "error", "not-started"]);

/** What the summary reads from a report; anything else in it is ignored. */
export const learnerReportSchema = z.object({
  version: z.literal(1),
  learner: z.string().optional(),
  attempts: z.record(z.string(), z.number().int().nonnegative()).optional(),
  exercises: z.array(
    z.object({
      id: z.string(),
      status,
      scenarios: z.array(z.object({ name: z.string(), status, failure: z.object({ message: z.string() }).loose().nullable().optional() }).loose()),
    }).loose(),
  ),
}).loose();

export type LearnerReport = z.infer<typeof learnerReportSchema>;

export interface ExerciseRow {
  id: string;
  pass: number;
  fail: number;
  error: number;
  notStarted: number;
  /** Learners whose report does not include this exercise. */
  missing: number;
  /** Passing learners / learners. */
  completion: number;
  medianAttempts: number | null;
}

export interface ScenarioRow {
  exercise: string;
  scenario: string;
  /** Learners who started the exercise and fail this scenario. */
  failures: number;
  /** Learners who started the exercise (status pass or fail). */
  of: number;
  example: string | null;
}

export interface ClassSummary {
  learners: { name: string; passed: number; total: number }[];
  exercises: ExerciseRow[];
  hardest: ScenarioRow[];
  /** Files that were not faultline reports, and why: the summary covers the rest. */
  skipped: { file: string; reason: string }[];
  /** In a workshop: its title (exercises outside its plan are left out). */
  scope: string | null;
}

export type ReadReport = { ok: true; name: string; report: LearnerReport } | { ok: false; file: string; reason: string };

/** One learner's report from its file's text; a file that is not one says why (it never stops the others). */
export function readReport(file: string, text: string): ReadReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, file, reason: `not JSON (${(e as Error).message})` };
  }
  const r = learnerReportSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    return { ok: false, file, reason: `not a faultline JSON report (${i?.path.join(".") || "top level"}: ${i?.message}); make reports with \`faultline report --format json\`` };
  }
  return { ok: true, name: learnerName(file, r.data), report: r.data };
}

/** Each report with only these exercises (a workshop's plan): the summary then covers the plan alone. */
export function scopeReports(reports: readonly { name: string; report: LearnerReport }[], ids: readonly string[]): { name: string; report: LearnerReport }[] {
  return reports.map(({ name, report }) => ({ name, report: { ...report, exercises: report.exercises.filter((e) => ids.includes(e.id)) } }));
}

/** A learner's name: the report's `learner`, else its file name (or its folder, for report.json). */
export function learnerName(file: string, report: LearnerReport): string {
  if (report.learner) return report.learner;
  const b = basename(file).replace(/\.json$/i, "");
  return /^(report|results|faultline)$/i.test(b) ? basename(dirname(file)) : b;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Folds the reports; `order` lists exercise ids in course order (others follow, in first-seen order). */
export function summarize(reports: readonly { name: string; report: LearnerReport }[], order: readonly string[] = [], top = 10, extra: { skipped?: ClassSummary["skipped"]; scope?: string | null } = {}): ClassSummary {
  const ids = [...order];
  for (const { report } of reports) for (const e of report.exercises) if (!ids.includes(e.id)) ids.push(e.id);
  const seen = new Set(reports.flatMap((r) => r.report.exercises.map((e) => e.id)));
  const exercises: ExerciseRow[] = ids
    .filter((id) => seen.has(id))
    .map((id) => {
      const row: ExerciseRow = { id, pass: 0, fail: 0, error: 0, notStarted: 0, missing: 0, completion: 0, medianAttempts: null };
      const attempts: number[] = [];
      for (const { report } of reports) {
        const e = report.exercises.find((x) => x.id === id);
        if (!e) row.missing++;
        else if (e.status === "pass") row.pass++;
        else if (e.status === "fail") row.fail++;
        else if (e.status === "error") row.error++;
        else row.notStarted++;
        const a = report.attempts?.[id];
        if (a !== undefined) attempts.push(a);
      }
      row.completion = reports.length ? row.pass / reports.length : 0;
      row.medianAttempts = median(attempts);
      return row;
    });
  const scen = new Map<string, ScenarioRow>();
  for (const { report } of reports) {
    for (const e of report.exercises) {
      if (e.status === "not-started" || e.status === "error") continue;
      for (const sc of e.scenarios) {
        const key = `${e.id}\u0000${sc.name}`;
        const row = scen.get(key) ?? { exercise: e.id, scenario: sc.name, failures: 0, of: 0, example: null };
        row.of++;
        if (sc.status === "fail" || sc.status === "error") {
          row.failures++;
          row.example ??= sc.failure?.message.split("\n")[0] ?? null;
        }
        scen.set(key, row);
      }
    }
  }
  const hardest = [...scen.values()]
    .filter((r) => r.failures > 0)
    .sort((a, b) => b.failures - a.failures || b.failures / b.of - a.failures / a.of || ids.indexOf(a.exercise) - ids.indexOf(b.exercise))
    .slice(0, top);
  const learners = reports.map(({ name, report }) => ({ name, passed: report.exercises.filter((e) => e.status === "pass").length, total: report.exercises.length }));
  return { learners, exercises, hardest, skipped: extra.skipped ?? [], scope: extra.scope ?? null };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** A text table; the column `squeeze` (if any) is cut short so that lines fit `width`. */
function table(header: string[], rows: string[][], width = 80, squeeze = -1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  if (squeeze >= 0) {
    const others = widths.reduce((n, w, i) => (i === squeeze ? n : n + w), 0) + 2 * (widths.length - 1);
    widths[squeeze] = Math.max(header[squeeze]!.length, Math.min(widths[squeeze]!, width - others));
  }
  const cell = (c: string, i: number) => (c.length > widths[i]! ? c.slice(0, widths[i]! - 1) + "…" : c);
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === squeeze ? cell(c, i).padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The summary as text, within 80 columns. */
export function formatSummaryText(s: ClassSummary): string {
  const out: string[] = [];
  out.push(`${s.learners.length} learner${s.learners.length === 1 ? "" : "s"}${s.scope ? ` · ${s.scope}: the plan's exercises only` : ""}`);
  if (s.skipped.length) {
    out.push(`${s.skipped.length} file${s.skipped.length === 1 ? " was" : "s were"} left out:`);
    for (const k of s.skipped) out.push(`  ${k.file}: ${k.reason}`);
  }
  out.push("");
  out.push(table(["exercise", "done", "pass", "fail", "error", "not started", "missing", "attempts"], s.exercises.map((e) => [e.id, pct(e.completion), String(e.pass), String(e.fail), String(e.error), String(e.notStarted), String(e.missing), e.medianAttempts === null ? "—" : String(e.medianAttempts)])));
  out.push("attempts: the median number of gradings (when reports carry local progress)");
  out.push("");
  if (s.hardest.length) {
    out.push("scenarios that fail most often (among learners who started the exercise):");
    out.push(table(["exercise", "scenario", "failing"], s.hardest.map((h) => [h.exercise, h.scenario, `${h.failures}/${h.of}`]), 80, 1));
  } else out.push("no scenario fails for any learner who started an exercise.");
  out.push("");
  out.push(table(["learner", "exercises passed"], s.learners.map((l) => [l.name, `${l.passed}/${l.total}`])));
  return out.join("\n");
}

export function summaryHtml(s: ClassSummary, title = "faultline — class summary"): string {
  const bar = (x: number) => `<span class="bar"><span style="width:${Math.round(x * 100)}%"></span></span> ${pct(x)}`;
  const ex = s.exercises.map((e) => `<tr><td>${esc(e.id)}</td><td>${bar(e.completion)}</td><td>${e.pass}</td><td>${e.fail}</td><td>${e.error}</td><td>${e.notStarted}</td><td>${e.missing}</td><td>${e.medianAttempts ?? "—"}</td></tr>`).join("\n");
  const hard = s.hardest.map((h) => `<tr><td>${esc(h.exercise)}</td><td>${esc(h.scenario)}${h.example ? `<div class="ex">${esc(h.example)}</div>` : ""}</td><td>${h.failures}/${h.of}</td></tr>`).join("\n");
  const learners = s.learners.map((l) => `<tr><td>${esc(l.name)}</td><td>${l.passed}/${l.total}</td></tr>`).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin: 8px 0 24px; } th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: #f6f6f6; } td:not(:first-child):not(:nth-child(2)) { text-align: right; font-variant-numeric: tabular-nums; }
.bar { display: inline-block; width: 120px; height: 10px; background: #eee; border-radius: 5px; vertical-align: middle; }
.bar span { display: block; height: 100%; background: #2e7d32; border-radius: 5px; }
.ex { color: #777; font-size: 12px; }
</style></head>
<body>
<h1>${esc(title)}</h1>
<p>${s.learners.length} learner${s.learners.length === 1 ? "" : "s"}${s.scope ? ` · ${esc(s.scope)}: the plan's exercises only` : ""}.</p>
${s.skipped.length ? `<p class="skipped">Left out (not faultline reports):</p><ul class="skipped">${s.skipped.map((k) => `<li>${esc(k.file)}: ${esc(k.reason)}</li>`).join("")}</ul>` : ""}
<h2>Completion per exercise</h2>
<table id="exercises"><thead><tr><th>exercise</th><th>done</th><th>pass</th><th>fail</th><th>error</th><th>not started</th><th>missing</th><th>median attempts</th></tr></thead><tbody>
${ex}
</tbody></table>
<h2>Scenarios that fail most often</h2>
<table id="hardest"><thead><tr><th>exercise</th><th>scenario</th><th>failing</th></tr></thead><tbody>
${hard || '<tr><td colspan="3">none</td></tr>'}
</tbody></table>
<h2>Learners</h2>
<table id="learners"><thead><tr><th>learner</th><th>passed</th></tr></thead><tbody>
${learners}
</tbody></table>
</body></html>
`;
}
