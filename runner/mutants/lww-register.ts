import { defineMutants } from "./mutant.ts";

export default defineMutants("lww-register", [
  {
    name: "no-tie-break",
    bug: "compares timestamps only: on equal times each replica keeps the write it had, so merge is not commutative and replicas never agree",
    edits: [{ file: "lwwRegister.ts", find: "  return a.time > b.time || (a.time === b.time && a.replica > b.replica);", replace: "  return a.time > b.time;" }],
  },
  {
    name: "raw-clock-write",
    bug: "stamps a write with the raw clock even when it is behind the held timestamp: the state goes backwards (no inflation) and the replica's own write is lost at the next merge",
    edits: [{ file: "lwwRegister.ts", find: "    if (this.s !== null && time <= this.s.time) time = this.s.time + 1;\n", replace: "" }],
  },
  {
    name: "last-received-wins",
    bug: "takes whatever state arrives (\"the newest message is the newest write\"): the outcome depends on message order",
    edits: [{ file: "lwwRegister.ts", find: "    if (other !== null && (this.s === null || wins(other, this.s))) this.s = { ...other };", replace: "    if (other !== null) this.s = { ...other };" }],
  },
  {
    name: "tie-goes-to-smaller-id",
    bug: "breaks equal times in favour of the smaller replica id: every replica agrees, but not with the specification (the greater id wins)",
    edits: [{ file: "lwwRegister.ts", find: "  return a.time > b.time || (a.time === b.time && a.replica > b.replica);", replace: "  return a.time > b.time || (a.time === b.time && a.replica < b.replica);" }],
  },
  {
    name: "step-past-only-on-equal-time",
    bug: "steps past the held stamp only when the clock equals it, not when the clock is behind it: a replica's own write loses to what it already held",
    edits: [{ file: "lwwRegister.ts", find: "    if (this.s !== null && time <= this.s.time) time = this.s.time + 1;", replace: "    if (this.s !== null && time === this.s.time) time = this.s.time + 1;" }],
  },
]);
