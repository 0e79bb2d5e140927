// The grading contract of DESIGN §6, checked through the real `faultline`
// binary as users and CI call it: exit codes, the JSON document, seeds and
// trace hashes, replay of a mutant's failure.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { materialize, loadMutants } from "../mutants/run.ts";
import type { GradeReport } from "./grade.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "faultline.js");

function faultline(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FAULTLINE_NO_PROGRESS: "1" }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function gradeJson(args: string[]): { code: number; report: GradeReport } {
  const r = faultline(["grade", ...args, "--json"]);
  return { code: r.code, report: JSON.parse(r.stdout) as GradeReport };
}

describe("faultline grade", () => {
  it("passes the reference solution with the §6 document, every scenario with a trace hash", () => {
    const { code, report } = gradeJson(["echo", "--target", "solutions"]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ version: 1, target: "solutions", passed: true });
    expect(typeof report.durationMs).toBe("number");
    const ex = report.exercises[0]!;
    expect(ex).toMatchObject({ id: "echo", status: "pass" });
    expect(ex.scenarios.length).toBeGreaterThanOrEqual(2);
    expect(ex.scenarios.some((s) => s.kind === "generative")).toBe(true);
    for (const s of ex.scenarios) {
      expect(s).toMatchObject({ status: "pass", failure: null });
      expect(s.traceHash).toMatch(/^[0-9a-f]{16}$/);
      expect(s.runs).toBeGreaterThan(0);
      expect(typeof s.seed).toBe("number");
    }
  });

  it("reports the untouched stub as not-started and exits 1", () => {
    const { code, report } = gradeJson(["echo", "--target", "exercises"]);
    expect(code).toBe(1);
    expect(report.passed).toBe(false);
    expect(report.exercises[0]!.status).toBe("not-started");
    const f = report.exercises[0]!.scenarios[0]!.failure!;
    expect(f.message).toMatch(/still a todo/);
    expect(f.location).toMatch(/exercises\/echo\/echo\.ts:\d+/);
  });

  it("gives identical trace hashes for the same seed, and different ones for another seed", () => {
    const a = gradeJson(["echo", "--target", "solutions", "--seed", "7"]).report;
    const b = gradeJson(["echo", "--target", "solutions", "--seed", "7"]).report;
    const c = gradeJson(["echo", "--target", "solutions", "--seed", "8"]).report;
    const hashes = (r: GradeReport) => r.exercises[0]!.scenarios.map((s) => s.traceHash);
    expect(hashes(a)).toEqual(hashes(b));
    expect(hashes(a)).not.toEqual(hashes(c));
  });

  it("exits 2 with a clear message on usage errors", () => {
    const unknown = faultline(["grade", "no-such-exercise"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/There is no exercise "no-such-exercise"/);
    const badTarget = faultline(["grade", "echo", "--target", "/nonexistent/dir"]);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toMatch(/no such directory/);
    const badSeed = faultline(["grade", "echo", "--seed", "x"]);
    expect(badSeed.code).toBe(2);
  });

  it("replays a mutant's failure exactly: same failure, same trace hash", async () => {
    const set = await loadMutants(ROOT, "echo");
    const mutant = set.mutants.find((m) => m.name === "ignore-repeats")!;
    const dir = materialize(ROOT, "echo", mutant);
    const { code, report } = gradeJson(["echo", "--target", dir]);
    expect(code).toBe(1);
    const failing = report.exercises[0]!.scenarios.find((s) => s.status === "fail")!;
    const f = failing.failure!;
    expect(f).toMatchObject({ seed: 1 });
    expect(f.replay).toContain("faultline replay echo");
    expect(Array.isArray(f.minimizedSchedule)).toBe(true);
    expect(f.traceFile).toBeTruthy();
    expect(existsSync(join(ROOT, f.traceFile!))).toBe(true);
    const trace = JSON.parse(readFileSync(join(ROOT, f.traceFile!), "utf8")) as { trace: { hash: string } };
    expect(trace.trace.hash).toBe(failing.traceHash);

    // Run the printed replay command (minus "npx faultline") and compare.
    const argv = (f.replay.replace(/^npx faultline /, "").match(/'[^']*'|\S+/g) ?? []).map((a) => a.replace(/^'|'$/g, ""));
    const replay = faultline(argv);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(f.message);
    expect(replay.stdout).toContain(`trace hash: ${failing.traceHash}`);
  });

  it("a raft-kv run that is not linearizable draws its history: in the failure, in the trace file, on the replay's page", async () => {
    const set = await loadMutants(ROOT, "raft-kv");
    const dir = materialize(ROOT, "raft-kv", set.mutants.find((m) => m.name === "no-client-deduplication")!);
    const page = join(ROOT, ".faultline", "raft-kv-history.html");
    const scenario = "under loss, duplication and delay, a retried operation takes effect once (deduplication by client and sequence number)";
    const r = faultline(["replay", "raft-kv", "--scenario", scenario, "--seed", "1", "--target", dir, "--html", page]);
    expect(r.code, r.stderr).toBe(1);
    // The message draws the operations around the failure, in 80 columns, and says where the whole picture is.
    expect(r.stdout).toMatch(/Linearizability: every operation appears to take effect at one instant/);
    expect(r.stdout).toMatch(/╞#\d+/);
    expect(r.stdout).toContain("press H, or add --html FILE");
    const traceFile = /trace: (\S+\.json)/.exec(r.stdout)![1]!;
    const saved = JSON.parse(readFileSync(join(ROOT, traceFile), "utf8")) as { failure: { histories?: { verdict: string; ops: unknown[] }[] } };
    expect(saved.failure.histories?.[0]).toMatchObject({ verdict: "not-linearizable" });
    const html = readFileSync(page, "utf8");
    expect(html).toContain('<section class="history-section"');
    expect(html.match(/<g class="op /g)!.length).toBe(saved.failure.histories![0]!.ops.length);
  }, 180_000);
});

describe("faultline list", () => {
  it("prints valid JSON listing lessons and exercises with status", () => {
    mkdirSync(join(ROOT, ".faultline"), { recursive: true });
    const out = execFileSync(process.execPath, [BIN, "list", "--json"], { cwd: ROOT, encoding: "utf8" });
    const doc = JSON.parse(out) as { lessons: { id: string; exercises: { id: string; status: string; folder?: string }[] }[] };
    expect(doc.lessons[0]!.id).toBe("00-the-lab");
    expect(doc.lessons[0]!.exercises.map((e) => e.id)).toContain("echo");
    expect(["done", "in progress", "not started"]).toContain(doc.lessons[0]!.exercises[0]!.status);
    // The Raft stages name the worksheet folder they share; other exercises carry no such field.
    const all = doc.lessons.flatMap((l) => l.exercises);
    for (const id of ["raft-election", "raft-log", "raft-persist", "raft-snapshot", "raft-kv"]) expect(all.find((e) => e.id === id)?.folder).toBe("raft");
    expect(all.find((e) => e.id === "echo")).not.toHaveProperty("folder");
  });
});
