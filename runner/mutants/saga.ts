import { defineMutants } from "./mutant.ts";

const FILE = "saga.ts";

export default defineMutants("saga", [
  {
    name: "no-idempotency-key",
    bug: "every attempt gets a fresh key, so a retry after a lost reply books a second time",
    edits: [
      { file: FILE, find: "  const keyOf = (trip: string, s: ServiceId) => `${trip}/${s}`;", replace: "  let attempt = 0;\n  const keyOf = (trip: string, s: ServiceId) => `${trip}/${s}#${attempt++}`;" },
      { file: FILE, find: "    const i = key.lastIndexOf(\"/\");\n    return { trip: key.slice(0, i), service: key.slice(i + 1) as ServiceId };", replace: "    const i = key.lastIndexOf(\"/\");\n    return { trip: key.slice(0, i), service: key.slice(i + 1).split(\"#\")[0] as ServiceId };" },
    ],
  },
  {
    name: "compensate-once",
    bug: "sends each cancel once and never retries it: a lost cancel leaves a booking behind",
    edits: [
      {
        file: FILE,
        find: "      for (const s of pending) ctx.send(s, { type: \"cancel\", key: keyOf(trip, s) });\n    }",
        replace: "      for (const s of pending) ctx.send(s, { type: \"cancel\", key: keyOf(trip, s) });\n      return;\n    }",
      },
    ],
  },
  {
    name: "saga-log-in-memory",
    bug: "keeps the saga log in memory only: a crashed orchestrator forgets its sagas and never finishes them",
    edits: [
      { file: FILE, find: "  const log = (): Record<string, SagaRecord> => ctx.disk.get(\"sagas\") ?? {};", replace: "  let memory: Record<string, SagaRecord> = {};\n  const log = (): Record<string, SagaRecord> => memory;" },
      { file: FILE, find: "    ctx.disk.set(\"sagas\", { ...log(), [trip]: rec });", replace: "    memory = { ...log(), [trip]: rec };" },
    ],
  },
  {
    name: "compensate-last-only",
    bug: "undoes only the most recent booking, leaving earlier ones in place",
    edits: [{ file: FILE, find: "      const pending = rec.booked.filter((s) => !rec.cancelled.includes(s));", replace: "      const pending = rec.booked.slice(-1).filter((s) => !rec.cancelled.includes(s));" }],
  },
  {
    name: "book-on-refusal",
    bug: "treats a refusal as a success and carries on booking",
    edits: [{ file: FILE, find: "        if (msg.ok) {", replace: "        if (true) {" }],
  },
  {
    name: "books-all-at-once",
    bug: "sends the booking requests for the current step and every later one at once (\"book flight, hotel and car\"), so a step refused early leaves the later ones booked",
    edits: [{ file: FILE, find: "      const s = SERVICES[rec.step]!;\n      ctx.send(s, { type: \"book\", key: keyOf(trip, s), trip });", replace: "      for (const s of SERVICES.slice(rec.step)) ctx.send(s, { type: \"book\", key: keyOf(trip, s), trip });" }],
  },
  {
    name: "done-when-compensation-starts",
    bug: "reports done \"compensated\" as soon as a service refuses, while the cancels are still on their way (and may be lost)",
    edits: [
      { file: FILE, find: "        } else write(trip, { ...rec, phase: \"compensating\" });", replace: "        } else {\n          write(trip, { ...rec, phase: \"compensating\" });\n          ctx.output({ type: \"done\", trip, outcome: \"compensated\" });\n        }" },
      { file: FILE, find: "    ctx.output({ type: \"done\", trip, outcome });", replace: "    if (outcome === \"booked\") ctx.output({ type: \"done\", trip, outcome });" },
    ],
  },
  {
    name: "refusal-retried",
    bug: "takes a refusal for a passing failure and keeps asking the same service, so a trip with no room never finishes",
    edits: [{ file: FILE, find: "        } else write(trip, { ...rec, phase: \"compensating\" });\n        return act(trip);", replace: "        } else return;\n        return act(trip);" }],
  },
  {
    name: "split-key-on-slash",
    bug: "reads the trip back from a key with key.split(\"/\"), so a trip id that contains \"/\" never matches its replies",
    edits: [{ file: FILE, find: "    const i = key.lastIndexOf(\"/\");\n    return { trip: key.slice(0, i), service: key.slice(i + 1) as ServiceId };", replace: "    const [trip, service] = key.split(\"/\");\n    return { trip: trip!, service: service as ServiceId };" }],
  },
]);
