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
]);
