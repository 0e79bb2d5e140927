// Crashes at chosen moments: the schedules a random generator rarely makes
// ("right after it stored the file", "right after the acknowledgement left").
// The crash happens at the very instant the condition first holds — checked
// after every event, before anything else at that instant can run.

import type { NodeId, Simulation } from "../../sim/index.ts";

export interface CrashWhen {
  /** How many times it has crashed the node so far. */
  readonly count: number;
}

/**
 * Crashes `node` as soon as `when()` holds after an event, and restarts it
 * `downMs` later — up to `times` times (each crash waits for the condition to
 * hold again after the restart).
 */
export function crashWhen(sim: Simulation, node: NodeId, when: () => boolean, downMs: number, times = 1): CrashWhen {
  const state = { count: 0 };
  sim.afterEvent(() => {
    if (state.count >= times || !sim.isUp(node) || !when()) return;
    state.count++;
    sim.crash(node);
    sim.schedule([{ at: sim.now + downMs, op: "restart", node }]);
  });
  return state;
}

/** A condition that holds once each time `node` outputs something new (e.g. "right after an effect"). */
export function afterOutput(sim: Simulation, node: NodeId): () => boolean {
  let fresh = false;
  sim.onOutput((o) => {
    if (o.node === node) fresh = true;
  });
  return () => {
    const was = fresh;
    fresh = false;
    return was;
  };
}
