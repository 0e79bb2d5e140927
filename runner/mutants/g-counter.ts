import { defineMutants } from "./mutant.ts";

export default defineMutants("g-counter", [
  {
    name: "merge-by-sum",
    bug: "merges by adding entries instead of taking the max, so a state that arrives twice is counted twice (not idempotent)",
    edits: [{ file: "gCounter.ts", find: "      if (n > (this.counts[replica] ?? 0)) this.counts[replica] = n;", replace: "      this.counts[replica] = (this.counts[replica] ?? 0) + n;" }],
  },
  {
    name: "merge-overwrites",
    bug: "replaces its state with the other's on merge (last state received wins), forgetting its own increments (not commutative)",
    edits: [{ file: "gCounter.ts", find: "    for (const [replica, n] of Object.entries(other)) {\n", replace: "    this.counts = {};\n    for (const [replica, n] of Object.entries(other)) {\n" }],
  },
  {
    name: "single-shared-count",
    bug: "keeps one shared number instead of one entry per replica: concurrent increments overwrite each other on merge",
    edits: [{ file: "gCounter.ts", find: "    this.counts[this.id] = (this.counts[this.id] ?? 0) + by;", replace: "    this.counts[\"total\"] = (this.counts[\"total\"] ?? 0) + by;" }],
  },
  {
    name: "increment-ignores-by",
    bug: "counts every increment as one, whatever `by` says (reads increment(by) as \"one more increment\")",
    edits: [{ file: "gCounter.ts", find: "    this.counts[this.id] = (this.counts[this.id] ?? 0) + by;", replace: "    this.counts[this.id] = (this.counts[this.id] ?? 0) + 1;" }],
  },
  {
    name: "value-is-own-count",
    bug: "reads the value as this replica's own entry (\"my counter\"), not the sum over replicas",
    edits: [{ file: "gCounter.ts", find: "    for (const n of Object.values(this.counts)) sum += n;", replace: "    sum = this.counts[this.id] ?? 0;" }],
  },
]);
