import { defineMutants } from "./mutant.ts";

export default defineMutants("mv-register", [
  {
    name: "keep-one-sibling",
    bug: "keeps only one of several concurrent writes (the greatest value), quietly turning the MV-Register into a last-writer-wins one",
    edits: [{ file: "mvRegister.ts", find: "(j < i && sameVV(f.vv, e.vv))));\n", replace: "(j < i && sameVV(f.vv, e.vv))));\n    this.entries = this.entries.sort((x, y) => (x.value < y.value ? 1 : -1)).slice(0, 1);\n" }],
  },
  {
    name: "write-with-own-count-only",
    bug: "stamps a write with only the replica's own counter, so it does not dominate the writes it replaced and they come back at the next merge",
    edits: [{ file: "mvRegister.ts", find: "    for (const e of this.entries) for (const [r, n] of Object.entries(e.vv)) vv[r] = Math.max(vv[r] ?? 0, n);\n", replace: "    for (const e of this.entries) vv[this.id] = Math.max(vv[this.id] ?? 0, e.vv[this.id] ?? 0);\n" }],
  },
  {
    name: "no-dedupe",
    bug: "keeps both copies of a write both sides know, so every merge of the same state grows the state (not idempotent)",
    edits: [{ file: "mvRegister.ts", find: " || (j < i && sameVV(f.vv, e.vv))", replace: "" }],
  },
  {
    name: "equal-dominates",
    bug: "counts an equal version vector as dominating (>= instead of >), so a write known to both sides knocks itself out on merge",
    edits: [{ file: "mvRegister.ts", find: "  return more;\n}", replace: "  return more || true;\n}" }],
  },
  {
    name: "dominates-checks-own-keys",
    bug: "compares version vectors only on the keys of the first one, so an entry that has seen a replica the other has not looks dominated",
    edits: [{ file: "mvRegister.ts", find: "  for (const r of new Set([...Object.keys(a), ...Object.keys(b)])) {", replace: "  for (const r of Object.keys(a)) {" }],
  },
  {
    name: "write-keeps-siblings",
    bug: "adds the new write next to the values it has seen instead of replacing them (\"keep them all\"), so resolved conflicts never go away",
    edits: [{ file: "mvRegister.ts", find: "    this.entries = [{ value, vv }];", replace: "    this.entries = [...this.entries, { value, vv }];" }],
  },
]);
