// The Raft worksheet's stages in course order, each with the scenarios that
// grade it: the classic lab's stories, the paper's rules one at a time,
// random fault schedules and exhaustive searches. A stage's suite runs its own
// scenarios and every earlier stage's, each tagged with its stage
// (harness/stages.ts) — except the exhaustive searches, which run only in
// their own stage's suite: they cost the most, and the rules and random
// schedules of the stages re-run after it guard the same code.

import type { Exercise } from "../harness/exercise.ts";
import { stage } from "../harness/stages.ts";
import type { CreateRaft } from "./raft.ts";
import { electionClassic, logClassic, persistClassic, snapshotClassic } from "./raftClassic.ts";
import { electionRules } from "./raftElectionRules.ts";
import { electionExhaustive, logExhaustive, persistExhaustive } from "./raftExhaustive.ts";
import { electionGenerative, logGenerative, persistGenerative, snapshotGenerative } from "./raftGenerative.ts";
import { logRules } from "./raftLogRules.ts";
import { electionSchedules, logSchedules, persistSchedules, snapshotSchedules } from "./raftSchedules.ts";
import { persistRules } from "./raftPersistRules.ts";
import { snapshotRules } from "./raftSnapshotRules.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;
type Register = (ex: Ex) => void;

export const RAFT_STAGES: readonly { id: string; scenarios: Register[]; own: Register[] }[] = [
  { id: "raft-election", scenarios: [electionClassic, electionSchedules, electionRules, electionGenerative], own: [electionExhaustive] },
  { id: "raft-log", scenarios: [logClassic, logSchedules, logRules, logGenerative], own: [logExhaustive] },
  { id: "raft-persist", scenarios: [persistClassic, persistSchedules, persistRules, persistGenerative], own: [persistExhaustive] },
  { id: "raft-snapshot", scenarios: [snapshotClassic, snapshotSchedules, snapshotRules, snapshotGenerative], own: [] },
];

export type RaftStage = "raft-election" | "raft-log" | "raft-persist" | "raft-snapshot";

/** Registers the scenarios of every Raft stage up to and including `last`, against `ex` (and the own-stage-only ones of ex's stage). */
export function raftStagesUpTo(ex: Ex, last: RaftStage): void {
  for (const s of RAFT_STAGES.slice(0, RAFT_STAGES.findIndex((x) => x.id === last) + 1))
    stage(s.id, () => [...s.scenarios, ...(s.id === ex.id ? s.own : [])].forEach((register) => register(ex)));
}
