// Classic bugs of a service on Raft. Each must fail runner/suites/raft-kv.test.ts.
import { defineMutants } from "./mutant.ts";

export default defineMutants("raft-kv", [
  {
    name: "no-client-deduplication",
    bug: "the state machine executes every committed command, so a retried or duplicated request is applied twice (an append lands twice)",
    edits: [{ file: "kv.ts", find: "    if (seen && cmd.seq <= seen.seq) output = seen.output;\n    else {", replace: "    void seen;\n    {" }],
  },
  {
    name: "leader-reads-locally",
    bug: "a leader answers reads from its own state without going through the log, so a deposed leader that has not noticed yet serves stale data",
    edits: [{ file: "kv.ts", find: "        const r = raft.start(", replace: "        if (msg.input.op === \"get\" && raft.getState().isLeader) return ctx.send(from, { type: \"kv_ok\", seq: msg.seq, output: { value: state.data[msg.input.key] ?? null } });\n        const r = raft.start(" }],
  },
  {
    name: "reply-before-commit",
    bug: "writes are acknowledged as soon as the leader accepts them, before they commit; a leader crash then loses an acknowledged write",
    edits: [{ file: "kv.ts", find: "        waiting.set(r.index, { client: msg.client, seq: msg.seq });\n", replace: "        if (msg.input.op === \"put\" || msg.input.op === \"append\") return ctx.send(from, { type: \"kv_ok\", seq: msg.seq, output: {} });\n        waiting.set(r.index, { client: msg.client, seq: msg.seq });\n" }],
  },
  {
    name: "snapshot-ignored",
    bug: "the server ignores snapshots Raft hands it (after a restart or an InstallSnapshot), so it answers from an empty or outdated state",
    edits: [{ file: "kv.ts", find: "        state = structuredClone(ev.data as State);\n", replace: "" }],
  },
  {
    name: "dedup-by-key",
    bug: "the server remembers the last sequence number per key instead of per client, so two clients' requests with the same number on one key are taken for duplicates",
    edits: [{ file: "kv.ts", find: "    const seen = state.last[cmd.client];", replace: "    const seen = state.last[cmd.input.key];" }, { file: "kv.ts", find: "      state.last[cmd.client] = { seq: cmd.seq, output };", replace: "      state.last[cmd.input.key] = { seq: cmd.seq, output };" }],
  },
  {
    name: "snapshot-state-shared",
    bug: "the server takes the snapshot Raft hands it as its state without copying it, so every later write also changes the snapshot Raft keeps and sends to followers",
    edits: [{ file: "kv.ts", find: "        state = structuredClone(ev.data as State);", replace: "        state = ev.data as State;" }],
  },
]);
