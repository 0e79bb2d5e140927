import { defineMutants } from "./mutant.ts";

export default defineMutants("lamport-clock", [
  {
    name: "receive-ignores-stamp",
    bug: "a receive just ticks the local clock and ignores the sender's timestamp, so a message from a node further ahead is stamped before its own send",
    edits: [{ file: "clock.ts", find: "this.time = Math.max(this.time, stamp) + 1;", replace: "this.time = this.time + 1;" }],
  },
  {
    name: "receive-no-tick",
    bug: "a receive takes the maximum but does not add one, so it can carry the same timestamp as its send",
    edits: [{ file: "clock.ts", find: "this.time = Math.max(this.time, stamp) + 1;", replace: "this.time = Math.max(this.time, stamp);" }],
  },
  {
    name: "send-no-tick",
    bug: "a send reuses the current time instead of ticking, so it shares a timestamp with the event before it",
    edits: [{ file: "clock.ts", find: "  send(): number {\n    this.time += 1;\n", replace: "  send(): number {\n" }],
  },
]);
