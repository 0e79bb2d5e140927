// Suite for `raft-snapshot` (lesson 08, stage 4 of the Raft worksheet,
// exercises/raft/raft.ts): log compaction with snapshots and
// InstallSnapshot, plus every scenario of stages 1–3.

import { exercise } from "./harness/exercise.ts";
import { raftStagesUpTo } from "./support/raftStages.ts";
import type * as Raft from "../../exercises/raft/raft.ts";

raftStagesUpTo(await exercise<typeof Raft>("raft-snapshot", "raft.ts"), "raft-snapshot");
