import { defineMutants } from "./mutant.ts";

const FILE = "frontEnd.ts";

export default defineMutants("harvest-yield", [
  {
    name: "wait-for-every-shard",
    bug: "never answers until every shard has answered: full harvest, and no answer at all while a shard is unreachable (yield pays)",
    edits: [{ file: FILE, find: "        ctx.setTimer(qid, ANSWER_BY_MS);\n", replace: "" }],
  },
  {
    name: "primaries-only",
    bug: "asks only each shard's primary, so a shard whose primary is cut off is missing even though its backup could have answered",
    edits: [{ file: FILE, find: "for (const r of replicas) ctx.send(", replace: "for (const r of replicas.slice(0, 1)) ctx.send(" }],
  },
  {
    name: "first-reply-wins",
    bug: "keeps the first part to arrive for each shard, which is often the backup's stale one, even when the fresh primary answers in time",
    edits: [{ file: FILE, find: "if (!old || msg.version > old.version) q.best", replace: "if (!old) q.best" }],
  },
  {
    name: "deadline-of-the-client",
    bug: "takes the client's 150 ms as its own deadline, forgetting that the result still has to travel back: partial answers arrive after the client has given up",
    edits: [{ file: FILE, find: "export const ANSWER_BY_MS = 60;", replace: "export const ANSWER_BY_MS = 150;" }],
  },
  {
    name: "parts-shared-between-queries",
    bug: "keeps one best part per shard for the whole front end instead of per query, so an answer can carry hits of another query's term",
    edits: [
      { file: FILE, find: "  const open = new Map<string, Query>();\n", replace: "  const open = new Map<string, Query>();\n  const shared: Record<number, Part> = {};\n" },
      { file: FILE, find: "open.set(qid, { client: from, id: msg.id, best: {}, primaries: [] });", replace: "open.set(qid, { client: from, id: msg.id, best: shared, primaries: [] });" },
    ],
  },
  {
    name: "answers-twice",
    bug: "answers early when every primary has replied but forgets the query, so the deadline timer answers it a second time",
    edits: [{ file: FILE, find: "    open.delete(qid);\n    ctx.cancelTimer(qid);\n", replace: "" }],
  },
]);
