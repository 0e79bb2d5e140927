// The hostile-code catalogue (runner/grade/hostile.ts): every bad submission
// gets the verdict it must get, and the grader stays usable — the same warm
// Grader (as watch mode keeps) grades the reference solution correctly right
// after a case that ended its worker. No case may outlast the watchdog's
// absolute limits (2 s per handler, 5 s for a module's top level, a cap per
// scenario): MAX_MS is far above those, so that a loaded machine's slow
// start-up never fails the test, while a grader that hung still would.

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE, type HostileResult } from "./hostile.ts";
import { isolatedEnv } from "../testEnv.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const results = new Map<string, HostileResult>();
/** No verdict may take longer than this (see above): the watchdog's caps plus a generous start-up. */
const MAX_MS = 90_000;

beforeAll(() => {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "runner", "grade", "hostile.ts")], { cwd: ROOT, encoding: "utf8", timeout: 600_000, env: isolatedEnv() });
  for (const line of r.stdout.split("\n").filter((l) => l.startsWith("{"))) {
    const x = JSON.parse(line) as HostileResult;
    results.set(x.name, x);
  }
  if (results.size === 0) throw new Error(`the catalogue run printed nothing:\n${r.stderr}`);
}, 600_000);

describe("hostile learner code", () => {
  it("has a fixture and a verdict for every case of the catalogue", () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(20);
    expect([...results.keys()].sort()).toEqual(CATALOGUE.map((c) => c.name).sort());
  });

  for (const c of CATALOGUE) {
    it(`${c.what} (${c.name}): ${c.status}, with a verdict that says what, where and what to do`, () => {
      const r = results.get(c.name)!;
      expect(r, `no result for ${c.name}`).toBeDefined();
      expect(r.status).toBe(c.status);
      expect(r.verdict).toMatch(c.verdict);
      if (c.location) expect(r.location).toMatch(c.location);
      expect(r.ms).toBeLessThan(MAX_MS);
      if (c.endsWorker) expect(r.afterwards, "the same Grader grades the solution after the worker was ended").toBe("pass");
    });
  }

  it("the CLI survives an infinite loop: exit 1, the verdict on stdout, the process ends", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "faultline.js"), "grade", "echo", "--json", "--target", join(ROOT, "runner", "grade", "fixtures", "hostile", "loop-handler")], { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: isolatedEnv() });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { durationMs: number; exercises: { status: string; error: string }[] };
    expect(report.exercises[0]!.status).toBe("error");
    expect(report.exercises[0]!.error).toMatch(/onMessage on n1 did not return within 2 s at t=\d+ ms/);
    expect(report.durationMs).toBeLessThan(MAX_MS);
  });
});

describe("the heap cap", () => {
  it("a worker that runs out of memory gets a verdict, and the same grader goes on grading", () => {
    // A small cap and a long hang limit, so the allocation hits the cap first
    // (on a fast machine it does so with the real limits too).
    const script = `
      const { Grader } = await import(${JSON.stringify(join(ROOT, "runner", "grade", "grade.ts"))});
      const g = await Grader.open(undefined, { watchdog: { heapMb: 128, handlerMs: 30000 } });
      const r = await g.run({ ids: ["echo"], target: ${JSON.stringify(join(ROOT, "runner", "grade", "fixtures", "hostile", "allocation"))} });
      const s = await g.run({ ids: ["echo"], target: "solutions" });
      await g.close();
      console.log(JSON.stringify({ status: r.exercises[0].status, error: r.exercises[0].error, afterwards: s.exercises[0].status }));
    `;
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: isolatedEnv() });
    const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { status: string; error: string; afterwards: string };
    expect(out.status).toBe("error");
    expect(out.error).toMatch(/onMessage on n1 ran out of memory at t=\d+ ms \(.*allocation\/echo\/echo\.ts\): it allocated more than 128 MB, going round the loop at .*allocation\/echo\/echo\.ts:13\./);
    expect(out.afterwards).toBe("pass");
  });
});
