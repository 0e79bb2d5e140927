// `faultline classroom template DIR`: a learner's copy of the course, for a
// GitHub Classroom template repository or a workshop's handout. It holds the
// committed course (lessons, stubs, suites, the runner) without what gives the
// answers away: no solutions/, no mutants (each is a small edit of a
// solution), and none of the project's own tests and benchmarks, which need
// the solutions. Every command, lesson cell and `npm start` works there;
// `npm test` grades the learner's exercises; `faultline solution` says the
// answers were withheld.

import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { committedFiles } from "./committed.ts";

/** Why each kind of file stays out of a learner's copy. */
export const WITHHELD: readonly { what: string; why: string; matches(path: string): boolean }[] = [
  { what: "solutions/", why: "the reference solutions", matches: (p) => p.startsWith("solutions/") },
  { what: "runner/mutants/", why: "each mutant is a solution with one bug put back", matches: (p) => p.startsWith("runner/mutants/") },
  {
    what: "the project's own tests, fixtures and benchmarks",
    why: "they grade and time the solutions",
    matches: (p) =>
      (/\.test\.tsx?$/.test(p) && !/^runner\/suites\/[^/]+\.test\.ts$/.test(p)) ||
      /^runner\/[^/]+\/fixtures\//.test(p) ||
      p.startsWith("runner/bench") ||
      ["runner/test-all.ts", "runner/testEnv.ts", "runner/grade/soak.ts", "runner/grade/hostile.ts", "runner/grade/redteam.ts", "vitest.config.ts"].includes(p) ||
      p.startsWith(".ci/"),
  },
];

export function inLearnerCopy(path: string): boolean {
  return !WITHHELD.some((w) => w.matches(path));
}

/** package.json for the learner's copy: `npm test` grades their exercises; no script or export points at what is withheld. */
export function learnerPackageJson(pkg: Record<string, unknown>): Record<string, unknown> {
  const scripts = { ...(pkg["scripts"] as Record<string, string>) };
  for (const name of ["bench", "soak", "mutants", "unit"]) delete scripts[name];
  scripts["test"] = "node bin/faultline.js verify";
  const exports = Object.fromEntries(Object.entries((pkg["exports"] as Record<string, string>) ?? {}).filter(([k]) => !k.startsWith("./solutions")));
  return { ...pkg, scripts, exports };
}

const NOTE = `> **This is a learner's copy of the course.** Your instructor has withheld the
> reference solutions (\`faultline solution\` says so): the suites, hints and
> lessons are all here. \`npm start\` opens the course; \`npm test\` grades your
> exercises (\`faultline verify\`).

`;

export class TemplateError extends Error {}

/** Writes the learner's copy into `dir` (which must not exist, or be empty); returns how many files it wrote. */
export function writeTemplate(root: string, dir: string): { files: number } {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new TemplateError(`${dir} is not empty: choose a new folder (nothing is ever overwritten).`);
  const files = committedFiles(root);
  if (files === null) throw new TemplateError("The template is made from the committed course (so that nothing you tried out leaks into it), and this is not a git checkout. Run it in a clone of the course repository.");
  let n = 0;
  for (const f of files) {
    if (!inLearnerCopy(f.path)) continue;
    let data: Buffer | string = f.data;
    if (f.path === "package.json") data = JSON.stringify(learnerPackageJson(JSON.parse(f.data.toString("utf8")) as Record<string, unknown>), null, 2) + "\n";
    else if (f.path === "README.md") data = NOTE + f.data.toString("utf8");
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), data, { mode: f.executable ? 0o755 : 0o644 });
    n++;
  }
  return { files: n };
}
