// How a notebook cell loads a learner's exercise code. Learner code is
// untrusted, so a cell loads it under the rules graded code lives by: a file
// may import only `faultline/sim` and files in its own exercise folder
// (checked on the compiled JavaScript of every file it reaches, before any of
// it runs); it runs in the cell's own child process (cells.ts), under the
// cell's time limit, and its handlers run under the simulator's determinism
// guard like any node's.
//
// This is the ONE place a cell loads learner code: when graded code moves
// into hardened compartments (issues 14 and 15), `loadLearnerModule` is what
// switches to the compartment loader.

import { readFileSync, realpathSync } from "node:fs";
import { dirname, extname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { transformSync } from "esbuild";
import { importsOf } from "../grade/importGate.ts";

export class LearnerCodeError extends Error {
  override name = "LearnerCodeError";
}

/** The modules learner code may import by name. */
const ALLOWED = new Set(["faultline/sim"]);

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")];
  for (const c of candidates) {
    try {
      return realpathSync(c);
    } catch {
      // try the next spelling
    }
  }
  return null;
}

/**
 * Checks every file `entry` reaches: imports only of faultline/sim and of
 * files inside `dir` (by real path, so a symlink out of the folder is caught).
 */
export function checkLearnerImports(root: string, dir: string, entry: string): void {
  const home = realpathSync(dir);
  const shown = (f: string) => relative(root, f) || f;
  const seen = new Set<string>();
  const queue = [realpathSync(join(dir, entry))];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const loader = extname(file) === ".tsx" ? "tsx" : extname(file) === ".js" || extname(file) === ".mjs" ? "js" : "ts";
    let js: string;
    try {
      // As tsx runs it under the project's tsconfig: every value import stays, even an unused one.
      js = transformSync(readFileSync(file, "utf8"), { loader, format: "esm", sourcefile: file, tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } } }).code;
    } catch (e) {
      throw new LearnerCodeError(`${shown(file)} does not compile: ${(e as Error).message.split("\n")[1] ?? (e as Error).message}`);
    }
    const { names, computed } = importsOf(js);
    if (computed) throw new LearnerCodeError(`${shown(file)} uses import() with a computed name; a cell loads your code only when it can see every module it imports.`);
    for (const name of names) {
      if (ALLOWED.has(name)) continue;
      if (!name.startsWith(".")) throw new LearnerCodeError(`${shown(file)} imports ${name}; your exercise code may import only faultline/sim and files in ${shown(home)}/.`);
      const target = resolveLocal(file, name);
      if (!target) throw new LearnerCodeError(`${shown(file)} imports ${name}, which does not exist.`);
      if (relative(home, target).startsWith("..")) throw new LearnerCodeError(`${shown(file)} imports ${name}, which is outside ${shown(home)}/; your exercise code may import only files in its own folder.`);
      queue.push(target);
    }
  }
}

/** The learner's module `exercises/<folder>/<file>` (`path` is "<folder>/<file>"), checked and loaded (see above). */
export async function loadLearnerModule(root: string, path: string): Promise<Record<string, unknown>> {
  const [folder, ...rest] = path.split("/");
  const dir = join(root, "exercises", folder!);
  checkLearnerImports(root, dir, rest.join("/"));
  return (await import(pathToFileURL(join(dir, ...rest)).href)) as Record<string, unknown>;
}
