// `faultline report` documents, validated against the shapes their consumers
// publish. The zod schemas below are written from those sources:
//
// - GitHub Classroom: the graders (github-education-resources/autograding-command-grader,
//   autograding-io-grader) set a `result` output = base64(JSON.stringify({version: 1,
//   status, max_score, tests: [{name, status, message, test_code, filename, line_no,
//   execution_time, score}]})); autograding-grading-reporter (src/main.js) decodes
//   <RUNNER>_RESULTS, reads `tests[].status === "pass"` and `max_score`
//   (src/aggregate-results.js), and sums `tests[].score` (src/notify-classroom.js).
// - Exercism: exercism/docs, building/tooling/test-runners/interface.md — results.json
//   version 3: status pass|fail|error; message required when status is error;
//   tests[] in file order with name, status, message?, output? (≤ 500 chars),
//   test_code, task_id? (a number).
// - JUnit XML as CI systems read it (Jenkins/GitLab/GitHub test reporters):
//   <testsuites> of <testsuite name tests failures errors> of
//   <testcase name classname time>, each with at most one <failure>/<error message type>.

import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { materializeStubs } from "../course/reset.ts";
import { isolatedEnv } from "../testEnv.ts";
import type { GradeReport } from "./grade.ts";
import { decodeClassroom, EXERCISM_OUTPUT_LIMIT, limitOutput, renderReport, toClassroom, toExercism } from "./report.ts";

const status = z.enum(["pass", "fail", "error"]);

export const classroomSchema = z
  .object({
    version: z.literal(1),
    status,
    max_score: z.number().nonnegative(),
    markdown: z.string().optional(),
    tests: z.array(
      z.object({
        name: z.string().min(1),
        status,
        score: z.number().nonnegative().optional(),
        max_score: z.number().nonnegative().optional(),
        message: z.string().nullable().optional(),
        test_code: z.string().optional(),
        filename: z.string().optional(),
        line_no: z.number().int().nonnegative().optional(),
        execution_time: z.union([z.string().regex(/^\d+(\.\d+)?s$/), z.number()]).optional(),
      }),
    ),
  })
  .refine((r) => r.tests.reduce((n, t) => n + (t.score ?? 0), 0) <= r.max_score, "the tests' scores cannot exceed max_score");

export const exercismSchema = z
  .object({
    version: z.literal(3),
    status,
    message: z.string().nullable().optional(),
    tests: z.array(
      z
        .object({
          name: z.string().min(1),
          status,
          message: z.string().nullable().optional(),
          output: z.string().max(EXERCISM_OUTPUT_LIMIT).nullable().optional(),
          test_code: z.string(),
          task_id: z.number().int().positive().optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .refine((r) => r.status !== "error" || (typeof r.message === "string" && r.message.length > 0), "message is required when status is error")
  .refine((r) => r.status !== "pass" || r.tests.every((t) => t.status === "pass"), "status pass means every test passed")
  .refine((r) => r.status !== "fail" || r.tests.some((t) => t.status !== "pass"), "status fail means some test failed");

// ── a small strict XML reader, enough to check well-formedness and shape ──

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at offset ${i}: ${JSON.stringify(src.slice(i, i + 40))}`);
  };
  const decode = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(s)) fail(`bad entity in ${JSON.stringify(s.slice(0, 40))}`);
    if (/</.test(s)) fail("raw < in text or attribute");
    return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
  };
  if (src.startsWith("<?xml")) i = src.indexOf("?>") + 2;
  const element = (): XmlElement => {
    while (/\s/.test(src[i] ?? "")) i++;
    const m = /^<([A-Za-z_][\w.-]*)/.exec(src.slice(i));
    if (!m) fail("expected an element");
    const el: XmlElement = { name: m![1]!, attrs: {}, children: [], text: "" };
    i += m![0].length;
    for (;;) {
      const a = /^\s+([A-Za-z_][\w.-]*)="([^"]*)"/.exec(src.slice(i));
      if (!a) break;
      if (a[1]! in el.attrs) fail(`duplicate attribute ${a[1]}`);
      el.attrs[a[1]!] = decode(a[2]!);
      i += a[0].length;
    }
    while (/\s/.test(src[i] ?? "")) i++;
    if (src.startsWith("/>", i)) {
      i += 2;
      return el;
    }
    if (src[i] !== ">") fail("expected > or />");
    i++;
    for (;;) {
      const lt = src.indexOf("<", i);
      if (lt < 0) fail(`unclosed <${el.name}>`);
      el.text += decode(src.slice(i, lt));
      i = lt;
      if (src.startsWith(`</${el.name}>`, i)) {
        i += el.name.length + 3;
        return el;
      }
      if (src.startsWith("</", i)) fail(`mismatched close tag inside <${el.name}>`);
      el.children.push(element());
    }
  };
  const root = element();
  if (src.slice(i).trim()) fail("content after the root element");
  // XML 1.0 forbids most control characters anywhere.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(src)) throw new Error("XML: control character");
  return root;
}

const int = z.string().regex(/^\d+$/);
const seconds = z.string().regex(/^\d+(\.\d+)?$/);
const junitOutcome = z.object({ name: z.enum(["failure", "error", "skipped"]), attrs: z.object({ message: z.string().optional(), type: z.string().optional() }) });
const junitCase = z.object({ name: z.literal("testcase"), attrs: z.object({ name: z.string().min(1), classname: z.string().min(1), time: seconds }), children: z.array(junitOutcome).max(1) });
const junitSuite = z.object({ name: z.literal("testsuite"), attrs: z.object({ name: z.string().min(1), tests: int, failures: int, errors: int, time: seconds.optional() }), children: z.array(junitCase) });
export const junitSchema = z.object({ name: z.literal("testsuites"), attrs: z.object({ tests: int, failures: int, errors: int }).loose(), children: z.array(junitSuite) });

// ── fixtures ──

const failure = (message: string, traceFile: string | null = null) => ({
  seed: 3, message, property: null, schedule: null, minimizedSchedule: null, path: null,
  replay: "npx faultline replay echo --seed 3 --scenario \"x\"", traceFile, diagram: "n1 ──▶ n2 <&>", location: null,
});

const mixed: GradeReport = {
  version: 1, target: "exercises", passed: false, durationMs: 1234, seed: 1,
  exercises: [
    { id: "echo", status: "fail", durationMs: 800, error: null, scenarios: [
      { name: "every request gets exactly one reply", kind: "scripted", status: "pass", runs: 5, seed: 1, traceHash: "00aa", failure: null, durationMs: 420 },
      { name: "replies survive <loss> & \"duplication\"", kind: "generative", status: "fail", runs: 12, seed: 1, traceHash: "00bb", failure: failure("every request gets a reply\n  request 3 never answered\u0001") },
    ] },
    { id: "two-generals", status: "not-started", durationMs: 100, error: null, scenarios: [
      { name: "both attack or neither", kind: "scripted", status: "not-started", runs: 1, seed: 1, traceHash: "00cc", failure: failure("still a todo: decide") },
    ] },
    { id: "lamport-clock", status: "error", durationMs: 0, error: "Your code could not be loaded: SyntaxError. Fix it and grade again.", scenarios: [] },
  ],
};

const allPass: GradeReport = { ...mixed, passed: true, exercises: [{ ...mixed.exercises[0]!, status: "pass", scenarios: [mixed.exercises[0]!.scenarios[0]!] }] };
const allError: GradeReport = { ...mixed, exercises: [mixed.exercises[2]!] };

describe("report formats", () => {
  it("classroom: a base64 version-1 document, one point per passing scenario", () => {
    const text = renderReport(mixed, "classroom");
    expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const doc = classroomSchema.parse(decodeClassroom(text));
    expect(doc.status).toBe("fail");
    expect(doc.tests.map((t) => t.status)).toEqual(["pass", "fail", "fail", "error"]);
    expect(doc.max_score).toBe(4);
    expect(doc.tests.reduce((n, t) => n + (t.score ?? 0), 0)).toBe(1);
    expect(doc.tests[2]!.message).toMatch(/^not started/);
    expect(classroomSchema.parse(toClassroom(allPass, { pointsPerTest: 5 }))).toMatchObject({ status: "pass", max_score: 5, tests: [{ score: 5 }] });
  });

  it("exercism: results.json version 3, tests in order with task ids, message on error", () => {
    const doc = exercismSchema.parse(JSON.parse(renderReport(mixed, "exercism")));
    expect(doc.status).toBe("fail");
    expect(doc.message).toBeNull();
    expect(doc.tests.map((t) => t.task_id)).toEqual([1, 1, 2, 3]);
    expect(doc.tests[1]!.message).toMatch(/request 3 never answered/);
    expect(exercismSchema.parse(toExercism(allPass)).status).toBe("pass");
    const err = exercismSchema.parse(toExercism(allError));
    expect(err.status).toBe("error");
    expect(err.message).toMatch(/could not be loaded/);
  });

  it("exercism: learner output is capped at 500 characters", () => {
    const long = limitOutput("x".repeat(2000));
    expect(long.length).toBe(EXERCISM_OUTPUT_LIMIT);
    expect(long).toMatch(/truncated/);
    expect(limitOutput("short")).toBe("short");
  });

  it("junit: well-formed XML in the shape CI systems read, counts that add up", () => {
    const xml = parseXml(renderReport(mixed, "junit"));
    const doc = junitSchema.parse(xml);
    const cases = doc.children.flatMap((s) => s.children);
    expect(Number(doc.attrs.tests)).toBe(cases.length);
    expect(Number(doc.attrs.failures)).toBe(cases.filter((c) => c.children[0]?.name === "failure").length);
    expect(Number(doc.attrs.errors)).toBe(cases.filter((c) => c.children[0]?.name === "error").length);
    for (const s of doc.children) expect(Number(s.attrs.tests)).toBe(s.children.length);
    expect(cases[1]!.attrs.name).toBe("replies survive <loss> & \"duplication\"");
    // Each scenario's own time, in seconds (not 0 everywhere).
    expect(cases[0]!.attrs.time).toBe("0.420");
  });

  it("json: the §6 grade document without replay-only traces", () => {
    const withTrace: GradeReport = { ...allPass, exercises: [{ ...allPass.exercises[0]!, scenarios: [{ ...allPass.exercises[0]!.scenarios[0]!, trace: { version: 1, seed: 1, nodes: [], hash: "", total: 0, events: [] } }] }] };
    const doc = JSON.parse(renderReport(withTrace, "json")) as GradeReport;
    expect(doc).toMatchObject({ version: 1, target: "exercises", passed: true });
    expect(doc.exercises[0]!.scenarios[0]).not.toHaveProperty("trace");
  });

  it("the XML reader itself rejects broken documents", () => {
    expect(() => parseXml("<a><b></a>")).toThrow();
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow();
    expect(() => parseXml("<a>1 < 2</a>")).toThrow();
  });
});

describe("faultline report (the real binary)", () => {
  const ROOT = join(import.meta.dirname, "..", "..");
  const run = (args: string[]) => spawnSync(process.execPath, [join(ROOT, "bin", "faultline.js"), "report", ...args], { cwd: ROOT, encoding: "utf8", env: isolatedEnv(), timeout: 120_000 });

  it("prints each format for a graded exercise and exits 0 (the verdict is in the document)", () => {
    const classroom = run(["echo", "--format", "classroom", "--target", "solutions"]);
    expect(classroom.status, classroom.stderr).toBe(0);
    expect(classroomSchema.parse(decodeClassroom(classroom.stdout))).toMatchObject({ status: "pass" });
    // The stub as committed, failing (the learner's exercises/echo/ may pass by now).
    const stubs = mkdtempSync(join(tmpdir(), "faultline-stubs-"));
    materializeStubs(ROOT, stubs);
    const exercism = run(["echo", "--format", "exercism", "--target", stubs]);
    expect(exercism.status, exercism.stderr).toBe(0);
    const ex = exercismSchema.parse(JSON.parse(exercism.stdout));
    expect(ex.status).toBe("fail");
    const junit = run(["echo", "--format", "junit", "--target", "solutions"]);
    expect(junit.status, junit.stderr).toBe(0);
    const cases = junitSchema.parse(parseXml(junit.stdout)).children.flatMap((x) => x.children);
    expect(cases.some((c) => Number(c.attrs.time) > 0), "some scenario took measurable time").toBe(true);
  });

  it("refuses an unknown format with exit 2", () => {
    const r = run(["--format", "yaml"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/json, junit, classroom, exercism/);
  });
});
