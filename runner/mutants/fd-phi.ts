import { defineMutants } from "./mutant.ts";

export default defineMutants("fd-phi", [
  {
    name: "variance-for-stddev",
    bug: "uses the variance where the standard deviation belongs (ms² for ms): φ rises far too slowly and crashes go unnoticed for seconds",
    edits: [{ file: "phi.ts", find: "Math.max(this.history.stdDeviation, this.opts.minStdDeviationMs)", replace: "Math.max(this.history.variance, this.opts.minStdDeviationMs)" }],
  },
  {
    name: "no-acceptable-pause",
    bug: "forgets the acceptable pause: a short GC pause makes φ shoot past the threshold",
    edits: [{ file: "phi.ts", find: "this.history.mean + this.opts.acceptablePauseMs", replace: "this.history.mean" }],
  },
  {
    name: "no-min-stddev",
    bug: "ignores the minimum standard deviation: perfectly regular heartbeats make the standard deviation 0 and φ infinite at the first late one",
    edits: [{ file: "phi.ts", find: "Math.max(this.history.stdDeviation, this.opts.minStdDeviationMs)", replace: "this.history.stdDeviation" }],
  },
  {
    name: "unbounded-window",
    bug: "never forgets old intervals: the window grows forever and adapts ever more slowly",
    edits: [{ file: "phi.ts", find: "if (this.intervals.length >= this.maxSampleSize) {", replace: "if (false) {" }],
  },
  {
    name: "negative-zero",
    bug: "returns -0 for early heartbeats (JavaScript's -Math.log10(1))",
    edits: [{ file: "phi.ts", find: "  return p === 0 ? 0 : p; // -log10(1) is -0: report a plain 0\n", replace: "  return p;\n" }],
  },
  {
    name: "learn-from-long-silence",
    bug: "adds the interval that ended a long silence to the history, so one outage makes the detector sluggish for a long time",
    edits: [{ file: "phi.ts", find: "    } else if (this.isAvailable(now)) {", replace: "    } else {" }],
  },
  {
    name: "never-withdraw",
    bug: "never withdraws a suspicion: a node back from a long pause stays suspected",
    edits: [{ file: "phi.ts", find: "      if (suspected.delete(from)) ctx.output({ type: \"restore\", node: from });\n", replace: "" }],
  },
  {
    // Learner's reading: "check φ when something happens" — and only a heartbeat happens.
    name: "check-once",
    bug: "never re-arms the check timer: φ is evaluated once, so a node that crashes later is never suspected",
    edits: [{ file: "phi.ts", find: "        }\n      }\n      ctx.setTimer(\"check\", CHECK_MS);\n", replace: "        }\n      }\n" }],
  },
  {
    // Learner's reading: "a history of heartbeat intervals" — one, for the whole node.
    name: "one-history-for-all-peers",
    bug: "keeps one φ history for every peer: the others' heartbeats keep a crashed peer looking alive",
    edits: [{ file: "phi.ts", find: "new Map<NodeId, PhiAccrual>(ctx.peers.map((p) => [p, new PhiAccrual(OPTIONS)]))", replace: "((shared) => new Map<NodeId, PhiAccrual>(ctx.peers.map((p) => [p, shared])))(new PhiAccrual(OPTIONS))" }],
  },
  {
    // Learner's reading: "forget the oldest once the window is over-full".
    name: "window-one-too-big",
    bug: "evicts only when the window holds more than maxSampleSize intervals: it keeps one interval too many",
    edits: [{ file: "phi.ts", find: "if (this.intervals.length >= this.maxSampleSize) {", replace: "if (this.intervals.length > this.maxSampleSize) {" }],
  },
]);
