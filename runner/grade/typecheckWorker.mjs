// The type check's worker (see typecheck.ts). Plain JavaScript: a worker
// starts from a file, and this one must load alike under tsx, from the
// bundled CLI and in the sandbox, none of which compiles it.
//
// The learner's files are untrusted input to the TypeScript compiler, which
// would otherwise read any file they name (`import type` is erased before
// the bundler's path checks, `/// <reference path>`, `typeof import("…")`)
// and print its types — string literals included — in its messages. So the
// compiler host here opens only: the files of the exercise's own folder
// (by real path), TypeScript's standard library, the files the learner
// surface `faultline/sim` itself pulls in, and package.json files inside the
// project (module resolution reads them). Anything else does not exist.

import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { parentPort } from "node:worker_threads";

/** @type {Map<string, { ts: typeof import("typescript"), options: import("typescript").CompilerOptions, surface: Set<string>, libDir: string }>} */
const setups = new Map();

function real(path) {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function within(path, dir) {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/** A file of ours (the standard library, the learner surface), parsed the first time and kept: it never changes while the grader runs. */
function kept(parsedFiles, file, parse) {
  let sf = parsedFiles.get(file);
  if (sf === undefined) {
    sf = parse();
    if (sf) parsedFiles.set(file, sf);
  }
  return sf;
}

function setup(root) {
  let s = setups.get(root);
  if (s) return s;
  const ts = createRequire(join(root, "package.json"))("typescript");
  const read = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, root);
  const options = { ...parsed.options, noEmit: true };
  // What `faultline/sim` brings with it (its own modules, the standard library, @types/node): our own files, parsed once and kept.
  const parsedFiles = new Map();
  const base = ts.createCompilerHost(options, true);
  const trustedHost = { ...base, getSourceFile: (f, lang, onError, create) => kept(parsedFiles, f, () => base.getSourceFile(f, lang, onError, create)) };
  const trusted = ts.createProgram({ rootNames: [join(root, "runner", "sim", "learner.ts")], options, host: trustedHost });
  const surface = new Set(trusted.getSourceFiles().map((f) => real(f.fileName)));
  s = { ts, options, surface, parsedFiles, libDir: real(dirname(ts.getDefaultLibFilePath(options))) };
  setups.set(root, s);
  return s;
}

function check({ root, folder, files, max }) {
  const { ts, options, surface, parsedFiles, libDir } = setup(root);
  const rootReal = real(root);
  const folderReal = real(folder);
  const opens = (path) => {
    const r = real(path);
    return within(r, folderReal) || within(r, libDir) || surface.has(r);
  };
  const manifest = (path) => basename(path) === "package.json" && within(real(path), rootReal);
  const base = ts.createCompilerHost(options, true);
  const host = {
    ...base,
    getSourceFile: (f, lang, onError, create) => {
      if (within(real(f), folderReal)) return base.getSourceFile(f, lang, onError, create); // the learner's: read afresh every time
      return opens(f) ? kept(parsedFiles, f, () => base.getSourceFile(f, lang, onError, create)) : undefined;
    },
    fileExists: (f) => (opens(f) || manifest(f)) && base.fileExists(f),
    readFile: (f) => (opens(f) || manifest(f) ? base.readFile(f) : undefined),
  };
  const program = ts.createProgram({ rootNames: files, options, host });
  const out = [];
  for (const f of files) {
    const sf = program.getSourceFile(f);
    if (!sf) continue;
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      if (out.length >= max) return out;
      const msg = ts.flattenDiagnosticMessageText(d.messageText, " ");
      if (d.file && d.start !== undefined) {
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        out.push(`${relative(root, d.file.fileName)}:${line + 1}:${character + 1} ${msg}`);
      } else out.push(msg);
    }
  }
  return out;
}

parentPort.on("message", (job) => {
  let errors = [];
  try {
    errors = check(job);
  } catch {
    // Code the compiler cannot check (nested past its stack, say) keeps its verdict; the hints are a bonus.
  }
  parentPort.postMessage({ id: job.id, errors });
});
