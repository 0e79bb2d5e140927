// Compiling the learner's files for a compartment. Each file a suite loads is
// bundled with esbuild — TypeScript stripped, the learner's own imports
// inlined, every loop marked for hang verdicts (loopMarks.ts) — into one
// module body: a script that takes `require` (which knows only
// `faultline/sim`) and returns the module's exports. (ES-module output with
// its one import and one export statement rewritten, rather than esbuild's
// CommonJS form: a node is built by running the body afresh, and CommonJS
// interop's getters made that three to four times slower.)
// Resolution is ours, not Node's: a learner file may import
//
//   - `faultline/sim` (the learner surface: types and todo), and
//   - files of its own exercise folder, by relative path, judged by their
//     REAL path (a symlink or a path that climbs out is refused), that are
//     not the reference solution under another name (a hard link);
//
// nothing else: no packages, no node: builtins, no require(), no import().
// A refusal says which file, which line and what to do.
//
// This runs in the grader's own process (it spawns esbuild's service, which a
// sandboxed worker may not), and the script travels to the workers as data;
// the suite's worker evaluates it in a compartment (compartment.ts).

import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import type { Message, Plugin } from "esbuild";
import { LoopMarks, markLoops, MAX_NESTING, tooDeep } from "./loopMarks.ts";

/** A learner file compiled for a compartment, or why it could not be. */
export type LearnerBundle =
  | {
      ok: true;
      /** The entry file, absolute. */
      file: string;
      /** The module body: uses `require("faultline/sim")`, ends by returning the exports object. */
      code: string;
      /** Source map mappings (v3) of `code`, and its sources as absolute paths. */
      mappings: string;
      sources: string[];
    }
  | {
      ok: false;
      file: string;
      /** What went wrong, where, and what to do: shown to the learner as the exercise's error. */
      error: string;
      /** file:line, relative to the project, when there is one. */
      location: string | null;
    };

/** Where learner files live for one exercise, and how to name them in messages. */
export interface BundleRequest {
  /** The project root (paths in messages are relative to it). */
  root: string;
  /** The exercise folder, absolute (`<target>/<folder>`). */
  folder: string;
  /** Entry files, absolute, inside `folder`. */
  entries: readonly string[];
  /** Loop-mark numbering shared with the watchdog (a fresh one if absent). */
  marks?: LoopMarks;
  /** The reference solutions' folder, whose files a learner file may not be (hard links). Absent: no check. */
  solutions?: string | null;
}

const LEARNER = "faultline-learner-file";
const SIM = "faultline/sim";

function rel(root: string, p: string): string {
  const r = relative(root, p);
  return r && !r.startsWith("..") ? r : p;
}

/** Every file's identity (device and inode) under a folder: a learner file that IS one of these is a hard link. */
function fileIdentities(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const d of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!d.isFile()) continue;
    const p = join(d.parentPath, d.name);
    const st = statSync(p);
    out.set(`${st.dev}:${st.ino}`, p);
  }
  return out;
}

/** The folder as it really is, or a refusal when it is a link to somewhere else. */
function realFolder(root: string, folder: string): { ok: true; real: string } | { ok: false; error: string } {
  if (!existsSync(folder)) return { ok: false, error: `Could not find ${rel(root, folder)}/.` };
  const st = lstatSync(folder);
  if (st.isSymbolicLink())
    return { ok: false, error: `${rel(root, folder)} is a symbolic link (to ${rel(root, realpathSync(folder))}). The grader reads only files that are really in your exercise folder: make it a folder of your own.` };
  const real = realpathSync(folder);
  const parent = realpathSync(dirname(folder));
  if (real !== join(parent, relative(dirname(folder), folder))) return { ok: false, error: `${rel(root, folder)} is not a plain folder: the grader reads only files that are really in your exercise folder.` };
  return { ok: true, real };
}

const CANDIDATE_SUFFIXES = ["", ".ts", ".tsx", ".js", ".mjs", ".json", "/index.ts", "/index.js"];

/** The file a relative import names, with TypeScript's habit of writing `.js` for a `.ts` file. */
function findFile(base: string): string | null {
  const tries = CANDIDATE_SUFFIXES.map((s) => base + s);
  if (/\.[cm]?js$/.test(base)) tries.push(base.replace(/\.([cm]?)js$/, ".$1ts"));
  for (const t of tries) if (existsSync(t) && statSync(t).isFile()) return t;
  return null;
}

function refusalFor(spec: string, kind: string, folderName: string): string {
  if (kind === "dynamic-import") return `import() is not available to graded code: import what you need at the top of the file (only faultline/sim and files of ${folderName}/).`;
  if (kind === "require-call" || kind === "require-resolve") return `require() is not available to graded code: use import, and only for faultline/sim and files of ${folderName}/.`;
  const bare = spec.replace(/^node:/, "");
  if (spec.startsWith("node:") || /^(fs|path|os|child_process|worker_threads|net|http|https|crypto|vm|module|process|util|events|stream|timers|perf_hooks|v8|inspector|dns|tls|dgram|cluster|readline|repl|zlib|buffer|url|assert|async_hooks|wasi)(\/|$)/.test(bare))
    return `"${spec}" is part of Node.js, which graded code cannot use: nodes talk only through ctx, and run in the lab with no files, processes or network. Import only faultline/sim and files of ${folderName}/.`;
  return `"${spec}" cannot be imported by graded code: import only faultline/sim and files of your exercise folder (${folderName}/), by a relative path.`;
}

/** The esbuild plugin that enforces the rules above. */
function learnerPlugin(req: BundleRequest, realDir: string, marks: LoopMarks, solutionFiles: Map<string, string>): Plugin {
  const folderName = rel(req.root, req.folder);
  const inside = (p: string) => p.startsWith(realDir + sep);
  return {
    name: "faultline-learner",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point") return { path: args.path, namespace: LEARNER };
        if (args.path === SIM && (args.kind === "import-statement" || args.kind === "require-call")) return { path: SIM, external: true };
        if (args.kind === "dynamic-import" || args.kind === "require-call" || args.kind === "require-resolve") return { errors: [{ text: refusalFor(args.path, args.kind, folderName) }] };
        if (!args.path.startsWith("./") && !args.path.startsWith("../")) return { errors: [{ text: refusalFor(args.path, args.kind, folderName) }] };
        const found = findFile(resolve(args.resolveDir, args.path));
        if (!found) return { errors: [{ text: `Could not find "${args.path}" next to ${rel(req.root, args.importer)}: check the file name (imports are relative to the importing file).` }] };
        const real = realpathSync(found);
        if (!inside(real))
          return { errors: [{ text: `"${args.path}" is outside your exercise folder (it is ${rel(req.root, real)}): graded code may import only faultline/sim and files that are really in ${folderName}/ (a symbolic link does not count).` }] };
        return { path: real, namespace: LEARNER };
      });
      build.onLoad({ filter: /.*/, namespace: LEARNER }, (args) => {
        const path = args.path;
        const real = realpathSync(path);
        if (!inside(real)) return { errors: [{ text: `${rel(req.root, path)} is really ${rel(req.root, real)}, outside your exercise folder: the grader reads only files that are really in ${folderName}/.` }] };
        const st = statSync(real);
        const twin = solutionFiles.get(`${st.dev}:${st.ino}`);
        if (twin) return { errors: [{ text: `${rel(req.root, path)} is the reference solution's own file (a hard link to ${rel(req.root, twin)}): write your own.` }] };
        const ext = extname(real).slice(1);
        const source = readFileSync(real, "utf8");
        if (ext === "json") return { contents: source, loader: "json", resolveDir: dirname(real) };
        const lang = ext === "tsx" || ext === "jsx" ? ext : ext === "js" || ext === "mjs" ? "js" : "ts";
        const deep = tooDeep(source);
        if (deep !== null) return { errors: [{ text: `${rel(req.root, path)} nests brackets, blocks or calls more than ${MAX_NESTING} deep (around line ${deep}): the grader cannot read code nested that deep. Flatten it: build deep data with a loop, not a literal.` }] };
        const marked = markLoops(source, marks.fileNumber(real), lang);
        return { contents: marked?.code ?? source, loader: lang, resolveDir: dirname(real) };
      });
    },
  };
}

/** A learner-facing message for esbuild's first error. */
function explain(root: string, m: Message): { error: string; location: string | null } {
  const loc = m.location;
  const file = loc?.file ? rel(root, loc.file.replace(new RegExp(`^${LEARNER}:`), "")) : null;
  const where = file && loc ? `${file}:${loc.line}` : null;
  const text = m.text.replace(/`/g, "");
  if (/Top-level await/i.test(text))
    return { error: `Your code could not be loaded${where ? ` (${where})` : ""}: top-level await is not allowed. A module loads all at once and handlers are synchronous: remove the await and react to messages and timers instead.`, location: where };
  if (m.pluginName === "faultline-learner" || /cannot be imported|is not available to graded code|outside your exercise folder|is part of Node\.js|Could not find|reference solution|symbolic link/.test(text))
    return { error: `${where ? `${where}: ` : ""}${text}`, location: where };
  // Anything else esbuild reports is the file failing to parse.
  return { error: `Your code could not be loaded: syntax error${where ? ` at ${file}:${loc!.line}:${loc!.column + 1}` : ""}: ${text}. Fix it (your editor marks the spot) and grade again.`, location: where };
}

/**
 * esbuild's ES-module output as a function body: its imports (only ever of
 * faultline/sim, at the top, one per line) become `require` calls on the
 * same line, so no line moves; its one closing `export { … }` becomes a
 * `return` of the exports.
 */
export function moduleBody(esm: string): string | { error: string } {
  let code = esm.replace(/^import (.*) from "faultline\/sim";$/gm, (_line, clause: string) => {
    const ns = /^\* as (\w+)$/.exec(clause);
    if (ns) return `const ${ns[1]} = require("faultline/sim");`;
    const named = /^\{([^}]*)\}$/.exec(clause);
    if (named) return `const {${named[1]!.replace(/\bas\b/g, ":")}} = require("faultline/sim");`;
    return `const ${clause} = require("faultline/sim").default;`;
  });
  code = code.replace(/^import "faultline\/sim";$/gm, "");
  const m = /\nexport \{([^}]*)\};\s*$/.exec(code);
  let exported = "";
  if (m) {
    exported = m[1]!
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const [local, as] = s.split(/\s+as\s+/);
        return `${JSON.stringify(as ?? local)}: ${local}`;
      })
      .join(", ");
    code = code.slice(0, m.index);
  }
  // SES refuses a script holding "<!--", "-->" or "import(" anywhere, even in a string; in esbuild's output they appear only in literals (strings, templates, regexps), where these escapes spell the same characters.
  code = code.replace(/<!--|-->|\bimport(?=\s*(?:\(|\/[/*]))/g, (m) => (m === "<!--" ? "\\x3C!--" : m === "-->" ? "--\\x3E" : "impor\\u0074"));
  if (/^\s*(import|export)\b/m.test(code)) return { error: "this module uses an import or export form the grader cannot load. Use plain `import { … } from \"./file.ts\"` and `export function/const/class`." };
  return `${code}\nreturn { ${exported} };`;
}

/** Bundles each entry of one exercise folder. Never throws for the learner's mistakes: each result says ok or why not. */
export async function bundleLearnerFiles(req: BundleRequest): Promise<LearnerBundle[]> {
  const esbuild = await import("esbuild");
  const marks = req.marks ?? new LoopMarks(req.root);
  const folder = realFolder(req.root, req.folder);
  if (!folder.ok) return req.entries.map((file) => ({ ok: false, file, error: folder.error, location: null }));
  const solutionFiles = req.solutions ? fileIdentities(req.solutions) : new Map<string, string>();
  const out: LearnerBundle[] = [];
  for (const file of req.entries) {
    if (!existsSync(file)) {
      out.push({ ok: false, file, error: `Could not find ${rel(req.root, file)}.`, location: null });
      continue;
    }
    try {
      const r = await esbuild.build({
        entryPoints: [file],
        bundle: true,
        write: false,
        outfile: join(folder.real, "__faultline_bundle.js"),
        format: "esm",
        platform: "neutral",
        target: "es2022",
        // Top-level await has no meaning for a module that loads all at once (explain() says so).
        supported: { "top-level-await": false },
        legalComments: "none",
        sourcemap: "external",
        sourcesContent: false,
        logLevel: "silent",
        charset: "utf8",
        plugins: [learnerPlugin(req, folder.real, marks, solutionFiles)],
      });
      const js = r.outputFiles.find((f) => f.path.endsWith(".js"))!;
      const body = moduleBody(js.text);
      if (typeof body !== "string") {
        out.push({ ok: false, file, error: `${rel(req.root, file)}: ${body.error}`, location: null });
        continue;
      }
      const map = JSON.parse(r.outputFiles.find((f) => f.path.endsWith(".map"))!.text) as { sources: string[]; mappings: string };
      const sources = map.sources.map((s) => resolve(folder.real, s.replace(new RegExp(`^${LEARNER}:`), "")));
      out.push({ ok: true, file, code: body, mappings: map.mappings, sources });
    } catch (e) {
      const errors = (e as { errors?: Message[] }).errors;
      if (errors?.length) out.push({ ok: false, file, ...explain(req.root, errors[0]!) });
      else throw e;
    }
  }
  return out;
}
