// The red-team catalogue graded by one warm grader, as watch mode keeps it
// (runner/grade/redteamSuite.ts says what each case must show).

import { catalogueCoversFamilies, redTeamSuite } from "./redteamSuite.ts";

catalogueCoversFamilies();
redTeamSuite("plain");
