import { defineMutants } from "./mutant.ts";

export default defineMutants("fd-heartbeat", [
  {
    name: "one-timer-for-all-peers",
    bug: "watches every peer with the same timer name, so each new timer replaces the last: only one peer is really watched",
    edits: [{ file: "heartbeat.ts", find: "ctx.setTimer(`silence ${p}`, TIMEOUT_MS)", replace: "ctx.setTimer(`silence ${ctx.peers[0]}`, TIMEOUT_MS)" }],
  },
  {
    name: "never-withdraw",
    bug: "never withdraws a suspicion: once suspected, a node that was only slow stays suspected forever",
    edits: [{ file: "heartbeat.ts", find: "      if (suspected.delete(from)) ctx.output({ type: \"restore\", node: from });\n", replace: "" }],
  },
  {
    name: "ignore-restarted-node",
    bug: "drops heartbeats whose seq is not above the highest seen (to ignore reordered ones), so a restarted node, counting from 1 again, is never heard",
    edits: [
      { file: "heartbeat.ts", find: "  let seq = 0;\n", replace: "  let seq = 0;\n  const highest = new Map<NodeId, number>();\n" },
      { file: "heartbeat.ts", find: "      if (msg.type !== \"heartbeat\") return;\n", replace: "      if (msg.type !== \"heartbeat\") return;\n      if (msg.seq <= (highest.get(from) ?? 0)) return;\n      highest.set(from, msg.seq);\n" },
    ],
  },
  {
    name: "timeout-equals-period",
    bug: "suspects after a single late heartbeat (timeout = heartbeat period): any jitter becomes a false suspicion",
    edits: [{ file: "heartbeat.ts", find: "export const TIMEOUT_MS = 300;", replace: "export const TIMEOUT_MS = 100;" }],
  },
  {
    name: "heartbeat-storm",
    bug: "answers every heartbeat with a heartbeat \"to speed up detection\": message cost grows with traffic, not with time",
    edits: [{ file: "heartbeat.ts", find: "      watch(from);\n", replace: "      watch(from);\n      ctx.send(from, { type: \"heartbeat\", seq });\n" }],
  },
  {
    // Learner's reading: "a heartbeat means the node is alive: say so".
    name: "restore-on-every-heartbeat",
    bug: "outputs restore for every heartbeat, suspected or not: the outputs no longer say when the detector changed its mind",
    edits: [{ file: "heartbeat.ts", find: "      if (suspected.delete(from)) ctx.output({ type: \"restore\", node: from });", replace: "      suspected.delete(from);\n      ctx.output({ type: \"restore\", node: from });" }],
  },
  {
    // Learner's reading: "heartbeats only need to beat the timeout".
    name: "beat-every-timeout",
    bug: "sends heartbeats every TIMEOUT_MS instead of every HEARTBEAT_MS: its peers' timers run out between two beats",
    edits: [{ file: "heartbeat.ts", find: "    ctx.setTimer(\"beat\", HEARTBEAT_MS);", replace: "    ctx.setTimer(\"beat\", TIMEOUT_MS);" }],
  },
]);
