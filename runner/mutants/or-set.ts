import { defineMutants } from "./mutant.ts";

export default defineMutants("or-set", [
  {
    name: "remove-deletes-unseen-tags",
    bug: "when a tombstone arrives, also kills every other tag of that element — including adds the remover never saw (a concurrent add no longer wins)",
    edits: [
      {
        file: "orSet.ts",
        find: "    for (const tag of other.removed) if (!gone.has(tag)) this.s.removed.push(tag);\n",
        replace:
          "    for (const tag of other.removed) if (!gone.has(tag)) this.s.removed.push(tag);\n    for (const tag of other.removed) {\n      const el = this.s.adds.find(([, t]) => t === tag)?.[0];\n      for (const [e, t] of this.s.adds) if (e === el && !this.s.removed.includes(t)) this.s.removed.push(t);\n    }\n",
      },
    ],
  },
  {
    name: "remove-without-tombstones",
    bug: "removes by deleting the adds instead of tombstoning their tags: the next merge with a replica that still has them brings the element back",
    edits: [{ file: "orSet.ts", find: "    for (const [e, tag] of this.s.adds) if (e === element && !this.s.removed.includes(tag)) this.s.removed.push(tag);\n", replace: "    this.s.adds = this.s.adds.filter(([e]) => e !== element);\n" }],
  },
  {
    name: "tag-per-element",
    bug: "tags an add with the element's name instead of a fresh tag, so re-adding an element after removing it does nothing (its one tag is already tombstoned)",
    edits: [{ file: "orSet.ts", find: "this.s.adds.push([element, `${this.id}:${++this.seq}`]);", replace: "if (!this.s.adds.some(([, t]) => t === `${this.id}:${element}`)) this.s.adds.push([element, `${this.id}:${element}`]);" }],
  },
  {
    name: "merge-drops-tombstones",
    bug: "merges the adds but not the tombstones, so a remove never reaches the other replicas",
    edits: [{ file: "orSet.ts", find: "    for (const tag of other.removed) if (!gone.has(tag)) this.s.removed.push(tag);\n", replace: "    void gone;\n" }],
  },
  {
    name: "value-once-per-tag",
    bug: "lists an element once per live tag, so an element added twice shows up twice",
    edits: [{ file: "orSet.ts", find: "    const present = new Set<string>();\n    for (const [e, tag] of this.s.adds) if (!removed.has(tag)) present.add(e);\n    return [...present].sort();", replace: "    const present: string[] = [];\n    for (const [e, tag] of this.s.adds) if (!removed.has(tag)) present.push(e);\n    return present.sort();" }],
  },
  {
    name: "merge-adds-by-element",
    bug: "merges adds by element rather than by tag (\"milk is already in my set\"), dropping the other replica's concurrent add, which then loses to a remove it should survive",
    edits: [{ file: "orSet.ts", find: "    const known = new Set(this.s.adds.map(([, tag]) => tag));\n    for (const [e, tag] of other.adds) if (!known.has(tag)) this.s.adds.push([e, tag]);", replace: "    const known = new Set(this.s.adds.map(([e]) => e));\n    for (const [e, tag] of other.adds) if (!known.has(e)) this.s.adds.push([e, tag]);" }],
  },
]);
