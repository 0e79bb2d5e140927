// Suite for `break-3pc`: the learner plays the network. Their schedule (plain
// data: partitions and heals) must make the lab's three-phase commit decide
// commit on one participant and abort on another.

import { checkAgreement } from "../check/atomicCommit.ts";
import { expectThat } from "../check/violation.ts";
import { describeOp, parseSchedule, type FaultOp, type Simulation } from "../sim/index.ts";
import { exercise } from "./harness/exercise.ts";
import { begin3pc, NODES_3PC, PARTICIPANTS_3PC, threePcOptions } from "./support/threePhaseCommit.ts";
import type * as Break3pc from "../../exercises/break-3pc/schedule.ts";

const ex = await exercise<typeof Break3pc>("break-3pc", "schedule.ts");

const ALLOWED = new Set<FaultOp["op"]>(["partition", "partition-oneway", "isolate", "heal"]);

/** The learner's schedule, validated: well-formed, our nodes only, partitions and heals only. */
function learnerSchedule(): FaultOp[] {
  const raw: unknown = ex.impl.schedule();
  const s = parseSchedule(raw, NODES_3PC);
  for (const [i, op] of s.entries()) {
    expectThat(ALLOWED.has(op.op), "the schedule uses only partitions and heals (the point is that no node fails)", () => `entry ${i} is "${describeOp(op)}"; allowed: partition, partition-oneway, isolate, heal`);
  }
  return s;
}

function decisions(sim: Simulation): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of PARTICIPANTS_3PC) out[p] = sim.outputsOf<{ type: string; decision?: string }>(p).flatMap((o) => (o.value.type === "decided" ? [o.value.decision!] : []));
  return out;
}

ex.scripted("under your schedule (partitions only), one participant commits while another aborts", { runs: 3 }, (lab) => {
  const schedule = learnerSchedule();
  const sim = lab.simulation({ ...threePcOptions(), schedule });
  begin3pc(sim);
  sim.run(2000);
  const ds = decisions(sim);
  const outputs = Object.fromEntries(PARTICIPANTS_3PC.map((p) => [p, sim.outputsOf(p).map((o) => o.value)]));
  const split = checkAgreement(outputs);
  expectThat(split !== null, "your schedule makes some participant commit while another aborts", () => `after your schedule the participants decided ${PARTICIPANTS_3PC.map((p) => `${p}: ${ds[p]!.join(", ") || "nothing"}`).join("; ")}; they agree, so the 3PC survived it`);
});

ex.scripted("the same 3PC, with the same timing, survives a coordinator crash (it is the partition that breaks it)", { runs: 1 }, (lab) => {
  learnerSchedule(); // graded only once you have written your schedule
  for (const crashAt of [12, 22, 27]) {
    const sim = lab.simulation({ ...threePcOptions(), schedule: [{ at: crashAt, op: "crash", node: "co" }] });
    begin3pc(sim);
    sim.run(2000);
    const outputs = Object.fromEntries(PARTICIPANTS_3PC.map((p) => [p, sim.outputsOf(p).map((o) => o.value)]));
    const split = checkAgreement(outputs);
    expectThat(split === null, "with crashes only, the lab's 3PC keeps atomicity", () => `coordinator crashed at t=${crashAt}: ${split}`);
    const undecided = PARTICIPANTS_3PC.filter((p) => decisions(sim)[p]!.length === 0);
    expectThat(undecided.length === 0, "with crashes only, the lab's 3PC does not block", () => `coordinator crashed at t=${crashAt}: ${undecided.join(", ")} never decided`);
  }
});
