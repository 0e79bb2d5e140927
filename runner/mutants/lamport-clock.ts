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
  {
    name: "receive-max-of-next",
    bug: "a receive takes max(time + 1, stamp): from a sender that is ahead it copies the send's own timestamp",
    edits: [{ file: "clock.ts", find: "this.time = Math.max(this.time, stamp) + 1;", replace: "this.time = Math.max(this.time + 1, stamp);" }],
  },
  {
    name: "node-number-tiebreak",
    bug: "packs Lamport's tie-break into the stamp as time * 100 + the node's number read from its name: a node called alice stamps NaN",
    edits: [
      { file: "clock.ts", find: "  localEvent(): number {\n    this.time += 1;\n    return this.time;\n  }", replace: "  private get me(): number {\n    return Number(this.self.slice(1));\n  }\n\n  localEvent(): number {\n    this.time += 1;\n    return this.time * 100 + this.me;\n  }" },
      { file: "clock.ts", find: "  send(): number {\n    this.time += 1;\n    return this.time;\n  }", replace: "  send(): number {\n    this.time += 1;\n    return this.time * 100 + this.me;\n  }" },
      { file: "clock.ts", find: "    this.time = Math.max(this.time, stamp) + 1;\n    return this.time;", replace: "    this.time = Math.max(this.time, Math.floor(stamp / 100)) + 1;\n    return this.time * 100 + this.me;" },
    ],
  },
]);
