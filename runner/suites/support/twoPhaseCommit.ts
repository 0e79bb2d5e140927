// The `two-phase-commit` rig: clusters of the learner's coordinator and
// participants, resource managers that behave like real ones across crashes,
// and the checks every scenario shares (the outputs are the specification:
// see check/atomicCommit.ts).

import { checkCommitAfterVotes, checkCommitSafety, checkEveryoneDecided, PROPERTY, type OutputsByNode, type Participants } from "../../check/atomicCommit.ts";
import { expectThat } from "../../check/violation.ts";
import type { Ctx, NodeFactory, NodeId, Simulation } from "../../sim/index.ts";
import type * as TPC from "../../../exercises/two-phase-commit/twoPhaseCommit.ts";

export type TpcModule = Pick<typeof TPC, "createCoordinator" | "createParticipant">;
export type Vote = TPC.Vote;
export type Decision = TPC.Decision;
export type TpcMsg = TPC.Msg;
export type TpcOut = TPC.Out;

export const COORDINATOR = "co";

/**
 * Resource managers as the harness plays them. Each votes as scripted, but
 * its tentative work lives in memory, as a real one's does until it is
 * prepared: asked about a transaction again after its node crashed, it can
 * only refuse it. So a participant that forgot a yes vote (it did not force
 * the prepared record, or never read it back) and asks again gets "no", and
 * contradicts itself where a checker can see it. Every question is recorded.
 */
export class ResourceManagers {
  readonly asked: { node: NodeId; tx: string; incarnation: number; vote: Vote }[] = [];
  private readonly incarnations = new Map<NodeId, number>();

  constructor(private readonly script: (node: NodeId, tx: string) => Vote) {}

  /** The resource manager a new incarnation of `node` works with. */
  forNode(node: NodeId): TPC.ResourceManager {
    const incarnation = (this.incarnations.get(node) ?? 0) + 1;
    this.incarnations.set(node, incarnation);
    return {
      prepare: (tx: string): Vote => {
        const workLost = this.asked.some((a) => a.node === node && a.tx === tx && a.incarnation < incarnation);
        const vote: Vote = workLost ? "no" : this.script(node, tx);
        this.asked.push({ node, tx, incarnation, vote });
        return vote;
      },
    };
  }
}

/** The node table: the learner's coordinator as "co", the learner's participants with their resource managers. */
export function commitNodes(impl: TpcModule, participants: readonly NodeId[], rms: ResourceManagers, extra: Readonly<Record<NodeId, NodeFactory>> = {}): Record<NodeId, NodeFactory> {
  const nodes: Record<NodeId, NodeFactory> = { [COORDINATOR]: impl.createCoordinator as NodeFactory };
  for (const p of participants) nodes[p] = (ctx: Ctx<TpcMsg, TpcOut>) => impl.createParticipant(ctx, rms.forNode(p));
  return { ...nodes, ...extra };
}

export function outputsByNode(sim: Simulation): Record<NodeId, unknown[]> {
  const out: Record<NodeId, unknown[]> = {};
  for (const id of sim.nodeIds) out[id] = [];
  for (const o of sim.outputs) (out[o.node] ??= []).push(o.value);
  return out;
}

export function decisionsOf(sim: Simulation, node: NodeId, tx?: string): Decision[] {
  return sim.outputsOf<TpcOut>(node).flatMap((o) => (o.value.type === "decided" && (tx === undefined || o.value.tx === tx) ? [o.value.decision] : []));
}

export function votesOf(sim: Simulation, node: NodeId, tx?: string): Vote[] {
  return sim.outputsOf<TpcOut>(node).flatMap((o) => (o.value.type === "voted" && (tx === undefined || o.value.tx === tx) ? [o.value.vote] : []));
}

/**
 * Agreement, no reversal, validity, each vote and decision output once by the
 * right nodes, and (outputs have times here) every commit after the yes votes
 * it needs.
 */
export function expectSimSafe(sim: Simulation, participants: Participants): void {
  const bad = checkCommitSafety(outputsByNode(sim), participants);
  expectThat(bad === null, bad?.property ?? "", () => bad!.details);
  const early = checkCommitAfterVotes(sim.outputs, participants);
  expectThat(early === null, PROPERTY.commitAfterVotes, () => early!);
}

/** Every participant of `tx`, and the coordinator, has decided it. */
export function expectEveryoneDecided(outputs: OutputsByNode, tx: string, participants: readonly NodeId[], at?: number): void {
  const missing = checkEveryoneDecided(outputs, [COORDINATOR, ...participants], tx);
  expectThat(missing === null, PROPERTY.termination, () => missing!, at);
}
