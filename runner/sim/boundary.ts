// The boundary between the engine and a node. Learner code gets closed
// facades (its ctx, its disk) through which nothing of the engine can be
// reached or changed; the engine gets the node's handlers. What crosses
// as data is taken by message.ts (takeData).

import type { Node } from "./types.ts";

/**
 * Freezes a facade and every function on it, so learner code can neither
 * change the engine's objects nor hang state on them (a property set on
 * `ctx.send` would otherwise outlive a crash, since a node keeps its ctx).
 */
export function closed<T extends object>(facade: T): Readonly<T> {
  for (const v of Object.values(facade)) if (typeof v === "function") Object.freeze(v);
  engineFacades.add(facade);
  return Object.freeze(facade);
}

const engineFacades = new WeakSet<object>();

/** Whether a value is one of the engine's closed facades (a node's ctx or disk): a call that takes one is building a node. */
export function isEngineFacade(v: unknown): boolean {
  return typeof v === "object" && v !== null && engineFacades.has(v);
}

// A node instance as the harness sees it may be a facade over the learner's
// object (runner/learner/membrane.ts: every value it hands back is taken as
// data). The engine runs the handlers themselves, with no facade in between:
// this is the hot path, and the engine reads nothing back but whether a
// handler returned a promise or a generator.
const handlersOf = new WeakMap<object, Node<unknown>>();

/** Tells the engine which object's handlers stand behind a facade. */
export function registerHandlers(facade: object, node: Node<unknown>): void {
  handlersOf.set(facade, node);
}

/** The object whose handlers the engine calls for this instance. */
export function handlersFor(instance: Node<unknown>): Node<unknown> {
  return handlersOf.get(instance) ?? instance;
}
