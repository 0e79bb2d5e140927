// The lab's public API. Learner code imports from here ("faultline/sim");
// suites and checkers import the rest.

export type { Ctx, Disk, Json, Node, NodeFactory, NodeId } from "./types.ts";
export { todo, TodoError, SimError, MessageError, DeterminismError, HandlerError, RunError, formatTime, sourceLocation } from "./errors.ts";
export type { Where } from "./errors.ts";
export { Simulation } from "./simulation.ts";
export type { SimOptions, NodeStatus, OutputRecord, NodeStats, FaultInput } from "./simulation.ts";
export { DEFAULT_NETWORK } from "./network.ts";
export type { NetworkConfig, MessageRule } from "./network.ts";
export { faultOpSchema, scheduleSchema, parseSchedule, formatSchedule, describeOp, scheduleArb, quiesce, sortSchedule } from "./nemesis.ts";
export type { FaultOp, Schedule, FaultKind, ScheduleOptions } from "./nemesis.ts";
export { Trace } from "./trace.ts";
export type { TraceEvent, TraceJson, TraceKind, DropReason } from "./trace.ts";
export { renderDiagram } from "./diagram.ts";
export type { DiagramOptions } from "./diagram.ts";
export { Stream } from "./random.ts";
export { Hasher, deriveSeed } from "./hash.ts";
export { cluster, Cluster } from "./cluster.ts";
export type { ClusterOptions } from "./cluster.ts";
export { explore, describeExploration, canonicalJson } from "./explore.ts";
export type { Model, Invariant, Finding, ExploreBudget, ExploreOptions, ExploreReport, Counterexample, StopReason } from "./explore.ts";
export { exploreCluster, replayCluster, clusterModel, ClusterWorld } from "./exploreCluster.ts";
export type { ClusterAction, ClusterExploreOptions, ClusterExploreReport, ClusterFaults, ClusterModelOptions, ClusterState, ClusterView, ClusterWorldSetup } from "./exploreCluster.ts";
export { tcommitModel, twoPhaseModel, tcConsistent } from "./tlaCommit.ts";
export type { TCommitState, TwoPhaseState, RmState } from "./tlaCommit.ts";
