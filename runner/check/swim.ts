// SWIM's rules for news about members (Das, Gupta & Motivala, "SWIM:
// Scalable Weakly-consistent Infection-style Process Group Membership
// Protocol", 2002, §4.2), as a model the suites compare learner code with.
// Pure: no I/O.

import type { NodeId } from "../sim/index.ts";

export type Status = "alive" | "suspect" | "dead";

/** What a member holds about another member, or news about one. */
export interface Held {
  status: Status;
  incarnation: number;
}

/**
 * Whether news overrides what is held (§4.2): dead beats everything and is
 * final; alive at i beats alive or suspect at j < i; suspect at i beats alive
 * at j ≤ i and suspect at j < i.
 */
export function overrides(held: Held, news: Held): boolean {
  if (held.status === "dead") return false;
  if (news.status === "dead") return true;
  if (news.status === "alive") return news.incarnation > held.incarnation;
  return news.incarnation > held.incarnation || (news.incarnation === held.incarnation && held.status === "alive");
}

/** The output a member makes when its view of another changes from `was` to `now` (null: none). */
export function outputFor(was: Status, now: Status): "suspect" | "restore" | "dead" | null {
  if (was === now) return null;
  if (now === "dead") return "dead";
  return now === "suspect" ? "suspect" : "restore";
}

/** A member's own incarnation after hearing news about itself: suspected at i ≥ its own, it refutes with i + 1. */
export function refute(own: number, news: Held): number {
  return news.status !== "alive" && news.incarnation >= own ? news.incarnation + 1 : own;
}

/** One piece of news about a member, as it rides on a message. */
export interface Update extends Held {
  node: NodeId;
}

export interface Expected {
  /** What `self` holds about each member news was about (others start alive at incarnation 0). */
  held: Map<NodeId, Held>;
  /** The outputs `self` makes, in order. */
  outputs: { type: "suspect" | "restore" | "dead"; node: NodeId }[];
  /** `self`'s own incarnation. */
  incarnation: number;
}

/** What a member `self` that starts trusting everyone must hold, output and be after hearing `news` in this order. */
export function afterNews(self: NodeId, news: readonly Update[]): Expected {
  const held = new Map<NodeId, Held>();
  const outputs: Expected["outputs"] = [];
  let incarnation = 0;
  for (const u of news) {
    if (u.node === self) {
      incarnation = refute(incarnation, u);
      continue;
    }
    const was = held.get(u.node) ?? { status: "alive", incarnation: 0 };
    if (!overrides(was, u)) continue;
    held.set(u.node, { status: u.status, incarnation: u.incarnation });
    const out = outputFor(was.status, u.status);
    if (out) outputs.push({ type: out, node: u.node });
  }
  return { held, outputs, incarnation };
}
