// A violated property, stated in plain words. Checkers and suites throw these;
// the grader shows the words to the learner, so write them as the property
// that should have held ("every request gets exactly one matching reply"),
// followed by what actually happened.

import type { HistoryPicture } from "./historyPicture.ts";

export class Violation extends Error {
  constructor(
    /** The property that should have held. */
    readonly property: string,
    /** What happened instead, concretely (ids, values, times). */
    readonly details = "",
    /** Virtual time of the offending event, when known: the diagram is centred there. */
    readonly at?: number,
    /** Pictures of the clients' history that show it (linearizability), for the replay's screens and page. */
    readonly histories?: readonly HistoryPicture[],
  ) {
    super(details ? `${property}: ${details}` : property);
    this.name = "Violation";
  }
}

/**
 * Throws a Violation of `property` unless `cond` holds. `details` is only
 * built on failure; `at` (virtual ms) centres the failure's diagram there.
 */
export function expectThat(cond: boolean, property: string, details?: () => string, at?: number): asserts cond {
  if (!cond) throw new Violation(property, details ? details() : "", at);
}
