// Suite for `raft-persist` (lesson 08, stage 3): durable state across crashes,
// plus every scenario of stages 1–2 (raft-election, raft-log).

import { exercise } from "./harness/exercise.ts";
import { electionClassic, logClassic, persistClassic } from "./support/raftClassic.ts";
import { electionGenerative, electionRules, logGenerative, logRules, persistGenerative, persistRules } from "./support/raftRules.ts";
import type * as Raft from "../../exercises/raft-persist/raft.ts";

const ex = await exercise<typeof Raft>("raft-persist", "raft.ts");

electionClassic(ex);
electionRules(ex);
electionGenerative(ex);
logClassic(ex);
logRules(ex);
logGenerative(ex);
persistClassic(ex);
persistRules(ex);
persistGenerative(ex);
