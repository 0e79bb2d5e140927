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
]);
