// The red-team set: submissions that try to escape sandboxed grading, each
// with the verdict that shows it was blocked. Every case is a variant of the
// echo exercise under runner/grade/fixtures/redteam/<case>/echo/echo.ts.
// Run as a script, it grades them all in ONE sandboxed child (as `faultline
// report` would) and prints one JSON line per case; sandbox.test.ts asserts.

import { join } from "node:path";
import type { ExerciseStatus } from "./grade.ts";
import { verdictText } from "./hostile.ts";

export interface RedTeamCase {
  name: string;
  what: string;
  /** Which layer stops it. */
  layer: "import gate" | "hardening" | "permission model";
  status: ExerciseStatus;
  verdict: RegExp;
}

const gate = (mod: string, why: string) =>
  new RegExp(String.raw`runner/grade/fixtures/redteam/[\w-]+/echo/echo\.ts imports ${mod}, which graded code may not use: ${why}\. Remove the import`);

export const REDTEAM: readonly RedTeamCase[] = [
  { name: "read-ssh", what: "read ~/.ssh", layer: "import gate", status: "error", verdict: gate("node:fs", "the sandbox allows no file access") },
  { name: "read-passwd", what: "read /etc/passwd (via process.getBuiltinModule)", layer: "hardening", status: "fail", verdict: /onMessage on n1 threw at t=\d+ ms \(.*read-passwd\/echo\/echo\.ts:\d+\): SandboxError: process\.getBuiltinModule\(\) is not available to graded code/ },
  { name: "env-secret", what: "read a secret from the environment", layer: "hardening", status: "fail", verdict: /SandboxError: process\.env\.FAULTLINE_REDTEAM_SECRET is not available to graded code: graded code runs with an empty environment/ },
  { name: "write-outside", what: "write outside the project", layer: "import gate", status: "error", verdict: gate("node:fs", "the sandbox allows no file access") },
  { name: "spawn", what: "start a child process", layer: "import gate", status: "error", verdict: gate("node:child_process", "the sandbox allows no child processes") },
  { name: "socket", what: "open a socket", layer: "import gate", status: "error", verdict: gate("node:net", "the sandbox allows no network") },
  { name: "fetch", what: "use the network through fetch", layer: "hardening", status: "fail", verdict: /SandboxError: fetch\(\) is not available to graded code: the sandbox has no network/ },
  { name: "addon", what: "load a native addon (createRequire)", layer: "import gate", status: "error", verdict: gate("node:module", "the sandbox allows no native code or require\\(\\)") },
  { name: "dlopen", what: "load a native addon (process.dlopen)", layer: "hardening", status: "fail", verdict: /SandboxError: process\.dlopen\(\) is not available to graded code: native addons cannot run in the sandbox/ },
  { name: "worker", what: "start a worker thread", layer: "import gate", status: "error", verdict: gate("node:worker_threads", "the sandbox allows no threads") },
  { name: "kill-parent", what: "kill the grader process", layer: "hardening", status: "fail", verdict: /SandboxError: process\.kill\(\) is not available to graded code/ },
  { name: "dynamic-import", what: "import child_process under a computed name", layer: "import gate", status: "error", verdict: /runner\/grade\/fixtures\/redteam\/dynamic-import\/echo\/echo\.ts uses import\(\) with a computed module name, which graded code may not use: the sandbox must see every module a file loads/ },
  { name: "package", what: "import a package (esbuild, which spawns)", layer: "import gate", status: "error", verdict: gate("esbuild", "graded code may import only faultline/sim and its own files, not packages") },
];

export const SECRET = "s3cr3t-do-not-leak-4242";

export interface RedTeamResult {
  name: string;
  status: ExerciseStatus;
  verdict: string;
  /** Whether SECRET appears anywhere in the report. */
  leaked: boolean;
  ms: number;
}

async function main(names: string[]): Promise<void> {
  const { ROOT } = await import("./grade.ts");
  const { gradeSandboxedMany } = await import("./sandbox.ts");
  const cases = REDTEAM.filter((c) => names.length === 0 || names.includes(c.name));
  // The secret is in OUR environment: the sandbox must not pass it on.
  process.env["FAULTLINE_REDTEAM_SECRET"] = SECRET;
  const started = performance.now();
  const reports = await gradeSandboxedMany(cases.map((c) => ({ ids: ["echo"], target: join(ROOT, "runner", "grade", "fixtures", "redteam", c.name), runs: 5 })));
  const ms = Math.round((performance.now() - started) / cases.length);
  cases.forEach((c, i) => {
    const r = reports[i]!;
    const result: RedTeamResult = { name: c.name, ...verdictText(r), leaked: JSON.stringify(r).includes(SECRET), ms };
    process.stdout.write(JSON.stringify(result) + "\n");
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
