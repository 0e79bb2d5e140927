// Benchmark `lincheck-etcd-ms`: wall-clock ms to parse and check all 103
// Jepsen etcd histories (../shared/testdata/jepsen-etcd/). Measured by
// `npm run bench`, never asserted in tests.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseJepsenCasHistory } from "../check/jepsenHistory.ts";
import { checkLinearizability } from "../check/linearizability.ts";
import { casRegisterModel } from "../check/models.ts";

export const ETCD_HISTORIES = join(fileURLToPath(new URL("../..", import.meta.url)), "..", "shared", "testdata", "jepsen-etcd");

/**
 * Milliseconds to check every history in `dir`, or null when the folder is
 * absent (a user's clone has no external test data). Reading the files is
 * not timed; parsing and checking are.
 */
export async function benchLincheckEtcd(dir = ETCD_HISTORIES): Promise<number | null> {
  if (!existsSync(dir)) return null;
  const texts = readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => readFileSync(join(dir, f), "utf8"));
  const started = performance.now();
  for (const text of texts) checkLinearizability(casRegisterModel, parseJepsenCasHistory(text));
  return performance.now() - started;
}
