// Linearizability benchmarks (DESIGN §9), measured by `npm run bench`, never
// asserted in tests:
//
// - `lincheck-etcd-ms`: wall-clock ms to parse and check all 103 Jepsen etcd
//   histories (../shared/testdata/jepsen-etcd/). Budget: no slower than before
//   the checker's rework (1,760–2,420 ms on this 2-core machine, 2026-12-06).
// - `lincheck-kv-ok-ms`, `lincheck-kv-bad-ms`: ms to check a generated
//   key-value history of the size and shape of Porcupine's c50 logs (50
//   clients, 2,000 operations, 10 keys; check/syntheticHistory.ts), one
//   linearizable and one with a stale read; `lincheck-kv-ms` is the slower of
//   the two. Budget: 1,000 ms each. `lincheck-kv-peak-mb`: the peak resident
//   memory of a fresh process doing both (budget 512 MB), measured in a child
//   process so that nothing else this process holds counts.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseJepsenCasHistory } from "../check/jepsenHistory.ts";
import { checkLinearizability } from "../check/linearizability.ts";
import { casRegisterModel, keyValueModel } from "../check/models.ts";
import { linearizableKvHistory, staleRead } from "../check/syntheticHistory.ts";

export const ETCD_HISTORIES = join(fileURLToPath(new URL("../..", import.meta.url)), "..", "shared", "testdata", "jepsen-etcd");
export const LINCHECK_ETCD_BUDGET_MS = 1760;
export const LINCHECK_KV_BUDGET_MS = 1000;
export const LINCHECK_KV_BUDGET_MB = 512;
/** The generated histories' seed: fixed, so every run measures the same two histories. */
const KV_SEED = 1;

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

interface KvFigures {
  "lincheck-kv-ms": number;
  "lincheck-kv-ok-ms": number;
  "lincheck-kv-bad-ms": number;
  "lincheck-kv-peak-mb": number;
}

/** In this process: the median of 3 checks of each history, and the process's peak memory. */
function measureKv(): KvFigures & { verdicts: string[] } {
  const model = keyValueModel("");
  const ok = linearizableKvHistory(KV_SEED);
  const bad = staleRead(ok, KV_SEED);
  const verdicts: string[] = [];
  const time = (h: typeof ok) => {
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      verdicts.push(checkLinearizability(model, h).verdict);
      ms.push(performance.now() - started);
    }
    return ms.sort((a, b) => a - b)[1]!;
  };
  const okMs = time(ok);
  const badMs = time(bad);
  return { "lincheck-kv-ms": Math.max(okMs, badMs), "lincheck-kv-ok-ms": okMs, "lincheck-kv-bad-ms": badMs, "lincheck-kv-peak-mb": process.resourceUsage().maxRSS / 1024, verdicts };
}

/** The c50-shaped figures, measured in a fresh child process. */
export async function benchLincheckKv(): Promise<KvFigures> {
  const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--kv-child"], { encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`the measuring process failed: ${r.stderr || r.error?.message}`);
  const f = JSON.parse(r.stdout) as KvFigures & { verdicts: string[] };
  const expected = ["linearizable", "linearizable", "linearizable", "not-linearizable", "not-linearizable", "not-linearizable"];
  if (f.verdicts.join() !== expected.join()) throw new Error(`the generated histories got the verdicts ${f.verdicts.join(", ")}, not ${expected.join(", ")}`);
  const { verdicts: _, ...figures } = f;
  return figures;
}

if (process.argv.includes("--kv-child")) process.stdout.write(JSON.stringify(measureKv()));
