import { defineMutants } from "./mutant.ts";

const APPLY_IF_NEW = "      if (!isApplied(from, msg.seq)) apply(from, msg);\n";

export default defineMutants("exactly-once", [
  {
    name: "no-dedup",
    bug: "applies every delivery it receives: at-least-once delivery becomes at-least-once effects",
    edits: [{ file: "consumer.ts", find: APPLY_IF_NEW, replace: "      apply(from, msg);\n" }],
  },
  {
    name: "no-sync",
    bug: "records what it applied on disk but never syncs, so a crash forgets it and redeliveries are applied again",
    edits: [{ file: "consumer.ts", find: "    ctx.disk.sync();\n", replace: "" }],
  },
  {
    name: "dedup-in-memory",
    bug: "keeps what it applied in memory only: after a restart every redelivery looks new",
    edits: [{ file: "consumer.ts", find: "new Map<NodeId, Applied>(Object.entries(ctx.disk.get<Record<NodeId, Applied>>(\"applied\") ?? {}))", replace: "new Map<NodeId, Applied>()" }],
  },
  {
    name: "dedup-by-content",
    bug: "deduplicates by what the message says (its amount) rather than by its seq, so a second payment of the same amount is silently dropped",
    edits: [
      { file: "consumer.ts", find: APPLY_IF_NEW, replace: "      if (!isApplied(from, msg.seq) && !seenAmounts.has(`${from}/${msg.amount}`)) apply(from, msg);\n      seenAmounts.add(`${from}/${msg.amount}`);\n" },
      { file: "consumer.ts", find: "  const toAck = new Map<NodeId, Set<number>>();\n", replace: "  const toAck = new Map<NodeId, Set<number>>();\n  const seenAmounts = new Set<string>();\n" },
    ],
  },
  {
    name: "ack-before-processing",
    bug: "acknowledges on receipt and processes on the next tick: a crash in between loses the payment for good (at-most-once)",
    edits: [
      { file: "consumer.ts", find: APPLY_IF_NEW, replace: "      ctx.send(from, { type: \"ack\", seqs: [msg.seq] });\n      later.push([from, msg]);\n      return;\n" },
      { file: "consumer.ts", find: "  const toAck = new Map<NodeId, Set<number>>();\n", replace: "  const toAck = new Map<NodeId, Set<number>>();\n  const later: [NodeId, Deliver][] = [];\n" },
      { file: "consumer.ts", find: "    onTimer() {\n", replace: "    onTimer() {\n      for (const [f, m] of later.splice(0)) if (!isApplied(f, m.seq)) apply(f, m);\n" },
    ],
  },
  {
    name: "dedup-by-seq-alone",
    bug: "treats the seq as the payment's id and forgets who sent it: p2's seq 3 looks like a duplicate of p1's seq 3",
    edits: [
      { file: "consumer.ts", find: "    const a = applied.get(from);\n", replace: "    const a = applied.get(\"seq\");\n" },
      { file: "consumer.ts", find: "    const a = applied.get(from) ?? { below: 0, above: [] };", replace: "    const a = applied.get(\"seq\") ?? { below: 0, above: [] };" },
      { file: "consumer.ts", find: "    applied.set(from, a);", replace: "    applied.set(\"seq\", a);" },
    ],
  },
  {
    name: "never-forget",
    bug: "remembers every seq it ever applied and never slides a watermark: correct, but its disk grows with every payment",
    edits: [{ file: "consumer.ts", find: "    while (a.above.includes(a.below)) {", replace: "    while (a.above.includes(a.below) && a.below < 0) {" }],
  },
  {
    name: "ack-everything-applied",
    bug: "every acknowledgement names every seq ever applied by that producer, \"in case an ack was lost\": acks grow without bound",
    edits: [{ file: "consumer.ts", find: "ctx.send(producer, { type: \"ack\", seqs: [...seqs] });", replace: "ctx.send(producer, { type: \"ack\", seqs: [...Array.from({ length: applied.get(producer)?.below ?? 0 }, (_, i) => i), ...seqs] });" }],
  },
  {
    name: "seqs-start-at-one",
    bug: "starts each producer's watermark at 1, reading the seqs as counted from one: every producer's seq 0 is taken as already applied and lost",
    edits: [{ file: "consumer.ts", find: "    const a = applied.get(from) ?? { below: 0, above: [] };", replace: "    const a = applied.get(from) ?? { below: 1, above: [] };" }, { file: "consumer.ts", find: "    return a !== undefined && (seq < a.below", replace: "    return (a === undefined && seq === 0) || (a !== undefined && (seq < a.below" }, { file: "consumer.ts", find: "a.above.includes(seq));\n  }", replace: "a.above.includes(seq)));\n  }" }],
  },
  {
    name: "highest-seq-only",
    bug: "remembers only the highest seq applied and treats anything lower as a duplicate, as if the network kept order: a payment overtaken by a later one is never applied",
    edits: [{ file: "consumer.ts", find: "    a.above.push(msg.seq);\n", replace: "    a.below = Math.max(a.below, msg.seq + 1);\n" }],
  },
  {
    name: "acks-to-last-sender",
    bug: "sends every batch of acknowledgements to whichever producer spoke last, not to each payment's own producer",
    edits: [
      { file: "consumer.ts", find: "      for (const [producer, seqs] of toAck) ctx.send(producer, { type: \"ack\", seqs: [...seqs] });", replace: "      for (const [, seqs] of toAck) if (last) ctx.send(last, { type: \"ack\", seqs: [...seqs] });" },
      { file: "consumer.ts", find: "      if (msg.type !== \"deliver\") return;\n", replace: "      if (msg.type !== \"deliver\") return;\n      last = from;\n" },
      { file: "consumer.ts", find: "  const toAck = new Map<NodeId, Set<number>>();\n", replace: "  const toAck = new Map<NodeId, Set<number>>();\n  let last: NodeId | null = null;\n" },
    ],
  },
]);
