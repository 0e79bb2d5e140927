// The determinism audit, sampled: the same seed must give the same trace hash
// every time. A full audit is `npm run soak -- --twice` (outside CI).

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isolatedEnv } from "../testEnv.ts";

const ROOT = join(import.meta.dirname, "..", "..");

function soak(args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "runner", "grade", "soak.ts"), ...args], { cwd: ROOT, encoding: "utf8", env: isolatedEnv(), timeout: 300_000 });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

describe("determinism audit", () => {
  it("finds no mismatch when every case of the reference solutions runs twice (sample)", () => {
    const r = soak(["--seeds", "25", "--twice", "echo"]);
    expect(r.out).toMatch(/soak: \d+ runs, 0 failures/);
    expect(r.code).toBe(0);
  });

  /** The scenarios' [status, message] when a fixture's echo is graded. */
  function gradeFixture(fixture: string, opts: string): [string, string | null][] {
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", `
      const { grade } = await import(${JSON.stringify(join(ROOT, "runner", "grade", "grade.ts"))});
      const r = await grade({ ids: ["echo"], target: ${JSON.stringify(join(ROOT, "runner", "grade", "fixtures"))} + "/${fixture}", ${opts} });
      console.log(JSON.stringify(r.exercises[0].scenarios.map((s) => [s.status, s.failure && s.failure.message])));
    `], { cwd: ROOT, encoding: "utf8", timeout: 300_000, env: isolatedEnv() });
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as [string, string | null][];
  }

  it("catches a node whose runs differ for the same seed, and names the first differing event", () => {
    const scenarios = gradeFixture("stack-depth-echo", "runs: 5, onlyGenerative: true, twice: true");
    expect(scenarios.length).toBeGreaterThan(0);
    const [status, message] = scenarios[0]!;
    expect(status).not.toBe("pass");
    expect(message).toMatch(/Not deterministic: scenario ".*" with simulator seed \d+ gave two different traces/);
    expect(message).toMatch(/First difference at event \d+:.*recursed \d+ deep/);
  });

  it("grade itself reruns a run of each scenario and reports a mismatch as non-determinism, never as a pass", () => {
    const scenarios = gradeFixture("stack-depth-echo", "");
    const generative = scenarios.find(([, m]) => m?.includes("Not deterministic"));
    expect(generative, JSON.stringify(scenarios)).toBeDefined();
    expect(generative![0]).toBe("error");
  });

  it("module state no longer leaks from one run into the next: a node that counts in a module variable replays exactly", () => {
    // Every node gets a fresh instance of the learner's module (runner/learner/membrane.ts).
    const scenarios = gradeFixture("leaky-echo", "runs: 5, onlyGenerative: true, twice: true");
    expect(scenarios).toEqual([["pass", null]]);
  });
});
