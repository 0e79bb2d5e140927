import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ROOT } from "./grade.ts";
import { learnerFiles, typeErrors } from "./typecheck.ts";

// The type check reads learner files, which are untrusted input to the
// compiler: it must open nothing but the exercise's folder, the standard
// library and the learner surface, and a type that explodes must cost a
// bounded time and leave the grader working.

const scratch = mkdtempSync(join(tmpdir(), "faultline-typecheck-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const NODE = `import type { Ctx, Node } from "faultline/sim";
export function createNode(ctx: Ctx<string>): Node<string> {
  return { onMessage(from, msg) { ctx.send(from, msg); } };
}
`;

/** An exercise folder holding echo.ts with `extra` appended; returns the folder. */
function folder(name: string, extra: string): string {
  const dir = join(scratch, name, "echo");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "echo.ts"), NODE + extra);
  return dir;
}

describe("the type check", () => {
  test("names the learner's own line and what is wrong there", async () => {
    const dir = folder("plain", `export const n: number = "one";\n`);
    const errors = await typeErrors(ROOT, dir, learnerFiles(dir));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/echo\/echo\.ts:5:14 Type 'string' is not assignable to type 'number'/);
  });

  test("opens no file outside the exercise folder: answers, secrets and the grader's own modules read as missing", async () => {
    const secret = join(scratch, "secret.json");
    writeFileSync(secret, JSON.stringify({ apiKeyOfTheMachine: "s3cr3t" }));
    const sol = (p: string) => JSON.stringify(join(ROOT, "solutions", p));
    const dir = folder(
      "reads",
      [
        `/// <reference path=${sol("echo/echo.ts")} />`,
        `import type * as Answer from ${sol("two-phase-commit/twoPhaseCommit.ts")};`,
        `export const a: number = null as unknown as keyof typeof Answer;`,
        `export const b: number = null as unknown as typeof import("faultline/solutions/vector-clock/clock.ts");`,
        `export const c: number = null as unknown as typeof import(${JSON.stringify(secret)});`,
        `export const d: number = null as unknown as typeof import("./peek.ts");`,
        `export const e: number = null as unknown as typeof import(${JSON.stringify(join(ROOT, "runner", "suites", "harness", "exercise.ts"))});`,
      ].join("\n") + "\n",
    );
    // A symbolic link inside the folder is read at its real path, which is outside.
    symlinkSync(join(ROOT, "solutions", "fd-phi", "phi.ts"), join(dir, "peek.ts"));
    const errors = (await typeErrors(ROOT, dir, [join(dir, "echo.ts")], { max: 50 })).join("\n");
    for (const answer of ["createCoordinator", "VectorClock", "apiKeyOfTheMachine", "HeartbeatHistory", "exercise<", "Lab"]) expect(errors).not.toContain(answer);
    expect(errors.match(/Cannot find module|not found/g)?.length).toBeGreaterThanOrEqual(5);
  });

  test("a type that explodes ends at the time limit with no hints, and the next check works", async () => {
    const dir = folder("explodes", [`type D = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9";`, "type Slow<T> = T extends `${infer A}${infer B}${infer C}` ? [A, B, C] : never;", ...Array.from({ length: 12 }, (_, i) => `export const y${i}: Slow<\`\${D}\${D}\${D}\${D}\`> = null as unknown as Slow<\`\${D}\${D}\${D}\${D}s${i}\`>;`)].join("\n") + "\n");
    const started = Date.now();
    expect(await typeErrors(ROOT, dir, learnerFiles(dir), { timeoutMs: 3000 })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(60_000);
    const plain = join(scratch, "plain", "echo");
    expect(await typeErrors(ROOT, plain, learnerFiles(plain))).toHaveLength(1);
  }, 120_000);
});
