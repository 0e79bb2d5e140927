// The Raft track's test world: a cluster of the learner's Raft nodes, a
// "service" on each node that consumes what it applies, the classic lab's
// helpers (checkOneLeader, nCommitted, one(cmd), …) in virtual time, and the
// paper's safety properties checked after every event of the simulation.

import { expectThat, Violation } from "../../check/violation.ts";
import { guarded } from "../../sim/guard.ts";
import { Simulation, Stream, type Ctx, type Node, type NodeId, type FaultOp, type OutputRecord } from "../../sim/index.ts";
import type { Command, Entry, RaftMsg, RaftNode, RaftOut, RaftView } from "../../../exercises/raft/raft.ts";

/**
 * How the membrane treats a Raft node's methods (runner/learner/membrane.ts):
 * inspect() is the worksheet's window on the node's state, read after every
 * event by the invariant checks, so it is handed over as it is rather than
 * copied (copying whole logs after every event made the Raft track several
 * times slower); everything else a node says is copied as usual.
 */
export const RAFT_MEMBRANE = { views: ["inspect"] } as const;

export type { Command, Entry, RaftMsg, RaftNode, RaftOut, RaftView };
export type CreateRaft = (ctx: Ctx<RaftMsg, RaftOut>) => RaftNode;

/** The classic lab's election timeout unit: "sleep(RaftElectionTimeout)". */
export const ELECTION_TIMEOUT = 1000;
/** Message types that are requests (what the classic lab counts as RPCs). Replies are not counted. */
export const REQUEST_TYPES: ReadonlySet<string> = new Set(["RequestVote", "AppendEntries", "InstallSnapshot"]);

export function isRequest(msg: unknown): boolean {
  return typeof msg === "object" && msg !== null && REQUEST_TYPES.has((msg as { type?: string }).type ?? "");
}

export interface WorldOptions {
  n: number;
  unreliable?: boolean;
  /** The service snapshots every `snapshotEvery` applied entries (the snapshot stage: 10). */
  snapshotEvery?: number;
  /** Check the paper's invariants after every event (default true). */
  invariants?: boolean;
  schedule?: FaultOp[];
  /** Extra nodes (e.g. clients) beside the Raft nodes. */
  clients?: Record<NodeId, (ctx: Ctx<any, any>) => Node<any>>;
  /** Wrap each Raft node (e.g. a KV server around it); default: the Raft node itself. */
  wrap?: (create: CreateRaft) => (ctx: Ctx<any, any>) => Node<any>;
  /** How to reach a node's Raft when wrapped. */
  raftOf?: (node: unknown) => RaftNode;
}

export function sameCommand(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(c: unknown): string {
  const s = JSON.stringify(c);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function hashCommand(h: number, index: number, c: unknown): number {
  const s = typeof c === "string" ? c : JSON.stringify(c);
  let x = (h ^ Math.imul(index, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < s.length; i += 1 + (s.length >> 6)) x = Math.imul(x ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return (x ^ s.length) >>> 0;
}

/** The snapshot a harness service hands to Raft: small, and checkable. */
export type ServiceSnapshot = { upTo: number; digest: number };

/** Per node: what its service has consumed in the current incarnation. */
interface Service {
  instance: unknown;
  last: number;
  /** Snapshots Raft handed this service, in all incarnations. */
  snapshots: number;
  digest: number;
  /** Highest index this node ever applied (across restarts): what nCommitted counts. */
  everUpTo: number;
}

// What the learner's getState(), start() and inspect() return is checked as
// their code handed it back, before the harness relies on any of it: a term
// that is a string or an isLeader that is 1 would otherwise pass a truthiness
// test and hide a bug (or fail far from its cause).

const isCount = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0;

export function checkedState(id: NodeId, v: unknown, t: number): { term: number; isLeader: boolean } {
  const s = v as { term?: unknown; isLeader?: unknown } | null;
  expectThat(typeof s === "object" && s !== null && isCount(s.term) && typeof s.isLeader === "boolean", "getState() returns { term, isLeader }: a whole number ≥ 0 and true or false", () => `${id}.getState() returned ${show(v)}`, t);
  return s as { term: number; isLeader: boolean };
}

export function checkedStart(id: NodeId, v: unknown, t: number): { index: number; term: number; isLeader: boolean } {
  const s = v as { index?: unknown; term?: unknown; isLeader?: unknown } | null;
  expectThat(
    typeof s === "object" && s !== null && isCount(s.term) && typeof s.isLeader === "boolean" && Number.isInteger(s.index) && (s.isLeader ? (s.index as number) >= 1 : s.index === -1),
    "start() returns { index, term, isLeader }: as leader the entry's index (1 or more), otherwise index -1 and isLeader false",
    () => `${id}.start() returned ${show(v)}`,
    t,
  );
  return s as { index: number; term: number; isLeader: boolean };
}

const ROLES: ReadonlySet<unknown> = new Set(["follower", "candidate", "leader"]);

export function checkedView(id: NodeId, v: unknown, t: number): RaftView {
  const r = v as Partial<Record<keyof RaftView, unknown>> | null;
  expectThat(
    typeof r === "object" && r !== null && isCount(r.term) && (r.votedFor === null || typeof r.votedFor === "string") && ROLES.has(r.role) && isCount(r.commitIndex) && isCount(r.lastApplied) && isCount(r.snapshotIndex) && isCount(r.snapshotTerm) && Array.isArray(r.entries),
    "inspect() returns the node's state as the worksheet's RaftView says (whole numbers ≥ 0, votedFor a node id or null, role follower, candidate or leader, entries an array)",
    () => `${id}.inspect() returned ${show(v)}`,
    t,
  );
  return r as RaftView;
}

function termAt(v: RaftView, i: number): number {
  if (i === v.snapshotIndex) return v.snapshotTerm;
  if (i < v.snapshotIndex || i > v.snapshotIndex + v.entries.length) return -1;
  return v.entries[i - v.snapshotIndex - 1]!.term;
}

export class RaftWorld {
  readonly sim: Simulation;
  readonly ids: NodeId[];
  readonly n: number;
  readonly rand: Stream;
  readonly connected: boolean[];
  /** Requests sent so far (RequestVote, AppendEntries, InstallSnapshot). */
  requests = 0;
  private reordering = false;
  private readonly raftOf: (node: unknown) => RaftNode;
  private readonly services: Service[];
  /** The command every node applied at each index (State Machine Safety). */
  readonly applied = new Map<number, Command>();
  private readonly digestAt = new Map<number, number>();
  /** Term of the entry committed at each index, as commit indices advance. */
  private readonly committedTerm: number[] = [];
  /**
   * The term in which each index was first seen committed (the committing
   * node's current term). Leader Completeness binds only leaders of later
   * terms: a stale node may still win an older term after a newer commit.
   */
  private readonly committedIn: number[] = [];
  private maxCommitted = 0;
  private readonly leaderOf = new Map<number, NodeId>();
  private readonly leaderLog = new Map<NodeId, { term: number; last: number; lastTerm: number }>();
  private readonly seenCommit = new Map<NodeId, { inst: unknown; commit: number }>();
  /** Per node: snapshotIndex, lastIndex and last term when its log was last checked. */
  private readonly sig: number[][];
  /** (index, term) → what an entry with that index and term holds: Log Matching. */
  private readonly entryAt = new Map<string, { prevTerm: number; command: Command }>();
  private readonly snapshotEvery: number;

  constructor(
    lab: { simulation(o: any): Simulation; seed: number },
    create: CreateRaft,
    readonly opts: WorldOptions,
  ) {
    this.n = opts.n;
    this.ids = Array.from({ length: opts.n }, (_, i) => `n${i + 1}`);
    this.connected = this.ids.map(() => true);
    this.rand = new Stream(lab.seed, "raft-harness");
    this.snapshotEvery = opts.snapshotEvery ?? 0;
    this.raftOf = opts.raftOf ?? ((x) => x as RaftNode);
    const factory = opts.wrap ? opts.wrap(create) : create;
    this.sim = lab.simulation({
      // The trace viewer shows each server's Raft state (term, role, log…), which lives in closures.
      inspect: (id: NodeId, inst: unknown) => (this.ids.includes(id) ? this.raftOf(inst).inspect() : undefined),
      nodes: Object.fromEntries(this.ids.map((id) => [id, factory])),
      clients: opts.clients,
      schedule: opts.schedule,
      network: opts.unreliable ? { drop: 0.1, delayMs: [0, 26] } : { delayMs: [1, 10] },
      messageRule: (_from: NodeId, _to: NodeId, msg: unknown) => {
        // Late messages: one in five, requests and replies alike, is held back 1–4 s (far past any election timeout).
        if (this.late) {
          if (isRequest(msg)) this.requests++;
          return { tail: 0.2, tailMs: [1000, 4000] };
        }
        if (isRequest(msg)) {
          this.requests++;
          return undefined;
        }
        // Long reordering: two replies in three are held back 200–2,200 ms.
        return this.reordering ? { tail: 2 / 3, tailMs: [200, 2200] } : undefined;
      },
    });
    this.sig = this.ids.map(() => [-1, -1, -1]);
    this.services = this.ids.map(() => ({ instance: null, last: 0, snapshots: 0, digest: 0, everUpTo: 0 }));
    this.sim.onOutput((o) => this.onOutput(o));
    if (opts.invariants !== false && !process.env["RAFT_NO_INV"]) this.sim.afterEvent((node) => this.checkInvariants(node));
  }

  raft(i: number): RaftNode | undefined {
    const inst = this.sim.node(this.ids[i]!);
    return inst ? this.raftOf(inst) : undefined;
  }

  // -------------------------------------------------------------------------
  // The service: consumes applied entries and snapshots, checks their order
  // and agreement, and snapshots every `snapshotEvery` entries.

  private onOutput(o: OutputRecord): void {
    const i = this.ids.indexOf(o.node);
    if (i < 0) return;
    const v = o.value as RaftOut;
    if (typeof v !== "object" || v === null || (v.type !== "applied" && v.type !== "snapshot")) return;
    const svc = this.services[i]!;
    const inst = this.sim.node(o.node);
    if (svc.instance !== inst) {
      // A new incarnation: its service starts empty (from the snapshot Raft reports, if any).
      svc.instance = inst;
      svc.last = 0;
      svc.digest = 0;
    }
    if (v.type === "snapshot") {
      const data = v.data as ServiceSnapshot | null;
      expectThat(v.index > svc.last, "a snapshot handed to the service is newer than what the service already applied (the service never goes backwards)", () => `${o.node} reported a snapshot up to index ${v.index} after applying up to ${svc.last}`, o.t);
      expectThat(data !== null && typeof data === "object" && data.upTo === v.index, "a snapshot reaches the service with the data the service saved for that same index", () => `${o.node} reported a snapshot for index ${v.index} carrying ${JSON.stringify(data)}`, o.t);
      const known = this.digestAt.get(v.index);
      expectThat(known === undefined || known === data.digest, "State Machine Safety: a snapshot holds the same state every node reached at that index", () => `${o.node}'s snapshot at index ${v.index} does not match what other nodes applied up to there`, o.t);
      svc.last = v.index;
      svc.snapshots++;
      svc.digest = data.digest;
      svc.everUpTo = Math.max(svc.everUpTo, v.index);
      return;
    }
    expectThat(v.index === svc.last + 1, "entries are applied in index order, each exactly once (after a restart, from the snapshot on)", () => `${o.node} applied index ${v.index} right after ${svc.last === 0 ? "starting" : `index ${svc.last}`}`, o.t);
    const raft = inst ? this.raftOf(inst) : undefined;
    if (raft) {
      const view = checkedView(o.node, raft.inspect(), o.t);
      expectThat(v.index <= view.commitIndex, "only committed entries are applied (index ≤ commitIndex)", () => `${o.node} applied index ${v.index} while its commitIndex was ${view.commitIndex}`, o.t);
    }
    const prior = this.applied.get(v.index);
    expectThat(prior === undefined || sameCommand(prior, v.command), "State Machine Safety: no two nodes apply different commands at the same index", () => `${o.node} applied ${show(v.command)} at index ${v.index}, but ${show(prior)} was applied there before`, o.t);
    if (prior === undefined) this.applied.set(v.index, v.command);
    svc.last = v.index;
    svc.digest = hashCommand(svc.digest, v.index, v.command);
    svc.everUpTo = Math.max(svc.everUpTo, v.index);
    const d = this.digestAt.get(v.index);
    if (d === undefined) this.digestAt.set(v.index, svc.digest);
    else expectThat(d === svc.digest, "State Machine Safety: every node reaches the same state at the same index", () => `${o.node}'s state after index ${v.index} differs from other nodes' (an entry before it differed)`, o.t);
    if (this.snapshotEvery > 0 && v.index % this.snapshotEvery === 0) {
      const index = v.index;
      const data: ServiceSnapshot = { upTo: index, digest: svc.digest };
      // Like the classic tester, the service snapshots after the apply, not inside it.
      this.sim.at(this.sim.now, () => {
        if (this.sim.node(o.node) !== inst || !inst) return;
        this.sim.call<unknown, void>(o.node, "snapshot", (x) => this.raftOf(x).snapshot(index, data));
      });
    }
  }

  // -------------------------------------------------------------------------
  // The paper's invariants (§5.2–§5.4, Figure 3), after every event.

  /** Checks the node an event happened to (its state changes only then), or every node when the event may have touched any. */
  private checkInvariants(touched: NodeId | null = null): void {
    const t = this.sim.now;
    for (let i = 0; i < this.n; i++) {
      const id = this.ids[i]!;
      if (touched !== null && touched !== id) continue;
      const inst = this.sim.node(id);
      if (!inst) continue;
      const v = checkedView(id, this.raftOf(inst).inspect(), t);
      const lastIndex = v.snapshotIndex + v.entries.length;
      if (v.role === "leader") {
        const known = this.leaderOf.get(v.term);
        if (known === undefined) {
          this.leaderOf.set(v.term, id);
          // Leader Completeness: a new leader holds every committed entry.
          for (let k = v.snapshotIndex + 1; k <= this.maxCommitted; k++) {
            const ct = this.committedTerm[k];
            const inTerm = this.committedIn[k];
            if (ct !== undefined && inTerm !== undefined && inTerm < v.term && termAt(v, k) !== ct)
              throw new Violation("Leader Completeness: a leader's log holds every entry committed in earlier terms", `${id} became leader of term ${v.term} with ${termAt(v, k) < 0 ? "no entry" : `an entry of term ${termAt(v, k)}`} at index ${k}, where an entry of term ${ct} was committed`, t);
          }
        } else if (known !== id) {
          throw new Violation("Election Safety: at most one leader per term", `${known} and ${id} are both leaders of term ${v.term}`, t);
        }
        const prev = this.leaderLog.get(id);
        if (prev && prev.term === v.term && prev.last > v.snapshotIndex) {
          if (lastIndex < prev.last || termAt(v, prev.last) !== prev.lastTerm)
            throw new Violation("Leader Append-Only: a leader never overwrites or deletes entries in its log", `${id}, leader of term ${v.term}, had ${prev.last} entries (last of term ${prev.lastTerm}) and now has ${lastIndex}${lastIndex >= prev.last ? ` with an entry of term ${termAt(v, prev.last)} at ${prev.last}` : ""}`, t);
        }
        this.leaderLog.set(id, { term: v.term, last: lastIndex, lastTerm: termAt(v, lastIndex) });
      }
      // Committed entries never change (and commitIndex never passes the log).
      const sc = this.seenCommit.get(id);
      const from = sc && sc.inst === inst ? sc.commit : v.snapshotIndex;
      if (v.commitIndex > from) {
        expectThat(v.commitIndex <= lastIndex, "commitIndex never exceeds the last index of the log", () => `${id} has commitIndex ${v.commitIndex} but its log ends at ${lastIndex}`, t);
        for (let k = Math.max(from, v.snapshotIndex) + 1; k <= v.commitIndex; k++) {
          const term = termAt(v, k);
          const ct = this.committedTerm[k];
          if (ct === undefined) {
            this.committedTerm[k] = term;
            this.committedIn[k] = v.term;
          }
          else if (ct !== term) throw new Violation("State Machine Safety: an entry, once committed, is the entry every node commits at that index", `${id} committed an entry of term ${term} at index ${k}, where an entry of term ${ct} was committed before`, t);
        }
        if (v.commitIndex > this.maxCommitted) this.maxCommitted = v.commitIndex;
      }
      this.seenCommit.set(id, { inst, commit: v.commitIndex });
      // Log Matching, on the tail of logs that changed.
      const sig = this.sig[i]!;
      const lt = termAt(v, lastIndex);
      if (sig[0] !== v.snapshotIndex || sig[1] !== lastIndex || sig[2] !== lt) {
        sig[0] = v.snapshotIndex;
        sig[1] = lastIndex;
        sig[2] = lt;
        this.checkLogMatching(id, v, Math.max(v.snapshotIndex + 1, lastIndex - 16), lastIndex, t);
      }
    }
  }

  private checkLogMatching(id: NodeId, v: RaftView, lo: number, hi: number, t: number): void {
    for (let k = lo; k <= hi; k++) {
      const e = v.entries[k - v.snapshotIndex - 1] as Entry;
      expectThat(typeof e === "object" && e !== null && isCount(e.term), "inspect().entries holds the log's entries, each { term, command }", () => `${id}'s entry at index ${k} is ${show(e)}`, t);
      const prevTerm = termAt(v, k - 1);
      const key = `${k}:${e.term}`;
      const seen = this.entryAt.get(key);
      if (!seen) this.entryAt.set(key, { prevTerm, command: e.command });
      else if (!sameCommand(seen.command, e.command) || (prevTerm >= 0 && seen.prevTerm >= 0 && seen.prevTerm !== prevTerm))
        throw new Violation("Log Matching: two entries with the same index and term hold the same command and follow identical logs", `${id} has ${show(e.command)} (term ${e.term}) at index ${k} after an entry of term ${prevTerm}; elsewhere that index and term hold ${show(seen.command)} after an entry of term ${seen.prevTerm}`, t);
    }
  }

  /** Log Matching over every entry of every live node (end of a scenario). */
  checkAllLogs(): void {
    for (let i = 0; i < this.n; i++) {
      const r = this.raft(i);
      if (!r) continue;
      const v = checkedView(this.ids[i]!, r.inspect(), this.sim.now);
      this.checkLogMatching(this.ids[i]!, v, v.snapshotIndex + 1, v.snapshotIndex + v.entries.length, this.sim.now);
    }
  }

  // -------------------------------------------------------------------------
  // Network and failures, in the classic lab's terms.

  /**
   * Links follow `connected` lazily: changes made at one instant are applied
   * together just after it (a restart followed at once by connect() needs no
   * fault at all), and a crashed server needs no partition (it hears nothing).
   */
  private applyLinks(): void {
    if (this.linksPending) return;
    this.linksPending = true;
    this.sim.at(this.sim.now, () => {
      this.linksPending = false;
      const want = new Set(this.ids.filter((id, i) => !this.connected[i] && this.sim.isUp(id)));
      const have = this.isolated;
      if (want.size === have.size && [...want].every((id) => have.has(id))) return;
      if ([...have].some((id) => !want.has(id))) {
        this.sim.heal();
        have.clear();
      }
      for (const id of want) if (!have.has(id)) this.sim.isolate(id);
      this.isolated = want;
    });
  }
  private linksPending = false;
  private isolated = new Set<NodeId>();
  disconnect(i: number): void {
    this.connected[i] = false;
    this.applyLinks();
  }
  connect(i: number): void {
    this.connected[i] = true;
    this.applyLinks();
  }
  /** Crash server i (its disk survives); like the classic crash1 it is also disconnected. */
  crash1(i: number): void {
    this.connected[i] = false;
    this.applyLinks();
    if (this.sim.isUp(this.ids[i]!)) this.sim.crash(this.ids[i]!);
  }
  /** (Re)start server i from its disk, still disconnected: connect(i) lets it talk. */
  start1(i: number): void {
    this.crash1(i);
    this.sim.restart(this.ids[i]!);
  }
  isUp(i: number): boolean {
    return this.sim.isUp(this.ids[i]!);
  }
  setUnreliable(on: boolean): void {
    this.sim.setNetwork(on ? { drop: 0.1, delayMs: [0, 26] } : { drop: 0, delayMs: [1, 10] });
  }
  setLongReordering(on: boolean): void {
    this.reordering = on;
  }
  /** Holds back one message in five, requests and replies alike, 1–4 s: old-term requests and stale replies arrive late. */
  setLateMessages(on: boolean): void {
    this.late = on;
  }
  private late = false;

  /** Crashes server i (like crash1) right after the event that makes `when()` true, before anything else happens at that instant. */
  crashWhen(i: number, when: () => boolean): void {
    if (!this.watching) {
      this.watching = true;
      this.sim.afterEvent(() => {
        for (const t of this.triggers.filter((x) => x.when())) {
          this.triggers.splice(this.triggers.indexOf(t), 1);
          this.crash1(t.i);
        }
      });
    }
    this.triggers.push({ i, when });
  }
  private readonly triggers: { i: number; when: () => boolean }[] = [];
  private watching = false;
  /** Whether a crash armed with crashWhen is still waiting. */
  crashPending(): boolean {
    return this.triggers.length > 0;
  }
  /** The highest index server i's service has reached in its current incarnation (0 if down). */
  appliedBy(i: number): number {
    const svc = this.services[i]!;
    const inst = this.sim.node(this.ids[i]!);
    return inst && svc.instance === inst ? svc.last : 0;
  }
  /** How many snapshots Raft has handed server i's service, over all its incarnations. */
  snapshotsBy(i: number): number {
    return this.services[i]!.snapshots;
  }
  sleep(ms: number): void {
    this.sim.run(ms);
  }
  randInt(max: number): number {
    return Math.floor(this.rand.next() * max);
  }

  // -------------------------------------------------------------------------
  // Asking the nodes.

  getState(i: number): { term: number; isLeader: boolean } | null {
    if (!this.isUp(i)) return null;
    return checkedState(this.ids[i]!, this.sim.call<unknown, unknown>(this.ids[i]!, "getState", (x) => this.raftOf(x).getState()), this.sim.now);
  }
  start(i: number, cmd: Command): { index: number; term: number; isLeader: boolean } | null {
    if (!this.isUp(i)) return null;
    return checkedStart(this.ids[i]!, this.sim.call<unknown, unknown>(this.ids[i]!, "start", (x) => this.raftOf(x).start(cmd)), this.sim.now);
  }

  /** The leader of the newest term among connected servers; at most one leader per term. Waits up to ~5 s. */
  checkOneLeader(): number {
    for (let iter = 0; iter < 10; iter++) {
      this.sleep(450 + this.randInt(100));
      const leaders = new Map<number, number[]>();
      for (let i = 0; i < this.n; i++) {
        if (!this.connected[i]) continue;
        const st = this.getState(i);
        if (st?.isLeader) leaders.set(st.term, [...(leaders.get(st.term) ?? []), i]);
      }
      let newest = -1;
      for (const [term, ls] of leaders) {
        expectThat(ls.length <= 1, "at most one leader per term", () => `term ${term} has ${ls.length} leaders: ${ls.map((x) => this.ids[x]).join(", ")}`, this.sim.now);
        newest = Math.max(newest, term);
      }
      if (newest >= 0) return leaders.get(newest)![0]!;
    }
    throw new Violation("a connected majority elects a leader within 5 s", `no connected server (${this.connectedIds()}) claimed leadership for 5 s`, this.sim.now);
  }

  /** All connected servers agree on the term; returns it. */
  checkTerms(): number {
    let term = -1;
    for (let i = 0; i < this.n; i++) {
      if (!this.connected[i]) continue;
      const st = this.getState(i)!;
      if (term === -1) term = st.term;
      else expectThat(term === st.term, "connected servers agree on the term once an election settles", () => `${this.ids[i]} is in term ${st.term}, others in term ${term}`, this.sim.now);
    }
    return term;
  }

  /** No connected server thinks it is leader. */
  checkNoLeader(): void {
    for (let i = 0; i < this.n; i++) {
      if (!this.connected[i]) continue;
      const st = this.getState(i);
      expectThat(!st?.isLeader, "a minority cannot elect a leader", () => `${this.ids[i]} is leader of term ${st!.term} although only ${this.connectedIds()} are connected`, this.sim.now);
    }
  }

  private connectedIds(): string {
    return this.ids.filter((_, i) => this.connected[i]).join(", ") || "none";
  }

  /** How many servers have applied `index`, and what. */
  nCommitted(index: number): { count: number; cmd: Command | undefined } {
    let count = 0;
    for (const s of this.services) if (s.everUpTo >= index) count++;
    return { count, cmd: this.applied.get(index) };
  }

  /**
   * A client that gets `cmd` agreed on: tries each connected server until one
   * accepts it as leader, then waits up to 2 s for `expected` servers to apply
   * it; with `retry`, tries again (up to 10 s in all). Runs in the background.
   */
  propose(cmd: Command, expected: number, retry: boolean): Proposal {
    const p = new Proposal(this, cmd, expected, retry);
    p.step();
    return p;
  }

  /** Blocking: the classic one(cmd, expectedServers, retry). Returns the index. */
  one(cmd: Command, expected: number, retry: boolean): number {
    const p = this.propose(cmd, expected, retry);
    // Run exactly to each moment the proposal looks again (cheaper than checking after every event).
    while (!p.done) this.sim.runUntil(p.nextAt);
    p.expectAgreed();
    return p.index;
  }

  /** Waits (with backoff) until `n` servers applied `index`; -1 if some server moved past `startTerm`. */
  wait(index: number, n: number, startTerm: number): Command | -1 {
    let to = 10;
    for (let iters = 0; iters < 30; iters++) {
      if (this.nCommitted(index).count >= n) break;
      this.sleep(to);
      if (to < 1000) to *= 2;
      if (startTerm > -1) {
        for (let i = 0; i < this.n; i++) {
          const st = this.getState(i);
          if (st && st.term > startTerm) return -1; // someone moved on: the caller retries
        }
      }
    }
    const { count, cmd } = this.nCommitted(index);
    expectThat(count >= n, "every committed entry reaches the servers that can hear the leader", () => `only ${count} servers applied index ${index}; wanted ${n}`, this.sim.now);
    return cmd as Command;
  }

  rpcTotal(): number {
    return this.requests;
  }
  bytesTotal(): number {
    let b = 0;
    for (const id of this.ids) b += this.sim.stats(id).bytesSent;
    return b;
  }
  /** The largest persisted state (bytes on disk) of any server. */
  logSize(): number {
    let m = 0;
    for (const id of this.ids) m = Math.max(m, this.sim.disk(id).bytes);
    return m;
  }
}

export class Proposal {
  done = false;
  ok = false;
  index = -1;
  private starts = 0;
  private readonly t0: number;
  private t1 = 0;
  /** When this proposal next looks at the cluster. */
  nextAt = 0;
  constructor(
    private readonly w: RaftWorld,
    readonly cmd: Command,
    private readonly expected: number,
    private readonly retry: boolean,
  ) {
    this.t0 = w.sim.now;
    this.starts = w.randInt(w.n);
  }

  step(): void {
    const w = this.w;
    if (this.done) return;
    if (w.sim.now - this.t0 >= 10_000) return this.finish(false);
    let index = -1;
    for (let k = 0; k < w.n; k++) {
      this.starts = (this.starts + 1) % w.n;
      if (!w.connected[this.starts]) continue;
      const r = w.start(this.starts, this.cmd);
      if (r?.isLeader) {
        index = r.index;
        break;
      }
    }
    if (index === -1) return this.later(50, () => this.step());
    this.index = index;
    this.t1 = w.sim.now;
    this.poll();
  }

  private poll(): void {
    const w = this.w;
    const { count, cmd } = w.nCommitted(this.index);
    if (count > 0 && count >= this.expected && sameCommand(cmd, this.cmd)) return this.finish(true);
    if (w.sim.now - this.t1 < 2000) return this.later(20, () => this.poll());
    if (!this.retry) return this.finish(false);
    this.step();
  }

  private later(ms: number, fn: () => void): void {
    this.nextAt = this.w.sim.now + ms;
    this.w.sim.at(this.nextAt, fn);
  }

  private finish(ok: boolean): void {
    this.done = true;
    this.ok = ok;
  }

  expectAgreed(): void {
    const c = this.w.nCommitted(this.index);
    expectThat(this.ok, "a command submitted to a connected majority is agreed within 10 s", () =>
      this.index < 0 ? `no connected server accepted ${show(this.cmd)} as leader` : `${show(this.cmd)} was accepted at index ${this.index} but ${c.count} servers applied it (wanted ${this.expected})${c.cmd !== undefined && !sameCommand(c.cmd, this.cmd) ? `, and index ${this.index} holds ${show(c.cmd)}` : ""}`, this.w.sim.now);
  }
}

// ---------------------------------------------------------------------------
// Puppets: harness-driven peers for white-box scenarios. The node under test
// talks to them like to any peer; the scenario decides what they say.

export interface Puppet extends Node<RaftMsg> {
  inbox: { t: number; from: NodeId; msg: RaftMsg }[];
  send(to: NodeId, msg: RaftMsg): void;
  /** Answer votes and appends automatically (grant / success). */
  auto: boolean;
}

export function puppet(ctx: Ctx<RaftMsg>): Puppet {
  const p: Puppet = {
    inbox: [],
    auto: false,
    send: (to, msg) => ctx.send(to, msg),
    onMessage(from, msg) {
      p.inbox.push({ t: ctx.now(), from, msg });
      if (!p.auto) return;
      if (msg.type === "RequestVote") ctx.send(from, { type: "RequestVoteReply", term: msg.term, voteGranted: true });
      if (msg.type === "AppendEntries")
        ctx.send(from, { type: "AppendEntriesReply", term: msg.term, success: true, matchIndex: msg.prevLogIndex + msg.entries.length, conflictIndex: 0, conflictTerm: null });
    },
  };
  return p;
}

/**
 * Runs a whole scenario under one installation of the determinism guard (the
 * simulator would otherwise install it for every run() and call()): the
 * harness code in between uses only seeded randomness and virtual time.
 */
export function story<T>(fn: () => T): T {
  return guarded(() => ({}), fn);
}
