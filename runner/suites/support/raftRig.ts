// The rule tests' rig: one learner Raft node (n1) among puppet peers whose
// every message the test writes, so that one rule of the paper is driven at a
// time — stale, duplicated and old-term messages included — and nothing else
// happens unless the test says so.

import { expectThat } from "../../check/violation.ts";
import type { NodeId, Simulation } from "../../sim/index.ts";
import type { Lab } from "../harness/exercise.ts";
import { checkedStart, checkedState, checkedView, puppet, type CreateRaft, type Entry, type Puppet, type RaftMsg, type RaftNode, type RaftOut, type RaftView } from "./raft.ts";

export type Msg<T extends RaftMsg["type"]> = Extract<RaftMsg, { type: T }>;

/** How long a rule test waits for the node to act on its own (an election): well past any sane timeout. */
export const PATIENCE_MS = 5000;

export class Rig {
  readonly sim: Simulation;
  /** The puppets: n2, n3, … */
  readonly puppets: NodeId[];
  /** Crash n1 right after the event that makes this true (see crashRightAfter). */
  private crashWhen: (() => boolean) | null = null;

  constructor(lab: Lab, create: CreateRaft, readonly n = 3) {
    const nodes: Record<NodeId, (ctx: any) => any> = { n1: create };
    this.puppets = Array.from({ length: n - 1 }, (_, i) => `n${i + 2}`);
    for (const p of this.puppets) nodes[p] = puppet;
    this.sim = lab.simulation({ nodes, network: { delayMs: [1, 10] }, inspect: (id, inst) => (id === "n1" ? (inst as RaftNode).inspect() : undefined) });
    this.sim.afterEvent(() => {
      if (this.crashWhen && this.sim.isUp("n1") && this.crashWhen()) {
        this.crashWhen = null;
        this.sim.crash("n1");
      }
    });
  }

  // --- What the puppets say.

  /** A puppet sends a message to n1, then time moves on `ms`. */
  say(p: NodeId, msg: RaftMsg, ms = 20): void {
    this.sim.call<Puppet, void>(p, "send", (x) => x.send("n1", msg));
    this.sim.run(ms);
  }
  /** The same message sent `times` times (a duplicating network, or a retrying sender). */
  sayAgain(p: NodeId, msg: RaftMsg, times: number, ms = 20): void {
    for (let i = 0; i < times; i++) this.sim.call<Puppet, void>(p, "send", (x) => x.send("n1", msg));
    this.sim.run(ms);
  }
  /** Puppet `leader` (in `term`) gives n1 the entries `[cmd, term]…` after index `prev`. */
  append(leader: NodeId, term: number, prev: number, prevTerm: number, entries: [string, number][], leaderCommit = 0, ms = 20): void {
    this.say(leader, appendEntries(term, leader, prev, prevTerm, entries, leaderCommit), ms);
  }
  puppet(p: NodeId): Puppet {
    return this.sim.node<Puppet>(p)!;
  }
  /** Puppets answer every RequestVote and AppendEntries favourably. */
  auto(on: boolean): void {
    for (const p of this.puppets) this.puppet(p).auto = on;
  }

  // --- What n1 says and holds.

  /** Every message n1 has sent puppet `p` of one type, oldest first. */
  received<T extends RaftMsg["type"]>(p: NodeId, type: T): Msg<T>[] {
    return this.puppet(p).inbox.filter((m) => m.msg.type === type).map((m) => m.msg as Msg<T>);
  }
  /** The last message n1 sent puppet `p` of one type. */
  lastTo<T extends RaftMsg["type"]>(p: NodeId, type: T): Msg<T> | undefined {
    return this.received(p, type).at(-1);
  }
  /** Sends from n1 of a given type, with their times. */
  sends(type: string, to?: NodeId): { t: number; to: NodeId; msg: RaftMsg }[] {
    return this.sim.trace
      .all()
      .filter((e) => e.k === "send" && e.from === "n1" && (e.msg as RaftMsg).type === type && (to === undefined || e.to === to))
      .map((e) => ({ t: e.t, to: (e as { to: NodeId }).to, msg: (e as { msg: RaftMsg }).msg }));
  }
  view(): RaftView {
    return checkedView("n1", this.sim.call<RaftNode, unknown>("n1", "inspect", (x) => x.inspect()), this.sim.now);
  }
  state(): { term: number; isLeader: boolean } {
    return checkedState("n1", this.sim.call<RaftNode, unknown>("n1", "getState", (x) => x.getState()), this.sim.now);
  }
  outputs(): RaftOut[] {
    return this.sim.outputsOf<RaftOut>("n1").map((o) => o.value);
  }
  applied(): number[] {
    return this.outputs().flatMap((o) => (o.type === "applied" ? [o.index] : []));
  }
  /** The log after the snapshot, as [command, term] pairs in JSON. */
  log(): string {
    return showEntries(this.view().entries);
  }
  start(cmd: string): { index: number; term: number; isLeader: boolean } {
    return checkedStart("n1", this.sim.call<RaftNode, unknown>("n1", "start", (x) => x.start(cmd)), this.sim.now);
  }

  // --- Moving time until n1 acts.

  /** Runs until n1 asks for votes in a term above `above`; returns that term, or null if it did not within `maxMs`. */
  nextElection(above: number, maxMs = PATIENCE_MS): number | null {
    let term: number | null = null;
    const asked = () => {
      const rv = this.sends("RequestVote").find((s) => (s.msg as Msg<"RequestVote">).term > above);
      if (rv) term = (rv.msg as Msg<"RequestVote">).term;
      return term !== null;
    };
    this.sim.runUntilTrue(asked, maxMs);
    return term;
  }

  /** n1 stands and the puppets grant it `votes` votes (default: enough for a majority); returns the term it won. */
  elect(votes = Math.floor(this.n / 2)): number {
    const term = this.nextElection(this.state().term);
    expectThat(term !== null, "a node that hears from no leader stands for election (§5.2)", () => `n1 sent no RequestVote in ${PATIENCE_MS} ms of silence`, this.sim.now);
    for (const p of this.puppets.slice(0, votes)) this.say(p, { type: "RequestVoteReply", term: term!, voteGranted: true }, 0);
    this.sim.run(15);
    const s = this.state();
    expectThat(s.isLeader && s.term === term, "a candidate that receives votes from a majority of the cluster becomes leader (§5.2)", () => `n1 asked for votes in term ${term}, got ${votes} of ${this.n - 1} peers' votes, and is now ${JSON.stringify(s)}`, this.sim.now);
    return term!;
  }

  /**
   * Arms a crash of n1 right after the event that makes `done()` true, before
   * anything else at that instant (even a 0 ms timer of n1's) can run.
   */
  crashRightAfter(done: () => boolean): void {
    this.crashWhen = done;
  }
  /** Crashes n1 right after it next sends anything (its answer to the message on its way), restarts it a moment later. */
  crashAsItAnswers(send: () => void): boolean {
    const before = this.sim.stats("n1").sent;
    this.crashRightAfter(() => this.sim.stats("n1").sent > before);
    send();
    this.sim.runUntilTrue(() => !this.sim.isUp("n1"), 500);
    const hit = !this.sim.isUp("n1");
    this.crashWhen = null;
    if (hit) {
      this.sim.run(15); // the answer reaches its puppet
      this.sim.restart("n1");
      this.sim.run(1);
    }
    return hit;
  }
}

export const vote = (term: number, candidate: NodeId, lastLogIndex = 0, lastLogTerm = 0): Msg<"RequestVote"> => ({ type: "RequestVote", term, candidate, lastLogIndex, lastLogTerm });
export const granted = (term: number, voteGranted = true): Msg<"RequestVoteReply"> => ({ type: "RequestVoteReply", term, voteGranted });
export const heartbeat = (term: number, leader: NodeId, prevLogIndex = 0, prevLogTerm = 0, leaderCommit = 0): Msg<"AppendEntries"> => ({ type: "AppendEntries", term, leader, prevLogIndex, prevLogTerm, entries: [], leaderCommit });
export function appendEntries(term: number, leader: NodeId, prevLogIndex: number, prevLogTerm: number, entries: [string, number][], leaderCommit = 0): Msg<"AppendEntries"> {
  return { type: "AppendEntries", term, leader, prevLogIndex, prevLogTerm, entries: entries.map(([command, t]) => ({ term: t, command })), leaderCommit };
}
export const acked = (term: number, matchIndex: number): Msg<"AppendEntriesReply"> => ({ type: "AppendEntriesReply", term, success: true, matchIndex, conflictIndex: 0, conflictTerm: null });
export const refused = (term: number, conflictIndex: number, conflictTerm: number | null = null): Msg<"AppendEntriesReply"> => ({ type: "AppendEntriesReply", term, success: false, matchIndex: 0, conflictIndex, conflictTerm });

export function showEntries(entries: readonly Entry[]): string {
  return JSON.stringify(entries.map((e) => [e.command, e.term]));
}
