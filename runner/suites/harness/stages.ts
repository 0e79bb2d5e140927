// Stages of one worksheet in one suite. A later stage's suite (raft-log)
// re-runs every scenario of the stages before it (raft-election), so that
// new work cannot quietly break old work. Each scenario is tagged with the
// stage it belongs to, so the grader can tell "raft-log not started yet"
// (its own scenarios all stop at a todo, the earlier ones pass) from a
// failure (runner/grade/grade.ts).

import { getCurrentSuite } from "vitest/suite";

/** Registers the scenarios `register` declares, each tagged with `stage`. */
export function stage(name: string, register: () => void): void {
  const collector = getCurrentSuite();
  const before = collector.tasks.length;
  register();
  for (const t of collector.tasks.slice(before)) if (t.type === "test") t.meta.stage = name;
}
