// Suite for `raft-election` (lesson 08, stage 1): leader election and
// heartbeats. The classic lab's election scenarios, the paper's election
// rules as white-box scenarios, and random faults against Election Safety.

import { exercise } from "./harness/exercise.ts";
import { electionClassic } from "./support/raftClassic.ts";
import { electionRules, electionGenerative } from "./support/raftRules.ts";
import type * as Raft from "../../exercises/raft-election/raft.ts";

const ex = await exercise<typeof Raft>("raft-election", "raft.ts");

electionClassic(ex);
electionRules(ex);
electionGenerative(ex);
