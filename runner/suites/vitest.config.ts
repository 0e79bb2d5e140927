// Running the exercise suites straight through vitest (not through `faultline
// grade`), e.g. to shard a long verification across CI runners:
//
//   FAULTLINE_TARGET=solutions npx vitest run --config runner/suites/vitest.config.ts --shard=1/4
//
// FAULTLINE_TARGET (exercises | solutions | DIR), FAULTLINE_SEED and
// FAULTLINE_RUNS play the part of grade's --target, --seed and --runs
// (runner/suites/harness/exercise.ts, gradeContext). See docs/classroom.md.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: { "faultline/sim": fileURLToPath(new URL("../sim/learner.ts", import.meta.url)), "faultline/lab": fileURLToPath(new URL("../sim/index.ts", import.meta.url)) } },
  test: {
    include: ["runner/suites/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "threads",
  },
});
