// The learner's surface, `faultline/sim`: the node API's types and `todo`,
// nothing of the engine (DSLabs likewise keeps its search engine out of
// students' reach). Lessons and tools use the lab itself: `faultline/lab`.

export type { Ctx, Disk, Json, Node, NodeFactory, NodeId } from "./types.ts";
export type { FaultOp } from "./nemesis.ts";
export { todo } from "./errors.ts";
