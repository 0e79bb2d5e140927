import { defineMutants } from "./mutant.ts";

export default defineMutants("pn-counter", [
  {
    name: "single-vector",
    bug: "keeps one per-replica vector of net counts and subtracts from it, so a merge by max brings a decremented entry back up (decrements are lost)",
    edits: [
      { file: "pnCounter.ts", find: "    this.s.n[this.id] = (this.s.n[this.id] ?? 0) + by;", replace: "    this.s.p[this.id] = (this.s.p[this.id] ?? 0) - by;" },
    ],
  },
  {
    name: "merge-p-only",
    bug: "merges the increments but forgets to merge the decrements, so decrements never leave the replica that made them",
    edits: [{ file: "pnCounter.ts", find: "    maxInto(this.s.n, other.n);\n", replace: "" }],
  },
  {
    name: "merge-min-of-decrements",
    bug: "merges decrements with min (\"decrements shrink the counter, so take the smaller\"), which throws away decrements only one side has seen",
    edits: [{ file: "pnCounter.ts", find: "    maxInto(this.s.n, other.n);\n", replace: "    for (const [r, x] of Object.entries(other.n)) this.s.n[r] = Math.min(this.s.n[r] ?? 0, x);\n" }],
  },
  {
    name: "value-adds-decrements",
    bug: "adds the decrement counts to the value instead of subtracting them (both counters only grow, so both seem to count up)",
    edits: [{ file: "pnCounter.ts", find: "    return sum(this.s.p) - sum(this.s.n);", replace: "    return sum(this.s.p) + sum(this.s.n);" }],
  },
  {
    name: "merge-n-into-p",
    bug: "a copy-paste slip in merge: the other replica's decrements are merged into the increments",
    edits: [{ file: "pnCounter.ts", find: "    maxInto(this.s.n, other.n);", replace: "    maxInto(this.s.p, other.n);" }],
  },
]);
