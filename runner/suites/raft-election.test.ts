// Suite for `raft-election` (lesson 08, stage 1 of the Raft worksheet,
// exercises/raft/raft.ts): leader election and heartbeats. The classic lab's
// election scenarios, the paper's election rules as white-box scenarios,
// exhaustive search of two candidates' messages, and random faults against
// Election Safety (support/raftStages.ts lists them all).

import { exercise } from "./harness/exercise.ts";
import { RAFT_MEMBRANE } from "./support/raft.ts";
import { raftStagesUpTo } from "./support/raftStages.ts";
import type * as Raft from "../../exercises/raft/raft.ts";

raftStagesUpTo(await exercise<typeof Raft>("raft-election", "raft.ts", RAFT_MEMBRANE), "raft-election");
