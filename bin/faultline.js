#!/usr/bin/env node
// The `faultline` command. Starts from dist/faultline.js, the bundle built at
// `npm install` (bin/build.js), when it is up to date; otherwise TypeScript
// runs through tsx: no build step is ever needed.

import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// `faultline … | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The bundle, if every source it was built from is older than it. */
function freshBundle() {
  if (process.env["FAULTLINE_NO_BUNDLE"] === "1") return null;
  try {
    const bundle = join(root, "dist", "faultline.js");
    const built = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(join(root, "dist", "faultline.inputs.json"), "utf8"));
    for (const f of inputs) if (statSync(join(root, f)).mtimeMs > built) return null;
    return bundle;
  } catch {
    return null;
  }
}

const bundle = freshBundle();
let runCli;
if (bundle) ({ runCli } = await import(bundle));
else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ runCli } = await import("../runner/cli.ts"));
}
await runCli(process.argv.slice(2));
