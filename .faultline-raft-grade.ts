import { grade } from "./runner/grade/grade.ts";
const args = process.argv.slice(2);
const target = process.env.T ?? "solutions";
const runs = Number(process.env.RUNS ?? 0);
const seed = Number(process.env.SEED ?? 1);
const t0 = performance.now();
const r = await grade({ ids: args, target, runs, seed });
for (const e of r.exercises) {
  console.log(`${e.id}: ${e.status} ${e.durationMs}ms ${e.error ?? ""}`);
  for (const s of e.scenarios) console.log(`  ${s.status.padEnd(11)} ${s.name.slice(0, 90)}${s.failure ? "\n      " + s.failure.message.slice(0, 600) + " seed=" + s.failure.seed : ""}`);
}
console.log("total ms", Math.round(performance.now() - t0));
