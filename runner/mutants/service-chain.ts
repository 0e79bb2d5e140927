import { defineMutants } from "./mutant.ts";

const FILE = "orders.ts";

export default defineMutants("service-chain", [
  {
    name: "synchronous-chain",
    bug: "answers the shopper only when the whole chain is done, as an RPC would: the orders service is then up only when all three services are",
    edits: [
      { file: FILE, find: "  const keyOf = ", replace: "  const shopperOf: Record<string, string> = {};\n  const keyOf = " },
      { file: FILE, find: "        ctx.send(from, { type: \"accepted\", id: msg.id });\n", replace: "        shopperOf[msg.id] = from;\n        if (queue[msg.id] === STEPS.length) ctx.send(from, { type: \"accepted\", id: msg.id });\n" },
      { file: FILE, find: "        save(order, step + 1);\n", replace: "        save(order, step + 1);\n        if (step + 1 === STEPS.length && shopperOf[order]) ctx.send(shopperOf[order]!, { type: \"accepted\", id: order });\n" },
    ],
  },
  {
    name: "fresh-key-per-attempt",
    bug: "numbers each attempt in its idempotency key, so a retry after a lost reply is a new request and the step happens twice",
    edits: [
      { file: FILE, find: "  const keyOf = (order: string, step: number) => `${order}/${STEPS[step]}`;", replace: "  let attempt = 0;\n  const keyOf = (order: string, step: number) => `${order}#${attempt++}/${STEPS[step]}`;" },
      { file: FILE, find: "        const order = msg.key.slice(0, cut);", replace: "        const order = msg.key.slice(0, cut).split(\"#\")[0]!;" },
    ],
  },
  {
    name: "queue-not-synced",
    bug: "writes the queue but never syncs it: an order accepted just before a crash is forgotten",
    edits: [{ file: FILE, find: "    ctx.disk.sync(); // durable before anyone hears about it\n", replace: "" }],
  },
  {
    name: "no-retry",
    bug: "calls each step once and waits: a lost call or a service that was down leaves the order stuck forever",
    edits: [{ file: FILE, find: "      next(order); // no reply in time: call again, with the same key\n", replace: "" }],
  },
  {
    name: "whole-chain-at-once",
    bug: "calls all three services at once, so a parcel can leave before the payment has gone through",
    edits: [{ file: FILE, find: "    ctx.send(STEPS[step]!, { type: \"call\", key: keyOf(order, step), order });\n", replace: "    for (let s = step; s < STEPS.length; s++) ctx.send(STEPS[s]!, { type: \"call\", key: keyOf(order, s), order });\n" }],
  },
  {
    name: "skip-on-timeout",
    bug: "treats a step that timed out as done and moves on to the next one",
    edits: [{ file: FILE, find: "      next(order); // no reply in time: call again, with the same key\n", replace: "      const step = queue[order];\n      if (step !== undefined && step < STEPS.length) save(order, step + 1);\n      next(order);\n" }],
  },
  {
    name: "resume-only-unstarted",
    bug: "on restart resumes only the orders no service has been called for yet (step 0), reading 'carry on with what was queued' as 'start what was queued': an order half-way along the chain when the service crashed is stuck",
    edits: [{ file: FILE, find: "      for (const order of Object.keys(queue)) next(order);\n", replace: "      for (const order of Object.keys(queue)) if (queue[order] === 0) next(order);\n" }],
  },
]);
