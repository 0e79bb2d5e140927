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
  {
    name: "return-own-vector",
    bug: "returns the clock's own vector instead of a copy: every stamp handed out earlier keeps changing as the clock counts on",
    edits: [{ file: "clock.ts", find: "    return { ...this.v }; // a copy: the caller keeps it, we keep counting", replace: "    return this.v;" }],
  },
  {
    name: "receive-counts-sender",
    bug: "on a receive, merges and then counts the event in the sender's entry (\"one more message from them\") instead of its own",
    edits: [
      { file: "clock.ts", find: "  receive(stamp: VClock): VClock {\n", replace: "  receive(stamp: VClock): VClock {\n    const sender = Object.keys(stamp).find((n) => n !== this.self && (stamp[n] ?? 0) > (this.v[n] ?? 0));\n" },
      { file: "clock.ts", find: "    return this.tick();\n  }\n}", replace: "    if (sender) this.v[sender] = (this.v[sender] ?? 0) + 1;\n    return { ...this.v };\n  }\n}" },
    ],
  },
  {
    name: "equal-by-text",
    bug: "compare decides \"equal\" by comparing the vectors' JSON text, and calls anything else with no entry different \"concurrent\": the same entries in another key order are not equal",
    edits: [
      { file: "clock.ts", find: "  let less = false;\n  let greater = false;\n", replace: "  if (JSON.stringify(a) === JSON.stringify(b)) return \"equal\";\n  let less = false;\n  let greater = false;\n" },
      { file: "clock.ts", find: "  if (greater) return \"after\";\n  return \"equal\";", replace: "  if (greater) return \"after\";\n  return \"concurrent\";" },
    ],
  },
  {
    name: "slot-by-digit",
    bug: "finds a node's entry by the digit in its name (n1 → slot 1): n10, n11 and n12 share n1's entry",
    edits: [
      { file: "clock.ts", find: "    this.v[this.self] = (this.v[this.self] ?? 0) + 1;", replace: "    const slot = \"n\" + this.self.charAt(1);\n    this.v[slot] = (this.v[slot] ?? 0) + 1;\n    if (slot !== this.self) this.v[this.self] = this.v[slot]!;" },
    ],
  },
]);
