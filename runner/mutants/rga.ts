import { defineMutants } from "./mutant.ts";

export default defineMutants("rga", [
  {
    name: "order-by-arrival",
    bug: "puts every insert right after its reference, so concurrent inserts at the same spot end up in arrival order — different on every replica",
    edits: [{ file: "rga.ts", find: "    while (i < this.elems.length && compareIds(this.elems[i]!.id, op.id) > 0) i++;\n", replace: "" }],
  },
  {
    name: "no-lamport-update",
    bug: "does not advance the counter on remote inserts, so a new local insert can get a smaller id than the text around it and lands in the wrong place",
    edits: [{ file: "rga.ts", find: "      this.clock = Math.max(this.clock, op.id.counter);\n", replace: "" }],
  },
  {
    name: "delete-removes-element",
    bug: "deletes by removing the element instead of leaving a tombstone: a concurrent insert that refers to it has nowhere to go",
    edits: [{ file: "rga.ts", find: "    this.elems[this.indexOf(id)]!.deleted = true;", replace: "    this.elems.splice(this.indexOf(id), 1);" }],
  },
  {
    name: "ties-by-arrival",
    bug: "compares ids by counter only, so concurrent inserts with equal counters from two replicas are ordered by arrival",
    edits: [{ file: "rga.ts", find: "  return a.replica < b.replica ? -1 : a.replica > b.replica ? 1 : 0;\n}\n\nexport function sameId", replace: "  return 0;\n}\n\nexport function sameId" }],
  },
  {
    name: "insert-before-reference",
    bug: "an off-by-one in placing: the new element starts at its reference's index, so it lands before the reference instead of after it",
    edits: [{ file: "rga.ts", find: "    let i = op.after === null ? 0 : this.indexOf(op.after) + 1;", replace: "    let i = op.after === null ? 0 : this.indexOf(op.after);" }],
  },
  {
    name: "ascending-siblings",
    bug: "skips past the elements with smaller ids instead of greater ones: every replica agrees, but concurrent inserts at one spot come out in ascending order, not the specified descending one",
    edits: [{ file: "rga.ts", find: "    while (i < this.elems.length && compareIds(this.elems[i]!.id, op.id) > 0) i++;", replace: "    while (i < this.elems.length && compareIds(this.elems[i]!.id, op.id) < 0) i++;" }],
  },
]);
