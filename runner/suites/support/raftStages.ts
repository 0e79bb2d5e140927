// The Raft worksheet's stages in course order, each with the scenarios that
// grade it: the classic lab's stories, the paper's rules one at a time, and
// random fault schedules. A stage's suite runs its own scenarios and every
// earlier stage's, each tagged with its stage (harness/stages.ts).

import type { Exercise } from "../harness/exercise.ts";
import { stage } from "../harness/stages.ts";
import type { CreateRaft } from "./raft.ts";
import { electionClassic, logClassic, persistClassic, snapshotClassic } from "./raftClassic.ts";
import { electionRules } from "./raftElectionRules.ts";
import { electionGenerative, logGenerative, persistGenerative, snapshotGenerative } from "./raftGenerative.ts";
import { logRules } from "./raftLogRules.ts";
import { persistRules } from "./raftPersistRules.ts";
import { snapshotRules } from "./raftSnapshotRules.ts";

type Ex = Exercise<{ createRaft: CreateRaft }>;

export const RAFT_STAGES = [
  { id: "raft-election", scenarios: [electionClassic, electionRules, electionGenerative] },
  { id: "raft-log", scenarios: [logClassic, logRules, logGenerative] },
  { id: "raft-persist", scenarios: [persistClassic, persistRules, persistGenerative] },
  { id: "raft-snapshot", scenarios: [snapshotClassic, snapshotRules, snapshotGenerative] },
] as const;

export type RaftStage = (typeof RAFT_STAGES)[number]["id"];

/** Registers the scenarios of every Raft stage up to and including `last`, against `ex`. */
export function raftStagesUpTo(ex: Ex, last: RaftStage): void {
  for (const s of RAFT_STAGES.slice(0, RAFT_STAGES.findIndex((x) => x.id === last) + 1)) stage(s.id, () => s.scenarios.forEach((register) => register(ex)));
}
