import { defineMutants } from "./mutant.ts";

export default defineMutants("two-generals", [
  {
    name: "fire-and-forget",
    bug: "the commander sends the order once and never again: one lost messenger (or lost ack) and the generals split",
    edits: [{ file: "generals.ts", find: "    ctx.setTimer(\"retry\", RETRY_MS);\n", replace: "" }],
  },
  {
    name: "ack-only-once",
    bug: "the lieutenant acknowledges only the first copy of the order, so when that ack is lost the commander never learns",
    edits: [
      { file: "generals.ts", find: "        plan = msg.plan;\n", replace: "        if (plan !== null) return;\n        plan = msg.plan;\n" },
    ],
  },
  {
    name: "attack-on-any-word",
    bug: "the lieutenant attacks as soon as it hears from the commander, whatever the order says (breaks validity)",
    edits: [{ file: "generals.ts", find: "    decide() {\n      if (plan !== \"attack\") return false;", replace: "    decide() {\n      if (ctx.id === \"g2\" && plan !== null) return true;\n      if (plan !== \"attack\") return false;" }],
  },
  {
    name: "adversary-cuts-too-early",
    bug: "the adversary cuts the link before the ACK: neither general hears enough, both hold, and they agree",
    edits: [{ file: "adversary.ts", find: "cutAfter: 2 }", replace: "cutAfter: 1 }" }],
  },
  {
    name: "adversary-loses-one-confirm",
    bug: "the adversary loses only the first CONFIRM; g2's retried ACK draws another CONFIRM and both attack",
    edits: [{ file: "adversary.ts", find: "{ lose: [], cutAfter: 2 }", replace: "{ lose: [3] }" }],
  },
  {
    name: "order-until-dawn",
    bug: "the commander keeps sending the order all night, acknowledged or not, \"for extra certainty\": the conversation never ends",
    edits: [
      { file: "generals.ts", find: "    if (plan === null || acked) return;\n", replace: "    if (plan === null) return;\n" },
      { file: "generals.ts", find: "        ctx.cancelTimer(\"retry\");\n", replace: "" },
    ],
  },
  {
    name: "give-up-on-slow-ack",
    bug: "the commander stops waiting after five tries and ignores an acknowledgement that comes later, mistaking a slow messenger for a lost one",
    edits: [
      { file: "generals.ts", find: "  let acked = false; // commander only: has the lieutenant confirmed?\n", replace: "  let acked = false; // commander only: has the lieutenant confirmed?\n  let tries = 0;\n" },
      { file: "generals.ts", find: "    if (plan === null || acked) return;\n", replace: "    if (plan === null || acked || ++tries > 5) return;\n" },
      { file: "generals.ts", find: "      } else if (msg.kind === \"ack\") {\n", replace: "      } else if (msg.kind === \"ack\" && tries <= 5) {\n" },
    ],
  },
]);
