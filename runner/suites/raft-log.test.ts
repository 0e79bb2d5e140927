// Suite for `raft-log` (lesson 08, stage 2 of the Raft worksheet,
// exercises/raft/raft.ts): log replication and commitment, plus every
// scenario of stage 1 (raft-election).

import { exercise } from "./harness/exercise.ts";
import { raftStagesUpTo } from "./support/raftStages.ts";
import type * as Raft from "../../exercises/raft/raft.ts";

raftStagesUpTo(await exercise<typeof Raft>("raft-log", "raft.ts"), "raft-log");
