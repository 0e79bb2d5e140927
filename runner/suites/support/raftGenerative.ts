// Generative Raft scenarios: random fault schedules against the paper's
// safety properties at every step (RaftWorld checks them after every event),
// and liveness once the faults end. The rules one at a time are in
// raft*Rules.ts; the classic lab's stories in raftClassic.ts.

import fc from "fast-check";
import { quiesce, scheduleArb, type FaultKind, type Schedule } from "../../sim/index.ts";
import type { Exercise, Lab } from "../harness/exercise.ts";
import { RaftWorld, story, type CreateRaft } from "./raft.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;

// Seed policy (issue 17). Defaults: classic and scripted stories run on
// seeds 1–2 or 1–3 (their `runs`), each generative story on 15 fast-check
// cases from seed 1 (8 for the four-server one); the rule tests
// (raft*Rules.ts) and the exhaustive searches (raftExhaustive.ts) catch what
// they catch on every seed. How the defaults were checked: 21 classic learner
// bugs written apart from these suites (wrong vote counting, timers kept or
// lost on a change of role, stale and old-term replies, commitIndex moving
// back, Figure 8, one-by-one back-up, persistence after answering, snapshots
// that replace or keep the wrong entries, straddling retries, wrong dedup)
// were graded on the five Raft exercises before this change, at seeds 1–10
// on each bug's own stage: 6 were caught at seed 1, one more (duplicated
// votes) only at seed 8, the other 14 at no seed. Now all 21 fail at the
// defaults on their own stage, as do the 36 mutants of runner/mutants/raft-*.ts,
// mostly through rule tests that do not depend on the seed; so the seed
// windows stay as they were and the grading time goes to rules and search.
// To re-check after a change: grade each bug with --seed 1 … 10 and require
// that any bug failing on some seed fails at --seed 1.
const DURATION = 6000;
const servers = (n: number) => Array.from({ length: n }, (_, i) => `n${i + 1}`);

interface StoryOptions {
  commands: boolean;
  snapshotEvery?: number;
  /** Servers (default 5). */
  n?: number;
  /** During the faults, one message in five is held back 1–4 s (RaftWorld.setLateMessages). */
  late?: boolean;
}

function generative(ex: Ex, name: string, kinds: FaultKind[], opts: StoryOptions & { runs: number; maxDuplicate?: number }): void {
  const schedule = scheduleArb({ nodes: servers(opts.n ?? 5), durationMs: DURATION, kinds, maxOps: 10, maxDrop: 0.3, maxDuplicate: opts.maxDuplicate ?? 0.1, maxDelayMs: 80 }) as fc.Arbitrary<Schedule>;
  ex.generative(name, { runs: opts.runs, schedule }, (lab, s) => faultStory(ex, lab, s, opts));
}

/** The generative stories' body: faults from `schedule` for 6 s, commands flowing, then heal and check. */
function faultStory(ex: Ex, lab: Lab, schedule: Schedule, opts: StoryOptions): void {
  const n = opts.n ?? 5;
  story(() => {
    const w = new RaftWorld(lab, ex.impl.createRaft, { n, snapshotEvery: opts.snapshotEvery, schedule: [...schedule, ...quiesce(DURATION, servers(n), {}, schedule)] });
    if (opts.late) {
      w.setLateMessages(true);
      w.sim.at(DURATION, () => w.setLateMessages(false));
    }
    if (opts.commands) {
      // A client submits a command every ~60 ms to whoever will take it (partitions or not).
      let k = 0;
      const tick = () => {
        if (w.sim.now >= DURATION) return;
        const cmd = ++k;
        for (let i = 0; i < n; i++) if (w.start(i, cmd)?.isLeader) break;
        w.sim.at(w.sim.now + 30 + w.randInt(60), tick);
      };
      w.sim.at(10, tick);
    }
    w.sim.runUntil(DURATION);
    // Faults are over (late messages still land for up to 4 s): a leader must emerge, and (with a log) agree on a command.
    w.checkOneLeader();
    if (opts.commands) {
      w.one(1_000_000, n, true);
      w.checkAllLogs();
    }
  });
}

export function electionGenerative(ex: Ex): void {
  generative(ex, "random partitions, pauses, loss and delay: never two leaders in a term; one leader soon after healing", ["partition", "heal", "pause", "resume", "network"], { commands: false, runs: 15 });
}
export function logGenerative(ex: Ex): void {
  generative(ex, "random partitions, pauses, loss and delay with commands flowing: the log properties hold at every step; agreement after healing", ["partition", "heal", "pause", "resume", "network"], { commands: true, runs: 15 });
  generative(ex, "four servers, random partitions and heals, duplicated replies and requests, messages held back past the election timeout: the log properties hold at every step; agreement after healing", ["partition", "heal", "network"], { commands: true, n: 4, late: true, maxDuplicate: 0.3, runs: 8 });
  // Found by `npm run soak -- --seeds 1000` (seed 1, case 994): n3, paused as a
  // candidate, wakes after a term-2 entry was committed and wins term 1 with
  // the votes it had queued. That is legal Raft (Leader Completeness binds
  // leaders of later terms only); the suite once called it a violation.
  ex.scripted("regression: a node paused as a candidate may still win its old term after a newer commit, and the log properties hold", { seeds: [2118328328] }, (lab) =>
    faultStory(ex, lab, [{ at: 320, op: "pause", node: "n3" }], { commands: true }),
  );
}
export function persistGenerative(ex: Ex): void {
  generative(ex, "random crashes, restarts, partitions, pauses, loss and delay: the log properties hold at every step; agreement after healing", ["crash", "restart", "partition", "heal", "pause", "resume", "network"], { commands: true, runs: 15 });
}
export function snapshotGenerative(ex: Ex): void {
  generative(ex, "random crashes, partitions and loss with a snapshot every 10 entries: safety at every step; agreement after healing", ["crash", "restart", "partition", "heal", "pause", "resume", "network"], { commands: true, snapshotEvery: 10, runs: 15 });
}
