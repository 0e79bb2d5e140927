// The sandbox's import gate: a vite plugin that refuses, at load time and with
// a verdict that names the file, the modules graded code has no business with
// (files, processes, threads, the network, native code). Learner files may
// import faultline/* and their own files, and harmless builtins.
//
// It applies to the files under the target directory (the learner's code):
// the lab's own modules are trusted and still use what they need.

import { builtinModules } from "node:module";
import { relative } from "node:path";
import type { Plugin } from "vite";

const REFUSED = new Set([
  "fs", "fs/promises", "child_process", "cluster", "worker_threads", "net", "http", "https", "http2", "dgram", "dns", "dns/promises",
  "tls", "inspector", "inspector/promises", "module", "vm", "wasi", "repl", "v8",
]);

const WHY: Record<string, string> = {
  fs: "file access", "fs/promises": "file access", child_process: "child processes", cluster: "child processes", worker_threads: "threads",
  net: "network", http: "network", https: "network", http2: "network", dgram: "network", dns: "network", "dns/promises": "network", tls: "network",
  module: "native code or require()", vm: "code outside the lab", wasi: "native code", inspector: "debugger access", "inspector/promises": "debugger access",
  repl: "interactive shells", v8: "engine internals",
};

export class ImportRefused extends Error {}

/** Why `source`, imported by a learner file, is refused; null if it is fine. */
export function refusal(source: string): string | null {
  const bare = source.replace(/^node:/, "");
  if (REFUSED.has(bare)) return `the sandbox allows no ${WHY[bare] ?? "system access"}`;
  if (source.startsWith("node:") || builtinModules.includes(bare)) return null;
  if (source.startsWith(".") || source.startsWith("/") || source.startsWith("faultline/") || source.startsWith("file:")) return null;
  if (source.startsWith("\0") || source.startsWith("/@")) return null;
  return "graded code may import only faultline/sim and its own files, not packages";
}

/**
 * The module names a module's JavaScript imports (static, re-exports, and
 * dynamic imports with a literal name); `computed` when some import() takes
 * an expression. Run on vite's output for the file, where types are gone.
 */
export function importsOf(code: string): { names: string[]; computed: boolean } {
  const names: string[] = [];
  for (const m of code.matchAll(/\b(?:import|export)\s*(?:type\s+)?(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']/g)) names.push(m[1]!);
  let computed = false;
  for (const m of code.matchAll(/\bimport\s*\(\s*([^)]*)/g)) {
    const lit = /^["']([^"'\n]+)["']\s*(?:,|$)/.exec(m[1]!.trim());
    if (lit) names.push(lit[1]!);
    else computed = true;
  }
  return { names, computed };
}

export function importGate(root: string, target: () => string): Plugin {
  const isLearner = (id: string | undefined) => {
    const t = target();
    return Boolean(t && id && id.startsWith(t + "/"));
  };
  const refuse = (id: string, what: string, why: string): never => {
    const file = relative(root, id) || id;
    throw new ImportRefused(`${file} ${what}, which graded code may not use: ${why}. Remove the import; nodes talk only through ctx.send, and keep state in memory or ctx.disk.`);
  };
  return {
    name: "faultline-import-gate",
    enforce: "post",
    // Builtins never reach resolveId (vitest loads them natively), so the gate reads the compiled file.
    transform(code, id) {
      if (!isLearner(id)) return null;
      const { names, computed } = importsOf(code);
      for (const source of names) {
        const why = refusal(source);
        if (why) refuse(id, `imports ${source}`, why);
      }
      if (computed) refuse(id, "uses import() with a computed module name", "the sandbox must see every module a file loads");
      return null;
    },
    resolveId(source, importer) {
      if (!isLearner(importer)) return null;
      const why = refusal(source);
      if (why) refuse(importer!, `imports ${source}`, why);
      return null;
    },
  };
}
