// The lab's sharded search index, for lesson 10 and the `harvest-yield`
// exercise: Fox and Brewer's setting ("Harvest, Yield, and Scalable Tolerant
// Systems", 1999), where a query must consult every shard of the data and a
// front end decides what to do when some shards cannot be reached.
//
// Four shards, each on two replicas: a primary (p1…p4) that always holds the
// whole shard, and a backup (b1…b4) that copies it from the primary every
// SYNC_MS, so a backup is a little behind, and further behind while it is cut
// off from its primary. The index grows: every shard gains one document every
// GROW_MS. A document's words are a pure function of (shard, number), so the
// suite knows the exact answer of any shard at any version.
//
//   front end → replica  {type: "search", qid, term}
//   replica → front end  {type: "hits", qid, shard, version, hits}
//
// `version` is how many documents of the shard the replica searched (the first
// `version` ones); `hits` are the numbers of those that contain `term`.

import type { Ctx, Node, NodeFactory, NodeId } from "../../sim/index.ts";

export const SHARDS: readonly { shard: number; replicas: readonly [primary: NodeId, backup: NodeId] }[] = [
  { shard: 1, replicas: ["p1", "b1"] },
  { shard: 2, replicas: ["p2", "b2"] },
  { shard: 3, replicas: ["p3", "b3"] },
  { shard: 4, replicas: ["p4", "b4"] },
];
export const REPLICAS: readonly NodeId[] = SHARDS.flatMap((s) => s.replicas);

export const WORDS = ["raft", "paxos", "quorum", "lease", "gossip", "crdt", "clock", "saga", "epoch", "fence", "shard", "merge"] as const;
/** Documents per shard at t = 0. */
export const INITIAL_DOCS = 60;
/** Each shard gains a document this often. */
export const GROW_MS = 50;
/** How often a primary sends its version to its backup. */
export const SYNC_MS = 200;

/** How many documents each shard holds at time t (what its primary searches). */
export function docsAt(t: number): number {
  return INITIAL_DOCS + Math.floor(t / GROW_MS);
}

/** The two words of document i of a shard (a fixed, well-mixed choice). */
export function wordsOf(shard: number, i: number): readonly [string, string] {
  const h = Math.imul(shard * 2654435761 + i * 40503, 2246822519) >>> 0;
  const a = h % WORDS.length;
  const b = (a + 1 + ((h >>> 8) % (WORDS.length - 1))) % WORDS.length;
  return [WORDS[a]!, WORDS[b]!];
}

// Every document containing a word, per shard, computed as far as anyone has
// asked: replicas and checks ask for the same prefixes over and over.
const postings = new Map<string, { upTo: number; docs: number[] }>();

/** The exact answer of `shard` for `term` over its first `version` documents. */
export function hitsOf(shard: number, version: number, term: string): number[] {
  const key = `${shard}/${term}`;
  let p = postings.get(key);
  if (!p) postings.set(key, (p = { upTo: 0, docs: [] }));
  for (; p.upTo < version; p.upTo++) if (wordsOf(shard, p.upTo).includes(term)) p.docs.push(p.upTo);
  let n = p.docs.length;
  while (n > 0 && p.docs[n - 1]! >= version) n--;
  return p.docs.slice(0, n);
}

export type SearchMsg =
  | { type: "search"; qid: string; term: string }
  | { type: "hits"; qid: string; shard: number; version: number; hits: number[] }
  | { type: "sync"; version: number };

export type Part = { shard: number; version: number; hits: number[] };

/** A primary: searches the whole shard as it is now, and keeps its backup (if any) informed. */
export function primary(shard: number, backup?: NodeId): NodeFactory<SearchMsg> {
  return (ctx: Ctx<SearchMsg>): Node<SearchMsg> => ({
    onStart() {
      if (backup) ctx.setTimer("sync", SYNC_MS);
    },
    onTimer() {
      ctx.send(backup!, { type: "sync", version: docsAt(ctx.now()) });
      ctx.setTimer("sync", SYNC_MS);
    },
    onMessage(from, msg) {
      if (msg.type !== "search") return;
      const version = docsAt(ctx.now());
      ctx.send(from, { type: "hits", qid: msg.qid, shard, version, hits: hitsOf(shard, version, msg.term) });
    },
  });
}

/** A backup: searches the copy it last received from its primary (kept on disk across restarts). */
export function backup(shard: number): NodeFactory<SearchMsg> {
  return (ctx: Ctx<SearchMsg>): Node<SearchMsg> => {
    let version = ctx.disk.get<number>("version") ?? INITIAL_DOCS;
    return {
      onMessage(from, msg) {
        if (msg.type === "sync" && msg.version > version) {
          version = msg.version;
          ctx.disk.set("version", version);
        } else if (msg.type === "search") ctx.send(from, { type: "hits", qid: msg.qid, shard, version, hits: hitsOf(shard, version, msg.term) });
      },
    };
  };
}

/** Every replica of the index, as a node table. */
export function indexNodes(): Record<NodeId, NodeFactory> {
  return Object.fromEntries(SHARDS.flatMap(({ shard, replicas: [p, b] }) => [[p, primary(shard, b)] as const, [b, backup(shard)] as const]));
}

/**
 * Fox and Brewer's harvest of an answer: the fraction of the data reflected in
 * it. The data is every document the index held when the query was asked; a
 * part reflects the first `version` documents of its shard (so a stale part
 * reflects less, and a missing shard nothing).
 */
export function harvestOf(parts: readonly Part[], askedAt: number, shards = SHARDS.length): number {
  const total = docsAt(askedAt);
  const reflected = parts.reduce((sum, p) => sum + Math.min(p.version, total), 0);
  return reflected / (total * shards);
}

/** Why `part` is not an exact answer of its shard for `term` (null when it is). */
export function partProblem(part: Part, term: string, answeredAt: number): string | null {
  if (!SHARDS.some((s) => s.shard === part.shard)) return `names shard ${JSON.stringify(part.shard)}, which does not exist (shards are 1–${SHARDS.length})`;
  if (!Number.isInteger(part.version) || part.version < 0 || part.version > docsAt(answeredAt)) return `says shard ${part.shard} had ${JSON.stringify(part.version)} documents, but it held ${docsAt(answeredAt)} at most`;
  const truth = hitsOf(part.shard, part.version, term);
  if (!Array.isArray(part.hits) || part.hits.length !== truth.length || part.hits.some((h, i) => h !== truth[i]))
    return `gives hits ${brief(part.hits)} for shard ${part.shard} at version ${part.version}, but "${term}" occurs there in documents ${brief(truth)}`;
  return null;
}

/** A list as short text: its first few items, then how many more. */
function brief(xs: unknown): string {
  if (!Array.isArray(xs)) return JSON.stringify(xs);
  return xs.length <= 10 ? `[${xs.join(", ")}]` : `[${xs.slice(0, 10).join(", ")}, … ${xs.length - 10} more]`;
}
