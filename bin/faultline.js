#!/usr/bin/env node
// The `faultline` command. TypeScript runs through tsx: no build step for users.
import { register } from "tsx/esm/api";

// `faultline … | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

register();
const { runCli } = await import("../runner/cli.ts");
await runCli(process.argv.slice(2));
