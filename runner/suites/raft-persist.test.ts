// Suite for `raft-persist` (lesson 08, stage 3 of the Raft worksheet,
// exercises/raft/raft.ts): durable state across crashes, plus every scenario
// of stages 1–2 (raft-election, raft-log).

import { exercise } from "./harness/exercise.ts";
import { raftStagesUpTo } from "./support/raftStages.ts";
import type * as Raft from "../../exercises/raft/raft.ts";

raftStagesUpTo(await exercise<typeof Raft>("raft-persist", "raft.ts"), "raft-persist");
