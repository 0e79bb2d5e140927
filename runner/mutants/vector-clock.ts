import { defineMutants } from "./mutant.ts";

export default defineMutants("vector-clock", [
  {
    name: "receive-no-merge",
    bug: "a receive counts the event but does not take in the sender's vector, so causality through messages is lost",
    edits: [{ file: "clock.ts", find: "    for (const [n, c] of Object.entries(stamp)) this.v[n] = Math.max(this.v[n] ?? 0, c);\n", replace: "" }],
  },
  {
    name: "receive-no-tick",
    bug: "a receive merges the sender's vector but does not count itself, so it is indistinguishable from earlier events",
    edits: [{ file: "clock.ts", find: "    return this.tick();\n  }\n}", replace: "    return { ...this.v };\n  }\n}" }],
  },
  {
    name: "compare-sums",
    bug: "compare orders vectors by the sum of their entries (a Lamport clock in disguise), so it cannot see concurrency",
    edits: [{ file: "clock.ts", find: "  if (less && greater) return \"concurrent\";\n", replace: "  const sum = (v: VClock) => Object.values(v).reduce((s, x) => s + x, 0);\n  if (less && greater) return sum(a) < sum(b) ? \"before\" : sum(a) > sum(b) ? \"after\" : \"concurrent\";\n" }],
  },
  {
    name: "merge-overwrites",
    bug: "a receive copies the sender's entries over its own instead of taking the maximum, forgetting what it had seen",
    edits: [{ file: "clock.ts", find: "this.v[n] = Math.max(this.v[n] ?? 0, c);", replace: "this.v[n] = c;" }],
  },
]);
