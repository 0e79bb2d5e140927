// Log compaction rules of the Raft paper (Ongaro & Ousterhout 2014, §7 and
// Figure 13's InstallSnapshot rules), one white-box scenario each, driven by
// puppet peers (raftRig.ts). Every scenario sends an InstallSnapshot or calls
// snapshot() before it checks anything, so a worksheet whose raft-snapshot
// part is not written yet stops at its todo (not started).

import { expectThat } from "../../check/violation.ts";
import type { Exercise } from "../harness/exercise.ts";
import type { CreateRaft, RaftNode, RaftOut } from "./raft.ts";
import { acked, heartbeat, refused, Rig, type Msg } from "./raftRig.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;

const install = (term: number, leader: string, lastIncludedIndex: number, lastIncludedTerm: number): Msg<"InstallSnapshot"> => ({
  type: "InstallSnapshot",
  term,
  leader,
  lastIncludedIndex,
  lastIncludedTerm,
  data: { upTo: lastIncludedIndex, digest: 7 },
});

const snapshots = (outs: RaftOut[]) => outs.filter((o) => o.type === "snapshot").map((o) => o.index);

export function snapshotRules(ex: Ex): void {
  const create = ex.impl.createRaft;

  ex.scripted("§7 InstallSnapshot hands the snapshot to the service and keeps the entries that follow it", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1], ["c", 1]]);
    r.say("n2", { type: "InstallSnapshot", term: 1, leader: "n2", lastIncludedIndex: 2, lastIncludedTerm: 1, data: { upTo: 2, digest: 7 } });
    const outs = r.outputs();
    expectThat(outs.length === 1 && outs[0]!.type === "snapshot" && outs[0]!.index === 2 && JSON.stringify(outs[0]!.data) === '{"upTo":2,"digest":7}', "a follower reports an installed snapshot to its service (index and data)", () => `n1's outputs are ${JSON.stringify(outs)}`, r.sim.now);
    const v = r.view();
    expectThat(v.snapshotIndex === 2 && v.snapshotTerm === 1 && r.log() === '[["c",1]]', "entries after the snapshot that match it are kept; those it covers are dropped", () => `n1 has snapshotIndex ${v.snapshotIndex}, snapshotTerm ${v.snapshotTerm} and entries ${r.log()}`, r.sim.now);
    const reply = r.lastTo("n2", "InstallSnapshotReply");
    expectThat(reply?.term === 1, "InstallSnapshot is answered with the follower's term", () => `n1 answered ${JSON.stringify(reply)}`, r.sim.now);
    r.sim.crash("n1");
    r.sim.restart("n1");
    r.sim.run(5);
    const after = r.outputs();
    expectThat(after.length === 2 && after[1]!.type === "snapshot" && after[1]!.index === 2, "after a restart the node hands its snapshot to the service before anything else", () => `n1's outputs after the restart are ${JSON.stringify(after.slice(1))}`, r.sim.now);
    r.say("n3", { type: "InstallSnapshot", term: 0, leader: "n3", lastIncludedIndex: 3, lastIncludedTerm: 1, data: { upTo: 3, digest: 1 } });
    expectThat(r.outputs().length === 2, "InstallSnapshot from an older term is refused", () => "n1 installed a snapshot from a term-0 leader", r.sim.now);
  });

  ex.scripted("§7 (InstallSnapshot, rule 7) a snapshot whose last entry conflicts with the log replaces the whole log", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1], ["c", 1], ["d", 1]]);
    r.say("n3", install(2, "n3", 2, 2)); // the leader's entry 2 has term 2; n1's has term 1
    const v = r.view();
    expectThat(v.snapshotIndex === 2 && v.snapshotTerm === 2 && v.entries.length === 0, "when the log does not hold the snapshot's last entry (same index and term), the entries after it are not the leader's either: discard the entire log", () => `n1 held 4 entries of term 1, installed a snapshot up to index 2 of term 2, and has snapshotIndex ${v.snapshotIndex}, snapshotTerm ${v.snapshotTerm}, entries ${r.log()}`, r.sim.now);
    expectThat(snapshots(r.outputs()).join() === "2", "a follower reports an installed snapshot to its service", () => `n1's outputs are ${JSON.stringify(r.outputs())}`, r.sim.now);
  });

  ex.scripted("§7 a stale or duplicated InstallSnapshot that covers no more than the node has committed changes nothing (the service never goes backwards)", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 1, 0, 0, [["a", 1], ["b", 1], ["c", 1], ["d", 1], ["e", 1]], 5);
    expectThat(r.applied().join() === "1,2,3,4,5", "a follower applies what leaderCommit covers", () => `n1 applied [${r.applied().join(", ")}]`, r.sim.now);
    r.say("n2", install(1, "n2", 4, 1)); // sent before the leader learnt n1 caught up
    const v = r.view();
    expectThat(snapshots(r.outputs()).length === 0 && v.commitIndex === 5 && v.lastApplied === 5 && v.snapshotIndex + v.entries.length === 5, "a snapshot older than what the node has applied is ignored: installing it would roll the service back and apply entries twice", () => `n1 had applied up to 5; after an InstallSnapshot up to 4 it output ${JSON.stringify(r.outputs().slice(5))}, commitIndex ${v.commitIndex}, lastApplied ${v.lastApplied}, log ending at ${v.snapshotIndex + v.entries.length}`, r.sim.now);
    expectThat(r.lastTo("n2", "InstallSnapshotReply")?.term === 1, "every InstallSnapshot is answered with the follower's term", () => `n1 answered ${JSON.stringify(r.lastTo("n2", "InstallSnapshotReply"))}`, r.sim.now);
    r.say("n2", install(1, "n2", 8, 1)); // a real one, further on
    r.say("n2", install(1, "n2", 8, 1)); // the same, duplicated
    expectThat(snapshots(r.outputs()).join() === "8", "a newer snapshot is installed once; its duplicate changes nothing", () => `n1's snapshot outputs are at indices [${snapshots(r.outputs()).join(", ")}]`, r.sim.now);
  });

  ex.scripted("§7 an AppendEntries that straddles the snapshot (prevLogIndex inside it) puts the entries after the snapshot at their own indices", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.say("n2", install(1, "n2", 5, 1));
    // A retry sent before the leader knew of the snapshot: entries 4–7.
    r.append("n2", 1, 3, 1, [["e4", 1], ["e5", 1], ["e6", 1], ["e7", 1]], 7);
    const v = r.view();
    const reply = r.lastTo("n2", "AppendEntriesReply");
    const held = v.entries.map((e, i) => `${v.snapshotIndex + 1 + i}:${String(e.command)}`);
    expectThat(held.every((h) => ["6:e6", "7:e7"].includes(h)), "entries the snapshot covers are skipped; each entry after it lands at its own index", () => `after a snapshot up to 5 and an AppendEntries of entries 4–7, n1 holds ${held.join(", ")}`, r.sim.now);
    expectThat(reply !== undefined && (!reply.success || (reply.matchIndex <= v.snapshotIndex + v.entries.length && held.length === 2)), "a follower that accepts such an AppendEntries holds every entry it acknowledges", () => `n1 answered ${JSON.stringify(reply)} and holds ${held.join(", ") || "nothing"} after its snapshot`, r.sim.now);
    const applied = r.outputs().filter((o) => o.type === "applied");
    expectThat(applied.every((o) => o.type === "applied" && o.index > 5 && o.command === `e${o.index}`), "what a follower applies after a snapshot is the entry at that index", () => `n1 applied ${JSON.stringify(applied)}`, r.sim.now);
    r.append("n2", 1, 1, 1, [["e2", 1], ["e3", 1]], 7); // wholly inside the snapshot
    expectThat(r.view().snapshotIndex === 5 && r.lastTo("n2", "AppendEntriesReply") !== undefined, "an AppendEntries wholly inside the snapshot changes nothing and is answered", () => `n1 now has snapshotIndex ${r.view().snapshotIndex}, entries ${r.log()}`, r.sim.now);
  });

  ex.scripted("§7 snapshot(index) keeps the term of entry `index` as snapshotTerm and the entries after it", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    r.append("n2", 2, 0, 0, [["a", 1], ["b", 1], ["c", 2], ["d", 2]], 4);
    r.sim.call<RaftNode, void>("n1", "snapshot", (x) => x.snapshot(3, { upTo: 3, digest: 9 }));
    r.sim.run(5);
    const v = r.view();
    expectThat(v.snapshotIndex === 3 && v.snapshotTerm === 2 && r.log() === '[["d",2]]', "after snapshot(3) the log starts after index 3, and snapshotTerm is the term of entry 3 (prevLogTerm checks at the boundary need it)", () => `n1 had [a/1, b/1, c/2, d/2] and after snapshot(3) has snapshotIndex ${v.snapshotIndex}, snapshotTerm ${v.snapshotTerm}, entries ${r.log()}`, r.sim.now);
    r.say("n2", heartbeat(2, "n2", 3, 2, 4));
    expectThat(r.lastTo("n2", "AppendEntriesReply")?.success === true, "an AppendEntries whose previous entry is the snapshot's last entry matches", () => `n1 answered a heartbeat with prevLogIndex 3, prevLogTerm 2 with ${JSON.stringify(r.lastTo("n2", "AppendEntriesReply"))}`, r.sim.now);
  });

  ex.scripted("§7 a leader sends InstallSnapshot to a follower that needs entries it discarded, then continues after lastIncludedIndex", { runs: 2 }, (lab) => {
    const r = new Rig(lab, create);
    const term = r.elect();
    r.sim.run(20);
    for (let k = 1; k <= 12; k++) r.start(`c${k}`);
    r.sim.run(20);
    r.say("n2", acked(term, 12), 20); // n2 keeps up; n3 is silent
    expectThat(r.view().commitIndex === 12, "an entry of the leader's term on a majority commits", () => `n1 has commitIndex ${r.view().commitIndex}`, r.sim.now);
    r.sim.call<RaftNode, void>("n1", "snapshot", (x) => x.snapshot(10, { upTo: 10, digest: 3 }));
    r.sim.run(5);
    const before = r.received("n3", "InstallSnapshot").length;
    r.say("n3", refused(term, 1), 0); // n3's log is empty
    r.sim.runUntilTrue(() => r.received("n3", "InstallSnapshot").length > before, 500);
    const snap = r.lastTo("n3", "InstallSnapshot");
    expectThat(r.received("n3", "InstallSnapshot").length > before && snap!.lastIncludedIndex === 10 && snap!.lastIncludedTerm === term && JSON.stringify(snap!.data) === '{"upTo":10,"digest":3}', "entries a follower needs that the leader discarded go as the leader's snapshot (index, term and the service's data)", () => `n3 needs index 1 on; n1 (snapshot up to 10) sent ${JSON.stringify(snap ?? null)}`, r.sim.now);
    const sent = r.received("n3", "AppendEntries").length;
    r.say("n3", { type: "InstallSnapshotReply", term, lastIncludedIndex: 10 }, 0);
    r.sim.runUntilTrue(() => r.received("n3", "AppendEntries").slice(sent).some((m) => m.entries.length > 0), 500);
    const next = r.received("n3", "AppendEntries").slice(sent).find((m) => m.entries.length > 0);
    expectThat(next !== undefined && next.prevLogIndex === 10 && next.prevLogTerm === term && next.entries.map((e) => e.command).join() === "c11,c12", "after the snapshot is installed the leader sends the entries that follow it (prevLogIndex = lastIncludedIndex)", () => `after n3 installed the snapshot up to 10, n1 sent it ${JSON.stringify(next ?? null)}`, r.sim.now);
  });
}
