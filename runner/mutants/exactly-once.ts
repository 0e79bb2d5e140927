import { defineMutants } from "./mutant.ts";

export default defineMutants("exactly-once", [
  {
    name: "no-dedup",
    bug: "applies every delivery it receives: at-least-once delivery becomes at-least-once effects",
    edits: [{ file: "consumer.ts", find: "    if (applied.has(msg.id)) return; // a retry or a duplicate: already done\n", replace: "" }],
  },
  {
    name: "no-sync",
    bug: "records applied ids on disk but never syncs, so a crash forgets them and redeliveries are applied again",
    edits: [{ file: "consumer.ts", find: "    ctx.disk.sync();\n", replace: "" }],
  },
  {
    name: "dedup-in-memory",
    bug: "keeps the applied ids in memory only: after a restart every redelivery looks new",
    edits: [{ file: "consumer.ts", find: "new Set<string>(ctx.disk.get<string[]>(\"applied\") ?? [])", replace: "new Set<string>()" }],
  },
  {
    name: "dedup-by-content",
    bug: "deduplicates by what the message says (its amount) rather than by its id, so a second payment of the same amount is silently dropped",
    edits: [
      { file: "consumer.ts", find: "    if (applied.has(msg.id)) return;", replace: "    if (applied.has(String(msg.amount))) return;" },
      { file: "consumer.ts", find: "    applied.add(msg.id);", replace: "    applied.add(String(msg.amount));" },
    ],
  },
  {
    name: "ack-before-processing",
    bug: "acknowledges on receipt and processes later: a crash in between loses the payment for good (at-most-once)",
    edits: [
      { file: "consumer.ts", find: "      apply(msg);\n", replace: "      later.push(msg);\n" },
      { file: "consumer.ts", find: "  let toAck: string[] = [];\n", replace: "  let toAck: string[] = [];\n  const later: Deliver[] = [];\n" },
      { file: "consumer.ts", find: "      if (toAck.length > 0) ctx.send(", replace: "      for (const m of later.splice(0)) apply(m);\n      if (toAck.length > 0) ctx.send(" },
      { file: "consumer.ts", find: "    onTimer() {\n", replace: "    onTimer() {\n      if (toAck.length > 0) ctx.send(producer, { type: \"ack\", ids: toAck });\n      toAck = [];\n      ctx.setTimer(\"ack\", 15);\n      return;\n" },
    ],
  },
]);
