// JUnit XML, the format every CI system reads: one testsuite per exercise,
// one testcase per scenario, the failure's message and replay command inside.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { GradeReport } from "./grade.ts";

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

/** JUnit times are seconds. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

export function toJunit(r: GradeReport): string {
  const suites = r.exercises.map((e) => {
    const failures = e.scenarios.filter((s) => s.status === "fail" || s.status === "not-started").length;
    const errors = e.scenarios.filter((s) => s.status === "error").length + (e.error ? 1 : 0);
    const cases = e.scenarios.map((sc) => {
      const open = `    <testcase classname="faultline.${esc(e.id)}" name="${esc(sc.name)}" time="${seconds(sc.durationMs ?? 0)}">`;
      if (sc.status === "pass") return `${open}</testcase>`;
      const f = sc.failure;
      const body = f ? [f.message, "", f.diagram, "", `replay: ${f.replay}`].join("\n") : "";
      const tag = sc.status === "error" ? "error" : "failure";
      return `${open}\n      <${tag} message="${esc(sc.status === "not-started" ? `not started: ${f?.message ?? ""}` : (f?.message ?? sc.status))}" type="${sc.status}">${esc(body)}</${tag}>\n    </testcase>`;
    });
    if (e.error) cases.push(`    <testcase classname="faultline.${esc(e.id)}" name="load" time="0">\n      <error message="${esc(e.error)}" type="error"/>\n    </testcase>`);
    return `  <testsuite name="${esc(e.id)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds(e.durationMs)}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const tests = r.exercises.reduce((n, e) => n + e.scenarios.length + (e.error ? 1 : 0), 0);
  const failures = r.exercises.reduce((n, e) => n + e.scenarios.filter((s) => s.status === "fail" || s.status === "not-started").length, 0);
  const errors = r.exercises.reduce((n, e) => n + e.scenarios.filter((s) => s.status === "error").length + (e.error ? 1 : 0), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="faultline" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(r.durationMs)}">\n${suites.join("\n")}\n</testsuites>\n`;
}

export function writeJunit(file: string, r: GradeReport): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, toJunit(r));
}
