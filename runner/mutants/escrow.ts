import { defineMutants } from "./mutant.ts";

const FILE = "escrow.ts";

export default defineMutants("escrow", [
  {
    name: "check-the-stock-left",
    bug: "sells while the stock it knows of covers the order, instead of its own rights: each replica is right alone, and a partition oversells (not I-confluent)",
    edits: [{ file: FILE, find: "if (req.qty > 0 && rights() >= req.qty) {", replace: "if (req.qty > 0 && STOCK - Object.values(state.sold).reduce((a, b) => a + b, 0) >= req.qty) {" }],
  },
  {
    name: "merge-adds",
    bug: "merges a received state by adding the counts instead of taking the larger: a repeated state counts twice, and a gift of rights grows with every gossip",
    edits: [
      { file: FILE, find: "if (v > n(state.sold[k])) (state.sold[k] = v), (changed = true);", replace: "if (k !== me) (state.sold[k] = n(state.sold[k]) + v), (changed = true);" },
      { file: FILE, find: "if (v > n(state.given[k])) (state.given[k] = v), (changed = true);", replace: "if (!k.startsWith(`${me}>`)) (state.given[k] = n(state.given[k]) + v), (changed = true);" },
    ],
  },
  {
    name: "rights-in-memory",
    bug: "keeps its counts in memory only: after a restart it believes it has its whole share again, and sells it twice",
    edits: [{ file: FILE, find: "const state: State = ctx.disk.get<State>(\"state\") ?? { sold: {}, given: {} };", replace: "const state: State = { sold: {}, given: {} };" }],
  },
  {
    name: "gifts-not-debited",
    bug: "counts the rights others gave it but not the rights it gave away, so what it hands over it can still sell",
    edits: [{ file: FILE, find: "r += n(state.given[`${p}>${me}`]) - n(state.given[`${me}>${p}`]);", replace: "r += n(state.given[`${p}>${me}`]);" }],
  },
  {
    name: "ask-before-every-sale",
    bug: "to be safe, asks the others before every sale and decides when their state comes back: a round trip per sale, and nothing sold during a partition",
    edits: [
      { file: FILE, find: "  let asked = false;\n", replace: "  let asked = false;\n  const waiting: { client: NodeId; req: { id: number; qty: number } }[] = [];\n" },
      { file: FILE, find: "          return sell(from, msg);\n", replace: "          waiting.push({ client: from, req: msg });\n          for (const p of ctx.peers) ctx.send(p, { type: \"need\", have: rights(), state: copy() });\n          return;\n" },
      { file: FILE, find: "          return merge(msg.state);\n", replace: "          merge(msg.state);\n          for (const w of waiting.splice(0)) sell(w.client, w.req);\n          return;\n" },
    ],
  },
  {
    name: "never-ask",
    bug: "never asks the others for rights: a replica whose buyers outnumber its share refuses them while the others sit on theirs",
    edits: [{ file: FILE, find: "    if (rights() < LOW) askForRights();\n", replace: "" }],
  },
]);
