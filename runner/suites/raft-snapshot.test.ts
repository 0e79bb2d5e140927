// Suite for `raft-snapshot` (lesson 08, stage 4): log compaction with
// snapshots and InstallSnapshot, plus every scenario of stages 1–3.

import { exercise } from "./harness/exercise.ts";
import { electionClassic, logClassic, persistClassic, snapshotClassic } from "./support/raftClassic.ts";
import { electionGenerative, electionRules, logGenerative, logRules, persistGenerative, persistRules, snapshotGenerative, snapshotRules } from "./support/raftRules.ts";
import type * as Raft from "../../exercises/raft-snapshot/raft.ts";

const ex = await exercise<typeof Raft>("raft-snapshot", "raft.ts");

electionClassic(ex);
electionRules(ex);
electionGenerative(ex);
logClassic(ex);
logRules(ex);
logGenerative(ex);
persistClassic(ex);
persistRules(ex);
persistGenerative(ex);
snapshotClassic(ex);
snapshotRules(ex);
snapshotGenerative(ex);
