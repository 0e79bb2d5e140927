// The harness's entry point for suite authors: n nodes built from the
// implementation under test (n1..nN), optional clients, and the simulator's
// controls. Everything a scripted story needs reads as one line:
// `c.crash("n1"); c.run(2000); c.expectOneLeader()` (the last in a suite's own helpers).

import { Simulation, type SimOptions } from "./simulation.ts";
import type { NodeFactory, NodeId } from "./types.ts";

export interface ClusterOptions extends Omit<SimOptions, "nodes"> {
  /** The implementation under test: one factory for every node. */
  create: NodeFactory;
  /** How many nodes (n1..nN); default 3. Ignored when `ids` is given. */
  n?: number;
  ids?: readonly NodeId[];
}

export class Cluster extends Simulation {
  readonly ids: readonly NodeId[];

  constructor(opts: ClusterOptions) {
    const ids = opts.ids ?? Array.from({ length: opts.n ?? 3 }, (_, i) => `n${i + 1}`);
    const { create, n: _n, ids: _ids, ...rest } = opts;
    super({ ...rest, nodes: Object.fromEntries(ids.map((id) => [id, create])) });
    this.ids = ids;
  }

  /** Nodes that are not crashed (paused ones count as alive). */
  alive(): NodeId[] {
    return this.ids.filter((id) => this.isUp(id));
  }

  /** Outputs of every node whose value matches `pred`, in order. */
  outputsWhere<Out>(pred: (value: Out, node: NodeId) => boolean): { t: number; node: NodeId; value: Out }[] {
    return this.outputs.filter((o) => pred(o.value as Out, o.node)) as { t: number; node: NodeId; value: Out }[];
  }
}

export function cluster(opts: ClusterOptions): Cluster {
  return new Cluster(opts);
}
