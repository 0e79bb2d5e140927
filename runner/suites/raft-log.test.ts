// Suite for `raft-log` (lesson 08, stage 2): log replication and commitment,
// plus every scenario of stage 1 (raft-election).

import { exercise } from "./harness/exercise.ts";
import { electionClassic, logClassic } from "./support/raftClassic.ts";
import { electionGenerative, electionRules, logGenerative, logRules } from "./support/raftRules.ts";
import type * as Raft from "../../exercises/raft-log/raft.ts";

const ex = await exercise<typeof Raft>("raft-log", "raft.ts");

electionClassic(ex);
electionRules(ex);
electionGenerative(ex);
logClassic(ex);
logRules(ex);
logGenerative(ex);
