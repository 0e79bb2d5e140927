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
  fs: "files", "fs/promises": "files", child_process: "child processes", cluster: "child processes", worker_threads: "threads",
  net: "the network", http: "the network", https: "the network", http2: "the network", dgram: "the network", dns: "the network",
  "dns/promises": "the network", tls: "the network", module: "loading native code", vm: "running code outside the lab", wasi: "native code",
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

export function importGate(root: string, target: string): Plugin {
  const isLearner = (id: string | undefined) => Boolean(id && (id.startsWith(target + "/") || id === target));
  return {
    name: "faultline-import-gate",
    enforce: "pre",
    resolveId(source, importer) {
      if (!isLearner(importer)) return null;
      const why = refusal(source);
      if (!why) return null;
      const file = relative(root, importer!) || importer!;
      throw new ImportRefused(`${file} imports ${source}, which graded code may not use: ${why}. Remove the import; nodes talk only through ctx.send, and keep state in memory or ctx.disk.`);
    },
  };
}
