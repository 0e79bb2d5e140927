// Unit tests of the lab itself live beside the code (runner/**/x.test.ts).
// Exercise suites (runner/suites/) are run by the grader, which chooses the
// implementation under test; run them with `npx faultline grade`, not here.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "faultline/sim": fileURLToPath(new URL("./runner/sim/learner.ts", import.meta.url)), "faultline/lab": fileURLToPath(new URL("./runner/sim/index.ts", import.meta.url)) } },
  test: {
    include: ["runner/**/*.test.ts", "runner/**/*.test.tsx"],
    exclude: ["runner/suites/**", "node_modules/**", ".faultline/**"],
    testTimeout: 60_000,
    // Two files at a time even on a 2-core machine (vitest would keep one
    // core free): most of these tests wait on child processes (the grader,
    // tmux, a lesson cell), so two keep both cores busy.
    maxWorkers: 2,
  },
});
