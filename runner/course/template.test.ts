// The learner's copy (`faultline classroom template`): made from the committed
// course, it holds no reference solution and still validates as a course.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { answersWithheld, loadCourse } from "./course.ts";
import { inLearnerCopy, learnerPackageJson, TemplateError, writeTemplate } from "./template.ts";

const ROOT = join(import.meta.dirname, "..", "..");

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

describe("a learner's copy of the course", () => {
  it("leaves out solutions, mutants and the project's own tests; keeps suites, stubs, lessons and the runner", () => {
    for (const p of ["solutions/echo/echo.ts", "runner/mutants/echo.ts", "runner/grade/cli.test.ts", "runner/tui/screens.test.tsx", "runner/grade/fixtures/leaky-echo/echo/echo.ts", "runner/test-all.ts", "runner/bench/tui.ts", "vitest.config.ts"]) expect(inLearnerCopy(p), p).toBe(false);
    for (const p of ["runner/suites/echo.test.ts", "runner/suites/harness/exercise.ts", "runner/suites/vitest.config.ts", "exercises/echo/echo.ts", "lessons/00-the-lab.md", "runner/cli.ts", "course.json", "package-lock.json"]) expect(inLearnerCopy(p), p).toBe(true);
  });

  it("npm test grades the learner's exercises, and nothing points at the solutions", () => {
    const pkg = learnerPackageJson(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>);
    expect((pkg["scripts"] as Record<string, string>)["test"]).toBe("node bin/faultline.js verify");
    expect(JSON.stringify(pkg)).not.toMatch(/solutions|mutants|soak|bench/);
    // Dependencies stay as they are, so package-lock.json still matches (npm ci).
    expect(pkg["dependencies"]).toEqual(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).dependencies);
  });

  it("is written from git into a new folder: no solution file in it, and it is a valid course", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "faultline-template-")), "learner");
    const { files } = writeTemplate(ROOT, dir);
    const written = walk(dir);
    expect(written.length).toBe(files);
    expect(written.some((p) => p.startsWith("solutions/") || p.startsWith("runner/mutants/"))).toBe(false);
    expect(answersWithheld(dir)).toBe(true);
    const solutions = walk(join(ROOT, "solutions")).map((p) => readFileSync(join(ROOT, "solutions", p)));
    for (const p of written) {
      const data = readFileSync(join(dir, p));
      expect(solutions.some((s) => s.equals(data)), `${p} is a copy of a reference solution`).toBe(false);
    }
    expect(loadCourse(dir).exercises.length).toBe(loadCourse(ROOT).exercises.length);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toMatch(/^> \*\*This is a learner's copy of the course\.\*\*/);
    expect(existsSync(join(dir, "runner", "suites", "echo.test.ts"))).toBe(true);
  });

  it("no code it keeps imports a reference solution (the copy type-checks and runs without them)", () => {
    const files = execFileSync("git", ["ls-files", "runner", "bin", "lessons"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter((p) => /\.(ts|tsx|js)$/.test(p) && inLearnerCopy(p));
    expect(files.length).toBeGreaterThan(50);
    for (const p of files) expect(readFileSync(join(ROOT, p), "utf8"), p).not.toMatch(/from\s+["'](\.\.\/)+solutions\//);
  });

  it("never writes into a folder that holds something", () => {
    const dir = mkdtempSync(join(tmpdir(), "faultline-template-"));
    mkdirSync(join(dir, "x"));
    writeFileSync(join(dir, "x", "keep.txt"), "mine");
    expect(() => writeTemplate(ROOT, dir)).toThrow(TemplateError);
    expect(readdirSync(dir)).toEqual(["x"]);
  });
});
