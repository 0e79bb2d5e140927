import { defineMutants } from "./mutant.ts";

export default defineMutants("two-phase-commit", [
  {
    name: "participant-aborts-after-yes",
    bug: "a prepared participant that hears nothing for a while aborts on its own (it gave up that right when it voted yes)",
    edits: [
      {
        file: "twoPhaseCommit.ts",
        find: "      if (name === \"ask\") askAboutDoubts();",
        replace:
          "      if (name === \"ask\")\n        for (const [tx, rec] of Object.entries(log()))\n          if (rec.state === \"prepared\") {\n            write(tx, { ...rec, state: \"aborted\" });\n            ctx.output({ type: \"decided\", tx, decision: \"abort\" });\n          }",
      },
    ],
  },
  {
    name: "commit-before-forcing-decision",
    bug: "the coordinator announces its decision without forcing it to disk: a crash forgets it, and the restarted coordinator aborts what it told others to commit",
    edits: [
      { file: "twoPhaseCommit.ts", find: "  const write = (tx: string, rec: CoordinatorRecord) => {\n    ctx.disk.set(\"txs\", { ...log(), [tx]: rec });\n    ctx.disk.sync();", replace: "  const write = (tx: string, rec: CoordinatorRecord) => {\n    ctx.disk.set(\"txs\", { ...log(), [tx]: rec });\n    if (rec.decision === null) ctx.disk.sync();" },
    ],
  },
  {
    name: "yes-before-forcing-prepared",
    bug: "a participant votes yes before its prepared record is on disk: after a crash it finds only \"working\" and aborts a transaction the coordinator commits",
    edits: [
      { file: "twoPhaseCommit.ts", find: "  const write = (tx: string, rec: ParticipantRecord) => {\n    ctx.disk.set(\"txs\", { ...log(), [tx]: rec });\n    ctx.disk.sync();", replace: "  const write = (tx: string, rec: ParticipantRecord) => {\n    ctx.disk.set(\"txs\", { ...log(), [tx]: rec });\n    if (rec.state !== \"prepared\") ctx.disk.sync();" },
    ],
  },
  {
    name: "duplicate-decision-applied-twice",
    bug: "a participant applies every decision message it receives, so a duplicated commit is applied twice",
    edits: [{ file: "twoPhaseCommit.ts", find: "          if (!rec || rec.state === \"working\" || rec.state === \"prepared\") {", replace: "          if (true) {" }],
  },
  {
    name: "restart-forgets-prepared",
    bug: "a restarted participant treats a prepared transaction like an unprepared one and aborts it, instead of asking the coordinator",
    edits: [{ file: "twoPhaseCommit.ts", find: "        if (rec.state === \"working\") {\n          write(", replace: "        if (rec.state === \"working\" || rec.state === \"prepared\") {\n          write(" }],
  },
  {
    name: "recovery-commits-undecided",
    bug: "a restarted coordinator finishes an undecided transaction with commit (\"the votes were probably yes\"), though the votes it held in memory are gone",
    edits: [{ file: "twoPhaseCommit.ts", find: "        if (rec.decision === null) decide(tx, \"abort\");", replace: "        if (rec.decision === null) decide(tx, \"commit\");" }],
  },
  {
    name: "one-ack-stops-all-resends",
    bug: "remembers only whether a transaction's decision was acknowledged, not by whom: the first ack stops the resends to everyone",
    edits: [
      { file: "twoPhaseCommit.ts", find: "    for (const p of rec.participants) if (!done.has(p)) ctx.send(p, { type: \"decision\", tx, decision: rec.decision! });", replace: "    for (const p of rec.participants) if (done.size === 0) ctx.send(p, { type: \"decision\", tx, decision: rec.decision! });" },
      { file: "twoPhaseCommit.ts", find: "(rec.decision ? !acked.get(tx)?.has(p) :", replace: "(rec.decision ? !acked.get(tx)?.size :" },
    ],
  },
  {
    name: "no-presumed-abort",
    bug: "does not answer a status question about a transaction it has no record of, so a participant that asks about it is never told (presumed abort says: abort)",
    edits: [{ file: "twoPhaseCommit.ts", find: "          if (!rec) {\n            ctx.disk.set(", replace: "          if (!rec) {\n            return;\n            ctx.disk.set(" }],
  },
  {
    name: "asks-only-after-restart",
    bug: "a prepared participant asks the coordinator only when it restarts, not while it waits: it relies on the coordinator resending",
    edits: [{ file: "twoPhaseCommit.ts", find: "            ctx.send(from, { type: \"vote\", tx: msg.tx, vote: \"yes\" });\n            ctx.setTimer(\"ask\", RETRY_MS);", replace: "            ctx.send(from, { type: \"vote\", tx: msg.tx, vote: \"yes\" });" }, { file: "twoPhaseCommit.ts", find: "    if (inDoubt()) ctx.setTimer(\"ask\", RETRY_MS);", replace: "" }],
  },
  {
    name: "no-vote-not-recorded",
    bug: "a participant that votes no does not record it (\"nothing to promise\"), so a repeated prepare asks the resource manager again and votes again",
    edits: [{ file: "twoPhaseCommit.ts", find: "            write(msg.tx, { state: \"aborted\", coordinator: from });\n            ctx.output({ type: \"voted\", tx: msg.tx, vote: \"no\" });", replace: "            ctx.disk.set(\"txs\", Object.fromEntries(Object.entries(log()).filter(([t]) => t !== msg.tx)));\n            ctx.disk.sync();\n            ctx.output({ type: \"voted\", tx: msg.tx, vote: \"no\" });" }],
  },
  {
    name: "decision-settles-every-doubt",
    bug: "a participant applies a decision to every transaction it is in doubt about, not only to the one the decision names",
    edits: [{ file: "twoPhaseCommit.ts", find: "          if (!rec || rec.state === \"working\" || rec.state === \"prepared\") {\n            write(msg.tx, { state: msg.decision === \"commit\" ? \"committed\" : \"aborted\", coordinator: from });\n            ctx.output({ type: \"decided\", tx: msg.tx, decision: msg.decision });\n          }", replace: "          if (!rec || rec.state === \"working\" || rec.state === \"prepared\") {\n            write(msg.tx, { state: msg.decision === \"commit\" ? \"committed\" : \"aborted\", coordinator: from });\n            ctx.output({ type: \"decided\", tx: msg.tx, decision: msg.decision });\n          }\n          for (const [tx, r] of Object.entries(log()))\n            if (tx !== msg.tx && r.state === \"prepared\") {\n              write(tx, { ...r, state: msg.decision === \"commit\" ? \"committed\" : \"aborted\" });\n              ctx.output({ type: \"decided\", tx, decision: msg.decision });\n            }" }],
  },
  {
    name: "status-answered-from-memory",
    bug: "answers status questions from the decisions it remembers in memory, presuming abort when it remembers none: after a restart it tells a participant abort about a transaction it committed",
    edits: [
      { file: "twoPhaseCommit.ts", find: "  const acked = new Map<string, Set<NodeId>>();\n\n  function decide", replace: "  const acked = new Map<string, Set<NodeId>>();\n  const decidedHere = new Map<string, Decision>();\n\n  function decide" },
      { file: "twoPhaseCommit.ts", find: "    write(tx, { ...rec, decision });\n", replace: "    write(tx, { ...rec, decision });\n    decidedHere.set(tx, decision);\n" },
      { file: "twoPhaseCommit.ts", find: "          } else if (rec.decision !== null) ctx.send(from, { type: \"decision\", tx: msg.tx, decision: rec.decision });", replace: "          } else if (rec.decision !== null) ctx.send(from, { type: \"decision\", tx: msg.tx, decision: decidedHere.get(msg.tx) ?? \"abort\" });" },
    ],
  },
  {
    name: "counts-distinct-voters",
    bug: "commits once as many distinct nodes as there are participants have voted yes, counting a yes from a node that is not a participant",
    edits: [{ file: "twoPhaseCommit.ts", find: "          if (rec.participants.every((p) => got.has(p))) decide(msg.tx, \"commit\");", replace: "          if (got.size >= rec.participants.length) decide(msg.tx, \"commit\");" }],
  },
]);
