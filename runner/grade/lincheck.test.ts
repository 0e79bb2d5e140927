// `faultline lincheck` through the real binary, as a user or a script calls
// it: the three formats, the exit codes (0 linearizable, 1 not, 2 usage or
// input error, 3 unknown), the error that names the line, the picture in
// plain text and as a page. Histories are generated into a temporary folder.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { C50_SHAPE, linearizableKvHistory, porcupineKvLog, staleRead } from "../check/syntheticHistory.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "faultline-lincheck-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lincheck(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "faultline.js"), "lincheck", ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FAULTLINE_NO_PROGRESS: "1" }, timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

const shape = { ...C50_SHAPE, clients: 10, opsPerClient: 30 };
const ok = linearizableKvHistory(4, shape);

describe("faultline lincheck", () => {
  it("exits 0 when every history is linearizable, 1 when one is not, and draws why with --explain", () => {
    const good = file("ok.txt", porcupineKvLog(ok));
    const bad = file("bad.txt", porcupineKvLog(staleRead(ok, 4)));
    expect(lincheck(["--format", "porcupine-kv", good])).toMatchObject({ code: 0, stdout: `${good} linearizable\n` });
    const r = lincheck(["--format", "porcupine-kv", "--explain", good, bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${bad} not-linearizable`);
    expect(r.stdout).toMatch(/no order of these \d+ operations respects both real time and the model/);
    expect(r.stdout).toMatch(/time → +▼ no order gets past here|no order gets past here ▼/);
    expect(r.stdout).toContain("╞═╡ cannot be placed");
    // The picture fits 80 columns (the explanation's prose may wrap).
    for (const line of r.stdout.split("\n").filter((l) => /[├┤╞╡┊▼]/.test(l))) expect([...line].length, line).toBeLessThanOrEqual(80);
  });

  it("exits 3 when a budget runs out before the answer, and says which", () => {
    const r = lincheck(["--format", "porcupine-kv", "--budget", "20", "--explain", file("ok2.txt", porcupineKvLog(ok))]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/unknown\n.*search budget of 20 steps used up/);
  });

  it("exits 2 for input it cannot read, naming the line and the format", () => {
    const broken = file("broken.txt", `${porcupineKvLog(ok.slice(0, 2))}\n{:process 3, :type :invoke, :f :get, :value nil}\n`);
    const r = lincheck(["--format", "porcupine-kv", broken]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`${broken} error: line 5: the operation has no :key field`);
    expect(r.stdout).toContain("Is it in the porcupine-kv format");
    expect(lincheck(["--format", "porcupine-kv", join(dir, "missing.txt")]).stdout).toMatch(/missing\.txt error: cannot read it/);
    const usage = lincheck(["--format", "knossos", broken]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--format knossos: unknown history format. Formats: jepsen-cas, jepsen-kv, porcupine-kv.");
  });

  it("reads Jepsen's independent-key histories, and writes the picture as a page with --html", () => {
    const history = file(
      "jepsen.edn",
      ["{:process 0, :type :invoke, :f :write, :value [1 3]}", "{:process 0, :type :ok, :f :write, :value [1 3]}", "{:process 1, :type :invoke, :f :read, :value [1 nil]}", "{:process 1, :type :ok, :f :read, :value [1 nil]}"].join("\n"),
    );
    const page = join(dir, "out", "page.html");
    const r = lincheck(["--format", "jepsen-kv", "--html", page, history]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`HTML picture written to ${page}`);
    const html = readFileSync(page, "utf8");
    expect(html).toContain('<section class="history-section"');
    expect(html).toContain("read(1) -&gt; null");
  });
});
