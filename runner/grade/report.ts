// `faultline report`: one grade, four documents for the tools that read them.
//
//   json       the grade document of DESIGN §6 (what `grade --json` prints)
//   junit      JUnit XML, which every CI system reads (runner/grade/junit.ts)
//   classroom  GitHub Classroom's autograding result: base64 of a version-1 JSON
//              document, what its command/io graders put in their `result` output
//              and education/autograding-grading-reporter decodes from
//              <RUNNER>_RESULTS (github-education-resources/autograding-grading-reporter,
//              src/main.js, src/aggregate-results.js, src/notify-classroom.js)
//   exercism   Exercism's test-runner results.json, version 3
//              (exercism/docs, building/tooling/test-runners/interface.md)
//
// A test, in every format, is one scenario of one exercise, in course order.

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { TraceEvent } from "../sim/index.ts";
import type { ExerciseResult, GradeReport, ScenarioResult } from "./grade.ts";
import { toJunit } from "./junit.ts";

export const REPORT_FORMATS = ["json", "junit", "classroom", "exercism"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

export interface ReportOptions {
  /** Project root, to read failing runs' trace files (for learner log output). */
  root?: string;
  /** GitHub Classroom: points for each passing scenario (default 1). */
  pointsPerTest?: number;
  /** json: who this is (for `faultline class summary`). */
  learner?: string;
  /** json: grading attempts per exercise, from the learner's local progress. */
  attempts?: Record<string, number>;
}

/** The document for `format`, ready to print (no trailing newline). */
export function renderReport(report: GradeReport, format: ReportFormat, opts: ReportOptions = {}): string {
  switch (format) {
    case "json":
      return JSON.stringify({ ...gradeDocument(report), ...(opts.learner ? { learner: opts.learner } : {}), ...(opts.attempts && Object.keys(opts.attempts).length ? { attempts: opts.attempts } : {}) }, null, 2);
    case "junit":
      return toJunit(report).trimEnd();
    case "classroom":
      return encodeClassroom(toClassroom(report, opts));
    case "exercism":
      return JSON.stringify(toExercism(report, opts), null, 2);
  }
}

/** The §6 document: the report without replay-only fields. */
export function gradeDocument(report: GradeReport): GradeReport {
  return { ...report, exercises: report.exercises.map((e) => ({ ...e, scenarios: e.scenarios.map(({ trace: _trace, ...sc }) => sc) })) };
}

/** One scenario or one exercise that could not load: a row in every format. */
interface TestRow {
  exercise: ExerciseResult;
  /** 1-based position of the exercise in the report (course order). */
  task: number;
  name: string;
  status: "pass" | "fail" | "error";
  message: string | null;
  scenario: ScenarioResult | null;
}

function rows(report: GradeReport): TestRow[] {
  const out: TestRow[] = [];
  report.exercises.forEach((e, i) => {
    const task = i + 1;
    if (e.error || e.scenarios.length === 0) {
      out.push({ exercise: e, task, name: `${e.id} › loads`, status: "error", message: e.error ?? `The suite for ${e.id} ran no scenarios.`, scenario: null });
    }
    for (const sc of e.scenarios) {
      const status = sc.status === "pass" ? "pass" : sc.status === "error" ? "error" : "fail";
      let message: string | null = null;
      if (sc.status === "not-started") message = `not started: ${sc.failure?.message ?? `${e.id} still has todo() calls`}`;
      else if (sc.failure) message = [sc.failure.message, sc.failure.replay ? `replay: ${sc.failure.replay}` : ""].filter(Boolean).join("\n");
      out.push({ exercise: e, task, name: `${e.id} › ${sc.name}`, status, message, scenario: sc });
    }
  });
  return out;
}

function testCode(r: TestRow): string {
  const file = `runner/suites/${r.exercise.id}.test.ts`;
  if (!r.scenario) return `faultline grade ${r.exercise.id}   # loads ${file}`;
  return `faultline grade ${r.exercise.id} --seed ${r.scenario.seed}   # scenario "${r.scenario.name}" in ${file}`;
}

// ── GitHub Classroom ────────────────────────────────────────────────────────

export interface ClassroomTest {
  name: string;
  status: "pass" | "fail" | "error";
  score: number;
  max_score: number;
  message: string | null;
  test_code: string;
  filename: string;
  line_no: number;
  execution_time: string;
}

export interface ClassroomResult {
  version: 1;
  status: "pass" | "fail" | "error";
  max_score: number;
  tests: ClassroomTest[];
}

export function toClassroom(report: GradeReport, opts: ReportOptions = {}): ClassroomResult {
  const points = opts.pointsPerTest ?? 1;
  const rs = rows(report);
  // The reporter scores a runner as (passing tests / tests) × max_score and
  // notifies Classroom with the sum of per-test scores: one point per
  // scenario keeps both sums the same.
  const tests = rs.map<ClassroomTest>((r) => ({
    name: r.name,
    status: r.status,
    score: r.status === "pass" ? points : 0,
    max_score: points,
    message: r.message,
    test_code: testCode(r),
    filename: r.scenario ? `runner/suites/${r.exercise.id}.test.ts` : `exercises/${r.exercise.id}/`,
    line_no: 0,
    // The scenario's own time when it ran; else (a suite that could not load) the exercise's share.
    execution_time: `${((r.scenario?.durationMs ?? r.exercise.durationMs / Math.max(1, r.exercise.scenarios.length)) / 1000).toFixed(3)}s`,
  }));
  const status = overall(rs);
  return { version: 1, status, max_score: tests.length * points, tests };
}

/** What a Classroom grader step sets as its `result` output. */
export function encodeClassroom(r: ClassroomResult): string {
  return Buffer.from(JSON.stringify(r), "utf8").toString("base64");
}

export function decodeClassroom(b64: string): unknown {
  return JSON.parse(Buffer.from(b64.trim(), "base64").toString("utf8"));
}

// ── Exercism ────────────────────────────────────────────────────────────────

export interface ExercismTest {
  name: string;
  status: "pass" | "fail" | "error";
  message: string | null;
  output?: string;
  test_code: string;
  task_id: number;
}

export interface ExercismResult {
  version: 3;
  status: "pass" | "fail" | "error";
  message: string | null;
  tests: ExercismTest[];
}

/** The spec caps per-test output at 500 characters and suggests this note. */
export const EXERCISM_OUTPUT_LIMIT = 500;
const TRUNCATED = "\nOutput was truncated. Please limit to 500 chars";

export function toExercism(report: GradeReport, opts: ReportOptions = {}): ExercismResult {
  const rs = rows(report);
  const status = overall(rs);
  const tests = rs.map<ExercismTest>((r) => {
    const t: ExercismTest = { name: r.name, status: r.status, message: r.message, test_code: testCode(r), task_id: r.task };
    const output = r.scenario && opts.root ? learnerOutput(opts.root, r.scenario) : "";
    if (output) t.output = limitOutput(output);
    return t;
  });
  // "error" is for when no test ran cleanly; its message is then required.
  const message = status === "error" ? report.exercises.map((e) => e.error).filter(Boolean).join("\n") || "No scenario could run." : null;
  return { version: 3, status, message, tests };
}

export function limitOutput(s: string): string {
  if (s.length <= EXERCISM_OUTPUT_LIMIT) return s;
  return s.slice(0, EXERCISM_OUTPUT_LIMIT - TRUNCATED.length) + TRUNCATED;
}

/** What the learner's nodes printed with ctx.log in the failing run (read from its trace file). */
function learnerOutput(root: string, sc: ScenarioResult): string {
  const file = sc.failure?.traceFile;
  // A trace file is named relative to the project, or absolute when the state lives elsewhere (course/state.ts).
  if (!file || !existsSync(resolve(root, file))) return "";
  try {
    const { trace } = JSON.parse(readFileSync(resolve(root, file), "utf8")) as { trace: { events: TraceEvent[] } };
    return trace.events
      .filter((e): e is Extract<TraceEvent, { k: "log" }> => e.k === "log")
      .map((e) => `t=${e.t} ${e.node}: ${e.text}`)
      .join("\n");
  } catch {
    return "";
  }
}

function overall(rs: readonly TestRow[]): "pass" | "fail" | "error" {
  if (rs.length === 0 || rs.every((r) => r.status === "error")) return "error";
  return rs.every((r) => r.status === "pass") ? "pass" : "fail";
}
