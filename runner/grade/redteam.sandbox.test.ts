// The red-team catalogue graded with --sandbox, in one sandboxed child, as
// `report` runs it (runner/grade/redteamSuite.ts says what each case must show).

import { redTeamSuite } from "./redteamSuite.ts";

redTeamSuite("sandbox");
