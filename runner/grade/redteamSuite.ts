// The red-team catalogue (runner/grade/redteam.ts) as a suite, for one mode:
// plain (one warm Grader, as watch mode keeps) or --sandbox (one sandboxed
// child for everything, as `report` runs). redteam.plain.test.ts and
// redteam.sandbox.test.ts each run one mode, so the two run side by side on
// two cores. For every case, in its mode:
//
//   - it does not pass: its status is fail, error or not-started, and its
//     verdict says clearly what happened;
//   - it ends well within the watchdog's limits (MAX_MS: the longest limit,
//     60 s without progress, plus a slow start-up);
//   - the grader survives it: after a case that could end a worker or upset
//     the grader, the same grader passes the reference solution, and no
//     case crashes the grading process (a crash is pinned on its case, and
//     the rest are graded by a fresh process);
//   - the secret in the grading process's environment appears in no report.
//
// Controls must pass in both modes: the reference solutions the catalogue
// builds on, legitimate module-level state, an honest string that looks
// like markup, and globals one exercise tries to set, unseen by the next.
//
// The whole catalogue runs under a time zone that is not UTC, so that code
// reading the machine's zone would show it.

import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE, CONTROLS, SECRET, type Mode, type RedTeamResult } from "./redteam.ts";

const ROOT = join(import.meta.dirname, "..", "..");
/** No case may take longer (see above). */
const MAX_MS = 90_000;
/** One mode takes a few minutes; far past this, something hangs. */
const RUN_TIMEOUT_MS = 1_500_000;

interface Outcome {
  /** By kind ("case", "after", "control"), then by name. */
  results: Map<string, RedTeamResult>;
  /** Cases during which the grading process died, with what it printed last. */
  crashed: Map<string, string>;
}

const key = (kind: string, name: string) => `${kind}:${name}`;

/** Runs the catalogue script once; resolves with its exit and output. */
function runScript(mode: Mode, names: readonly string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "runner", "grade", "redteam.ts"), "--mode", mode, ...names], {
      cwd: ROOT,
      env: { ...process.env, TZ: "America/New_York", FAULTLINE_REDTEAM_SECRET: SECRET, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // A process that crashed left its scratch copies behind (redteam.ts runCatalogue).
      rmSync(join(ROOT, ".faultline", "redteam", `${mode}-${child.pid}`), { recursive: true, force: true });
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Grades every case and control in one mode, starting a fresh process after any crash. */
async function gradeMode(mode: Mode): Promise<Outcome> {
  const out: Outcome = { results: new Map(), crashed: new Map() };
  let remaining = [...CATALOGUE.map((c) => c.name), ...CONTROLS.map((c) => c.name)];
  while (remaining.length > 0) {
    const r = await runScript(mode, remaining);
    let started = "";
    for (const l of r.stdout.split("\n").filter((x) => x.startsWith("{"))) {
      const x = JSON.parse(l) as Partial<RedTeamResult> & { start?: string };
      if (x.start !== undefined) started = x.start;
      else out.results.set(key(x.kind!, x.name!), x as RedTeamResult);
    }
    const done = new Set([...out.results.values()].map((x) => x.name));
    const before = remaining.length;
    remaining = remaining.filter((n) => !done.has(n));
    if (r.code === 0 && remaining.length === 0) break;
    const why = `the grading process ended (${r.signal ?? `exit ${r.code}`}) while grading this case: ${r.stderr.trim().split("\n").slice(-6).join("\n")}`;
    if (started && remaining.includes(started)) {
      out.crashed.set(started, why);
      remaining = remaining.filter((n) => n !== started);
    } else if (remaining.length === before) {
      // Not pinned on one case (the sandboxed child died): every case left is unjudged.
      for (const n of remaining) out.crashed.set(n, why);
      break;
    }
  }
  return out;
}

/** The catalogue itself: every attack family of issues 14 and 15 has a case. */
export function catalogueCoversFamilies(): void {
  describe("the red-team catalogue", () => {
    it("covers every attack family of issues 14 and 15, one fixture at least each", () => {
      const families = new Set(CATALOGUE.map((c) => c.family.replace(/ \(.*\)$/, "")));
      for (const f of [
        "forge the verdict through vitest's worker state",
        "forge the verdict through task.meta / afterEach",
        "import harness or sim modules by relative path",
        "Object.prototype pollution",
        "export * from the solution",
        "a symlink or hard link into solutions/",
        "vite's require / __vite_ssr_dynamic_import__",
        "Worker with eval and execArgv",
        "process._kill / reallyExit",
        "a never-settling top-level await",
        "600 MB to fd 1",
        "every clock route",
        "shared memory between nodes",
        "memory that survives a crash",
        "values that change after being read",
        "the engine within reach",
        "code that knows it is graded",
        "a module exporting then",
        "async and generator handlers",
      ])
        expect(families, f).toContain(f);
    });
  });
}

/** Grades the whole catalogue and its controls in `mode` (beforeAll), then judges each case. */
export function redTeamSuite(mode: Mode): void {
  let outcome: Outcome | null = null;
  beforeAll(async () => {
    outcome = await gradeMode(mode);
  }, RUN_TIMEOUT_MS);
  const resultOf = (kind: string, name: string, hole?: string): RedTeamResult => {
    const o = outcome!;
    const crash = o.crashed.get(name);
    expect(crash, `${mode}: ${name}${hole ? ` (${hole})` : ""}`).toBeUndefined();
    const r = o.results.get(key(kind, name));
    expect(r, `${mode}: no result for ${name}`).toBeDefined();
    return r!;
  };
  describe(`red team, ${mode === "plain" ? "plain grading (one warm grader)" : "--sandbox (one sandboxed child)"}`, () => {
    for (const c of CATALOGUE) {
      it(`${c.what} (${c.name}): never a pass, a clear verdict, the grader unharmed`, () => {
        const hole = c.defence ? `a regression of a closed hole; its defence: ${c.defence}` : undefined;
        const r = resultOf("case", c.name, hole);
        expect(c.status ?? ["fail", "error", "not-started"], hole ?? r.verdict).toContain(r.status);
        expect(r.verdict, hole).toMatch(c.verdict);
        expect(r.ms, hole).toBeLessThan(MAX_MS);
        expect(r.leaked, "the environment's secret appears in the report").toBe(false);
        if (c.hazard) expect(resultOf("after", c.name).status, "the same grader passes the reference solution afterwards").toBe("pass");
      });
    }
    for (const c of CONTROLS) {
      it(`control: ${c.what} passes`, () => {
        const r = resultOf("control", c.name);
        expect(r.status, r.verdict).toBe("pass");
        expect(r.leaked).toBe(false);
      });
    }
  });
}
