// Sandboxed grading (runner/grade/sandbox.ts): the permission layer on its
// own. A process started with the sandbox's flags and environment cannot
// read outside the project, write outside the trace directory, start
// processes, or see the environment's secrets. (Submissions that try all of
// this and more, graded with and without --sandbox, are the red-team
// catalogue: runner/grade/redteam.ts, redteam.test.ts.)

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET } from "./redteam.ts";
import { outOfMemory, permissionFlags, scrubbedEnv } from "./sandbox.ts";
import { isolatedEnv } from "../testEnv.ts";

const ROOT = join(import.meta.dirname, "..", "..");

describe("the permission layer (the sandbox's node flags and environment)", () => {
  const dir = mkdtempSync(join(tmpdir(), "faultline-sandbox-"));
  const traces = join(dir, "traces");
  const probe = join(dir, "probe.mjs");
  let out: Record<string, string> = {};

  beforeAll(() => {
    writeFileSync(
      probe,
      `
      import { readFileSync, writeFileSync } from "node:fs";
      import { execFileSync } from "node:child_process";
      const r = {};
      const attempt = (name, f) => { try { f(); r[name] = "allowed"; } catch (e) { r[name] = e.code ?? e.message; } };
      attempt("read /etc/passwd", () => readFileSync("/etc/passwd"));
      attempt("read ~/.ssh", () => readFileSync(${JSON.stringify(join(homedir(), ".ssh", "id_rsa"))}));
      attempt("read the project", () => readFileSync(${JSON.stringify(join(ROOT, "package.json"))}));
      attempt("write outside", () => writeFileSync(${JSON.stringify(join(dir, "outside.txt"))}, "x"));
      attempt("write traces", () => writeFileSync(${JSON.stringify(join(traces, "t.json"))}, "{}"));
      attempt("spawn", () => execFileSync("/bin/true"));
      r["secret"] = process.env.FAULTLINE_REDTEAM_SECRET ?? "absent";
      console.log(JSON.stringify(r));
    `,
    );
    mkdirSync(traces, { recursive: true }); // the grader makes it before it starts the sandbox
    const flags = permissionFlags({ root: ROOT, readable: [probe], writable: [traces] });
    const r = spawnSync(process.execPath, [...flags, probe], { cwd: ROOT, encoding: "utf8", env: scrubbedEnv({ ...process.env, FAULTLINE_REDTEAM_SECRET: SECRET }) });
    out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as Record<string, string>;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("denies reading outside the project (/etc/passwd, ~/.ssh) and allows the project", () => {
    expect(out["read /etc/passwd"]).toBe("ERR_ACCESS_DENIED");
    expect(out["read ~/.ssh"]).toBe("ERR_ACCESS_DENIED");
    expect(out["read the project"]).toBe("allowed");
  });
  it("denies writing anywhere but the trace directory", () => {
    expect(out["write outside"]).toBe("ERR_ACCESS_DENIED");
    expect(out["write traces"]).toBe("allowed");
  });
  it("denies child processes", () => {
    expect(out["spawn"]).toBe("ERR_ACCESS_DENIED");
  });
  it("passes no secrets from the environment", () => {
    expect(out["secret"]).toBe("absent");
    expect(Object.keys(scrubbedEnv({ PATH: "/bin", AWS_SECRET_ACCESS_KEY: "x", GITHUB_TOKEN: "y", HOME: "/root" })).sort()).toEqual(["FAULTLINE_SANDBOX", "PATH", "TSX_DISABLE_CACHE"]);
  });
});

describe("a sandboxed grader that ran out of memory", () => {
  it("is an error verdict for the exercise that was running, and 'not graded' for the others — never a pass, never an internal error", () => {
    const r = outOfMemory({ ids: ["g-counter", "echo"], seed: 3 }, "DIR", ["echo"]);
    expect(r.passed).toBe(false);
    expect(r.exercises.map((e) => e.status)).toEqual(["error", "error"]);
    expect(r.exercises[1]!.error).toMatch(/^Grading stopped: the sandboxed grader ran out of memory while running this code, and V8 ended it\. Look for memory that grows/);
    expect(r.exercises[0]!.error).toBe("Not graded: grading stopped when echo ran out of memory (its report says more). Grade g-counter on its own.");
  });

  it("names no culprit it cannot know: with nothing known to be running, every exercise gets the verdict", () => {
    const r = outOfMemory({ ids: ["echo"] }, "DIR", []);
    expect(r.exercises[0]!.error).toMatch(/^Grading stopped: the sandboxed grader ran out of memory while running this code, and V8/);
  });
});
