// Quiescence: once the work is done and the network has healed, a protocol
// stops talking. A node that keeps resending what was already answered (or
// keeps a peer resending) is a bug a reviewer would reject, though every
// safety property may hold; this makes it visible.

import { expectThat } from "../../check/violation.ts";
import type { NodeId, Simulation } from "../../sim/index.ts";

/**
 * Runs the simulation `ms` longer and requires that none of `nodes` sends a
 * message meanwhile. `why` says what is done (for the failure message).
 */
export function expectQuiet(sim: Simulation, nodes: readonly NodeId[], ms: number, why: string): void {
  const from = sim.now;
  const before = nodes.map((id) => sim.stats(id).sent);
  sim.run(ms);
  const talkers = nodes.filter((id, i) => sim.stats(id).sent > before[i]!);
  expectThat(talkers.length === 0, `once ${why} and the network has healed, the nodes go quiet (nothing is resent that was already answered)`, () => {
    const sends = sim.trace.all().flatMap((e) => (e.k === "send" && e.t > from && talkers.includes(e.from) ? [e] : []));
    const shown = sends.slice(0, 4).map((e) => `t=${e.t} ${e.from} → ${e.to}: ${JSON.stringify(e.msg)}`);
    return `between t=${from} and t=${sim.now} ms ${talkers.map((id) => `${id} sent ${sim.stats(id).sent - before[nodes.indexOf(id)]!}`).join(", ")} messages, e.g.\n  ${shown.join("\n  ")}`;
  }, from);
}
