import { defineMutants } from "./mutant.ts";

export default defineMutants("echo", [
  {
    name: "reply-to-first-peer",
    bug: "answers a fixed node instead of the sender (works with one client, breaks with several)",
    edits: [{ file: "echo.ts", find: "ctx.send(from, ", replace: "ctx.send(from.startsWith(\"c\") ? \"c1\" : from, " }],
  },
  {
    name: "count-instead-of-id",
    bug: "numbers replies with a counter instead of the request id (right only while nothing is lost or repeated)",
    edits: [
      { file: "echo.ts", find: "  return {\n", replace: "  let answered = 0;\n  return {\n" },
      { file: "echo.ts", find: "inReplyTo: msg.id,", replace: "inReplyTo: ++answered,"},
    ],
  },
  {
    name: "ignore-repeats",
    bug: "deduplicates requests and stays silent on a repeat, so a lost reply is never sent again (at-most-once)",
    edits: [
      { file: "echo.ts", find: "  return {\n", replace: "  const seen = new Set<string>();\n  return {\n" },
      { file: "echo.ts", find: "      if (msg.type !== \"echo\") return;\n", replace: "      if (msg.type !== \"echo\") return;\n      if (seen.has(`${from}/${msg.id}`)) return;\n      seen.add(`${from}/${msg.id}`);\n" },
    ],
  },
  {
    name: "reply-twice",
    bug: "sends every reply twice, \"to be safe\" (a node must not assume more sends mean more reliability)",
    edits: [{ file: "echo.ts", find: "      ctx.send(from, { type: \"echo_ok\", inReplyTo: msg.id, body: msg.body });\n", replace: "      ctx.send(from, { type: \"echo_ok\", inReplyTo: msg.id, body: msg.body });\n      ctx.send(from, { type: \"echo_ok\", inReplyTo: msg.id, body: msg.body });\n" }],
  },
  {
    name: "skip-blank-requests",
    bug: "ignores a request whose body is empty or whose id is 0, reading them as \"no body\" and \"no id\"",
    edits: [{ file: "echo.ts", find: "      if (msg.type !== \"echo\") return;\n", replace: "      if (msg.type !== \"echo\" || !msg.id || !msg.body) return;\n" }],
  },
  {
    name: "answer-clients-only",
    bug: "answers only nodes whose names start with \"c\", taking every other sender for a server that should not be asking",
    edits: [{ file: "echo.ts", find: "      if (msg.type !== \"echo\") return;\n", replace: "      if (msg.type !== \"echo\" || !from.startsWith(\"c\")) return;\n" }],
  },
  {
    name: "answer-every-message",
    bug: "replies to whatever arrives, echo_ok included, skipping the type check (two echo servers would answer each other forever)",
    edits: [{ file: "echo.ts", find: "      if (msg.type !== \"echo\") return;\n", replace: "      if (msg === null) return;\n" }],
  },
  {
    name: "reply-cache-joined-key",
    bug: "keeps a reply cache so a retry gets the first answer, keyed by sender and id run together: c1's request 12 and c11's request 2 share an entry",
    edits: [
      { file: "echo.ts", find: "  return {\n", replace: "  const first = new Map<string, string>();\n  return {\n" },
      { file: "echo.ts", find: "      if (msg.type !== \"echo\") return;\n", replace: "      if (msg.type !== \"echo\") return;\n      if (!first.has(from + msg.id)) first.set(from + msg.id, msg.body);\n      msg = { ...msg, body: first.get(from + msg.id)! };\n" },
    ],
  },
]);
