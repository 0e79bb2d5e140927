import { defineMutants } from "./mutant.ts";

export default defineMutants("fd-adaptive", [
  {
    name: "fixed-timeout",
    bug: "never grows the timeout: after stabilisation, delays above the initial timeout cause mistakes forever",
    edits: [{ file: "adaptive.ts", find: "        timeout.set(from, timeout.get(from)! * 2);\n", replace: "" }],
  },
  {
    name: "bounded-growth",
    bug: "grows the timeout once, to a fixed value, instead of after every mistake: still too short for the unknown bound",
    edits: [{ file: "adaptive.ts", find: "timeout.set(from, timeout.get(from)! * 2);", replace: "timeout.set(from, INITIAL_TIMEOUT_MS * 2);" }],
  },
  {
    name: "never-withdraw",
    bug: "never withdraws a suspicion: a node that was only slow before stabilisation stays suspected forever",
    edits: [
      { file: "adaptive.ts", find: "      if (suspected.delete(from)) {", replace: "      if (suspected.has(from) && false) {" },
    ],
  },
  {
    name: "ignore-restarted-node",
    bug: "drops heartbeats whose seq is not above the highest seen, so a restarted node (counting from 1 again) stays suspected",
    edits: [
      { file: "adaptive.ts", find: "  let seq = 0;\n", replace: "  let seq = 0;\n  const highest = new Map<NodeId, number>();\n" },
      { file: "adaptive.ts", find: "      if (msg.type !== \"heartbeat\") return;\n", replace: "      if (msg.type !== \"heartbeat\") return;\n      if (msg.seq <= (highest.get(from) ?? 0)) return;\n      highest.set(from, msg.seq);\n" },
    ],
  },
  {
    // Learner's reading: "the network was slow, so be more patient with everyone".
    name: "grow-every-peer",
    bug: "a mistake about one peer doubles every peer's timeout: crashes of the others are detected ever more slowly",
    edits: [{ file: "adaptive.ts", find: "        timeout.set(from, timeout.get(from)! * 2);", replace: "        for (const p of ctx.peers) timeout.set(p, timeout.get(p)! * 2);" }],
  },
  {
    // Learner's reading: "keep a timeout per peer" (kept, and reported) but arm the timer with the constant.
    name: "timer-ignores-timeout",
    bug: "grows the timeout it reports, but arms the silence timer with INITIAL_TIMEOUT_MS: timeoutFor() lies and the mistakes never stop",
    edits: [{ file: "adaptive.ts", find: "ctx.setTimer(`silence ${p}`, timeout.get(p)!)", replace: "ctx.setTimer(`silence ${p}`, INITIAL_TIMEOUT_MS)" }],
  },
  {
    // Learner's reading: "anything that grows without bound works".
    name: "grow-by-one-ms",
    bug: "adds 1 ms per mistake: unbounded in theory, but a link ten times slower than the first guess is never learnt in practice",
    edits: [{ file: "adaptive.ts", find: "timeout.set(from, timeout.get(from)! * 2);", replace: "timeout.set(from, timeout.get(from)! + 1);" }],
  },
]);
