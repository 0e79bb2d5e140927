// The key-value service's rules (lesson 09; the Raft paper's §8 on client
// interaction, Ongaro & Ousterhout 2014), one scenario each, with clients the
// scenario drives by hand (kvPuppet): it decides exactly which request goes
// where and when — a retry, a duplicate delivered after the client's next
// operation, a request left with a leader about to lose its place.

import { expectThat } from "../../check/violation.ts";
import type { NodeId } from "../../sim/index.ts";
import type { Exercise, Lab } from "../harness/exercise.ts";
import { story, type RaftWorld } from "./raft.ts";
import { kvPuppet, kvWorld, type KvImpl, type KvInput, type KvOutput, type KvPuppet, type KvReply } from "./raftKv.ts";

/** A client's request and the reply it got (undefined: none within the wait). */
class Clients {
  constructor(readonly w: RaftWorld) {}
  puppet(c: NodeId): KvPuppet {
    return this.w.sim.node<KvPuppet>(c)!;
  }
  send(c: NodeId, to: NodeId, seq: number, input: KvInput): void {
    this.w.sim.call<KvPuppet, void>(c, "request", (p) => p.request(to, seq, input));
  }
  replies(c: NodeId, seq: number): KvReply[] {
    return this.puppet(c).inbox.filter((m) => m.msg.seq === seq).map((m) => m.msg);
  }
  /** Sends and waits up to `ms` for an answer to `seq` (kv_ok or kv_not_leader). */
  ask(c: NodeId, to: NodeId, seq: number, input: KvInput, ms = 2000): KvReply | undefined {
    const before = this.replies(c, seq).length;
    this.send(c, to, seq, input);
    this.w.sim.runUntilTrue(() => this.replies(c, seq).length > before, ms);
    return this.replies(c, seq)[before];
  }
  /** Like ask, but to whichever server leads, trying again until one answers kv_ok (a stable cluster). */
  done(c: NodeId, seq: number, input: KvInput): KvOutput {
    for (let attempt = 0; attempt < 10; attempt++) {
      const leader = this.w.ids[this.w.checkOneLeader()]!;
      const r = this.ask(c, leader, seq, input);
      if (r?.type === "kv_ok") return r.output;
    }
    expectThat(false, "a healthy cluster answers every client request", () => `${c}'s request ${seq} (${JSON.stringify(input)}) got no kv_ok in 10 attempts`, this.w.sim.now);
    return {};
  }
}

function withPuppets(lab: Lab, impl: KvImpl, clients: NodeId[], n = 3): { w: RaftWorld; c: Clients } {
  const w = kvWorld(lab, impl, Object.fromEntries(clients.map((id) => [id, kvPuppet])), { n });
  return { w, c: new Clients(w) };
}

export function kvRules(ex: Exercise<unknown>, impl: KvImpl): void {
  ex.scripted("§8 a duplicate delivered after the client's next operation is not executed again (deduplication by client and sequence number)", { runs: 2 }, (lab) =>
    story(() => {
      const { c } = withPuppets(lab, impl, ["c1"]);
      c.done("c1", 1, { op: "append", key: "k", value: "a" });
      c.done("c1", 2, { op: "append", key: "k", value: "b" });
      // The network delivers request 1 again, late: after c1 moved on to request 2.
      const leader = c.w.ids[c.w.checkOneLeader()]!;
      c.send("c1", leader, 1, { op: "append", key: "k", value: "a" });
      c.w.sim.run(1000);
      const got = c.done("c1", 3, { op: "get", key: "k" });
      expectThat(got.value === "ab", "every operation takes effect exactly once: a server remembers, per client, the highest sequence number it executed, and executes nothing at or below it again", () => `c1 appended "a" (1) and "b" (2); after a late copy of request 1, get returned ${JSON.stringify(got.value)}, expected "ab"`, c.w.sim.now);
    }),
  );

  ex.scripted("§8 a snapshot carries the duplicate table: after every server restarts from its snapshot, an old request delivered again is not executed again", { runs: 2 }, (lab) =>
    story(() => {
      const { w, c } = withPuppets(lab, impl, ["c1", "c2"]);
      c.done("c2", 1, { op: "append", key: "once", value: "x" });
      // Enough operations for the service to snapshot past c2's request (and the table entry for it).
      for (let s = 1; s <= 45; s++) c.done("c1", s, { op: "append", key: "log", value: `${s};` });
      for (const id of w.ids) w.sim.crash(id);
      w.sim.run(100);
      for (const id of w.ids) w.sim.restart(id);
      const leader = w.ids[w.checkOneLeader()]!;
      c.ask("c2", leader, 1, { op: "append", key: "once", value: "x" }); // c2's retry, arriving only now
      w.sim.run(500);
      const got = c.done("c2", 2, { op: "get", key: "once" });
      expectThat(got.value === "x", "what a snapshot restores includes the table of executed requests, so a retry of a request the snapshot covers is answered, not executed", () => `c2's append of "x" was executed before 45 other operations; after every server restarted and c2's retry arrived, get returned ${JSON.stringify(got.value)}`, w.sim.now);
    }),
  );

  ex.scripted("§8 a server acknowledges a request only if that request is what was committed at its index (a deposed leader's request may be replaced)", { runs: 2 }, (lab) =>
    story(() => {
      const { w, c } = withPuppets(lab, impl, ["c1", "c2"]);
      c.done("c1", 1, { op: "append", key: "k", value: "0" });
      const old = w.ids[w.checkOneLeader()]!;
      const others = w.ids.filter((s) => s !== old);
      // The leader and c1 are cut off; c1's append reaches only the leader, which cannot commit it.
      w.sim.partition([old, "c1"], [...others, "c2"]);
      c.send("c1", old, 2, { op: "append", key: "k", value: "L" });
      w.sim.run(300);
      // The majority elects a new leader; c2's append commits at the index c1's took on the old leader.
      let fresh: NodeId | undefined;
      w.sim.runUntilTrue(() => (fresh = others.find((s) => w.getState(w.ids.indexOf(s))?.isLeader)) !== undefined, 5000);
      expectThat(fresh !== undefined, "a connected majority elects a leader within 5 s", () => `none of ${others.join(", ")} became leader after ${old} was cut off`, w.sim.now);
      const r = c.ask("c2", fresh!, 1, { op: "append", key: "k", value: "W" });
      expectThat(r?.type === "kv_ok", "the majority side keeps serving writes", () => `c2's append to ${fresh} was answered ${JSON.stringify(r)}`, w.sim.now);
      w.sim.heal();
      w.sim.run(1500);
      const acked = c.replies("c1", 2).some((m) => m.type === "kv_ok");
      const got = c.done("c2", 2, { op: "get", key: "k" });
      expectThat(!acked || (got.value ?? "").includes("L"), "a kv_ok means the operation took effect: a server that started a request at an index answers kv_ok only if the entry committed there is that same request", () => `${old} acknowledged c1's append of "L", but the log committed c2's append there instead: k is ${JSON.stringify(got.value)}`, w.sim.now);
    }),
  );
}
