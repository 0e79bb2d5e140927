#!/usr/bin/env node
// Builds dist/faultline.js (and dist/chunks/): the CLI and TUI as one ES module, so that the
// `faultline` command starts in a fraction of the time tsx needs to compile
// hundreds of modules (DESIGN §10). Run by npm's `prepare` on `npm install`
// and `npm ci`; bin/faultline.js falls back to tsx when the bundle is missing
// or older than any source it was built from. Learner code, suites and cells
// never go through the bundle: they still run with tsx/vitest.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist", "faultline.js");

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  console.warn("faultline: esbuild is not installed; the CLI will run through tsx (slower start-up).");
  process.exit(0);
}

/** import.meta.url in a bundled source still means that source file, not the bundle. */
const keepModuleUrls = {
  name: "keep-module-urls",
  setup(build) {
    build.onLoad({ filter: /\/runner\/.*\.tsx?$/ }, async (args) => {
      const { readFile } = await import("node:fs/promises");
      let text = await readFile(args.path, "utf8");
      if (text.includes("import.meta.url")) {
        // Chunks live in dist/chunks/, the entry in dist/: resolve from the root instead, which both know.
        const rel = relative(root, args.path).split("\\").join("/");
        text = text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, globalThis.__faultlineRoot).href`);
      }
      return { contents: text, loader: args.path.endsWith(".tsx") ? "tsx" : "ts" };
    });
  },
};

/** Ink imports its React devtools bridge statically; it only runs with DEV=true, so a stub does. */
const stubDevtools = {
  name: "stub-react-devtools",
  setup(build) {
    build.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: "react-devtools-core", namespace: "stub" }));
    build.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "export default { initialize() {}, connectToDevTools() {} };", loader: "js" }));
  },
};

/**
 * Ink's layout engine (yoga-layout) embeds its WebAssembly as base64 but
 * loads it through fetch() whenever fetch exists, which makes Node load its
 * whole HTTP client (undici) first: about 0.3 s of start-up. Its own
 * synchronous base64 path needs none of that.
 */
const yogaWithoutFetch = {
  name: "yoga-without-fetch",
  setup(build) {
    build.onLoad({ filter: /yoga-layout[\\/].*yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const { readFile } = await import("node:fs/promises");
      const text = await readFile(args.path, "utf8");
      const patched = text.replaceAll('"function"!=typeof fetch', "true");
      if (patched === text) console.warn("faultline: yoga-layout changed; its wasm still loads through fetch (slower start-up).");
      return { contents: patched, loader: "js" };
    });
  },
};

try {
  rmSync(dirname(outfile), { recursive: true, force: true });
  mkdirSync(dirname(outfile), { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(root, "runner", "cli.ts")],
    outdir: dirname(outfile),
    entryNames: "faultline",
    chunkNames: "chunks/[name]-[hash]",
    // Code only some commands need (vitest, Ink, markdown-it) loads when they need it.
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    jsx: "automatic",
    // Loaded only when a command grades or runs learner code: keep them out (and their start-up cost).
    external: ["vitest", "vitest/*", "vite", "tsx", "tsx/*", "esbuild"],
    define: { "process.env.NODE_ENV": '"production"' },
    banner: { js: "import { createRequire as __faultlineRequire } from 'node:module'; const require = __faultlineRequire(import.meta.url); globalThis.__faultlineRoot ??= new URL('../', import.meta.url.replace(/\\/chunks\\/[^/]*$/, '/x')).href;" },
    plugins: [keepModuleUrls, stubDevtools, yogaWithoutFetch],
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules/") && !f.includes(":"));
  writeFileSync(join(root, "dist", "faultline.inputs.json"), JSON.stringify(inputs.map((f) => relative(root, join(process.cwd(), f)))) + "\n");
} catch (e) {
  console.warn(`faultline: could not build the fast-start bundle (${e.message}); the CLI will run through tsx.`);
  process.exit(0);
}
