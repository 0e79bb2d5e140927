// Type errors in the learner's files, found with the TypeScript compiler API
// on just those files (plus what they import), using the project's tsconfig.
//
// Why only when an exercise does not pass, and as advice rather than a gate:
// tsx runs code that does not type-check, and a learner mid-way through an
// exercise often has a half-typed helper that is never reached; refusing to
// grade would hide the feedback they need. But when a scenario fails or the
// code cannot run, a type error is the likeliest cause (a misspelt field is
// `undefined` at run time), so the grader shows the type errors first.

import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

type TS = typeof import("typescript");

let ts: TS | null | undefined;
function typescript(root: string): TS | null {
  if (ts === undefined) {
    try {
      ts = createRequire(join(root, "package.json"))("typescript") as TS;
    } catch {
      ts = null; // not installed (a production install): no type check, no harm
    }
  }
  return ts;
}

/** The .ts files of one exercise folder (e.g. <target>/raft). */
export function learnerFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.tsx?$/.test(d.name) && !d.name.endsWith(".d.ts"))
    .map((d) => join(d.parentPath, d.name));
}

// Reused across calls (watch mode): unchanged files are not parsed again.
let previous: import("typescript").Program | undefined;

/** "file:line:col message" for each type error in `files` (at most `max`). */
export function typeErrors(root: string, files: readonly string[], max = 8): string[] {
  const t = typescript(root);
  if (!t || files.length === 0) return [];
  const configPath = join(root, "tsconfig.json");
  const read = t.readConfigFile(configPath, t.sys.readFile);
  const parsed = t.parseJsonConfigFileContent(read.config ?? {}, t.sys, root);
  const program = t.createProgram({ rootNames: [...files], options: { ...parsed.options, noEmit: true }, ...(previous ? { oldProgram: previous } : {}) });
  previous = program;
  const out: string[] = [];
  for (const f of files) {
    const sf = program.getSourceFile(f);
    if (!sf) continue;
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    for (const d of diags) {
      if (out.length >= max) return out;
      const msg = t.flattenDiagnosticMessageText(d.messageText, " ");
      if (d.file && d.start !== undefined) {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        out.push(`${relative(root, d.file.fileName)}:${line + 1}:${character + 1} ${msg}`);
      } else out.push(msg);
    }
  }
  return out;
}
