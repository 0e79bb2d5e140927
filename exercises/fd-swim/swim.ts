// Exercise `fd-swim` — SWIM group membership for 20–50 members.
// Lesson: lessons/03-failure-detectors.md ("Scaling out: SWIM").
//
// All-to-all heartbeats cost every member n-1 messages per period. SWIM (Das,
// Gupta & Motivala, 2002) costs a constant number, whatever n:
//   1. Each PERIOD_MS, pick a member to probe — random, but round-robin over a
//      shuffled list so every member is probed within two rounds — and ping it.
//   2. No ack after PING_TIMEOUT_MS? Send a ping-req to INDIRECT_K other
//      members: each pings the target on your behalf and relays its ack.
//   3. No ack, direct or relayed, by the end of the period? Mark the target
//      suspect (output {type: "suspect", node}) and start a
//      SUSPICION_TIMEOUT_MS timer; when it fires and the member is still
//      suspect, declare it dead (output {type: "dead", node}). Dead is final.
//   4. Incarnation numbers: every member has one, starting at 0, that only it
//      may raise. Hearing that *you* are suspect at incarnation i, raise yours
//      to i + 1 and spread "alive at i + 1": that refutes the suspicion.
//      Precedence when news arrives about member M (the lesson has a table):
//        dead               beats everything;
//        alive at i         beats alive or suspect at j < i;
//        suspect at i       beats alive at j <= i and suspect at j < i.
//      When a suspect member becomes alive again, output {type: "restore", node}.
//   5. Dissemination: no extra messages. Every ping, ack and ping-req carries
//      up to MAX_PIGGYBACK recent updates; each update is piggybacked about
//      RETRANSMIT_MULT × log2(n) times, then dropped.
//
// The grader tries each rule above on its own against scripted members, then
// uses groups of 2 to 50. It crashes members (they must be declared dead by
// everyone within a bound), makes one link lossy (indirect probes must save
// its ends from suspicion), pauses a member (it must refute and survive),
// splits the group for a while, and counts your messages per member per
// period. Output each change once, keep view() in step with your outputs, and
// stop piggybacking news once it has been spread. Members do not restart here.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

// The grader's bounds assume these settings: keep them.

/** One protocol period: one probe per member. */
export const PERIOD_MS = 200;
/** How long to wait for a direct ack before asking others to probe. */
export const PING_TIMEOUT_MS = 60;
/** How many members to ask for an indirect probe. */
export const INDIRECT_K = 3;
/** How long a member stays suspect before it is declared dead. */
export const SUSPICION_TIMEOUT_MS = 4000;
/** At most this many updates ride on one message. */
export const MAX_PIGGYBACK = 6;
/** Each update is piggybacked RETRANSMIT_MULT × ⌈log2(n + 1)⌉ times. */
export const RETRANSMIT_MULT = 3;

export type Status = "alive" | "suspect" | "dead";
/** News about one member: its status at an incarnation. */
export type Update = { node: NodeId; status: Status; incarnation: number };
export type Ping = { type: "ping"; seq: number; updates: Update[] };
/** `target` is the member whose liveness the ack confirms (for a relayed ack, not the sender). */
export type Ack = { type: "ack"; seq: number; target: NodeId; updates: Update[] };
export type PingReq = { type: "ping-req"; seq: number; target: NodeId; updates: Update[] };
export type SwimMsg = Ping | Ack | PingReq;
export type SwimOutput = { type: "suspect"; node: NodeId } | { type: "restore"; node: NodeId } | { type: "dead"; node: NodeId };

export interface Member extends Node<SwimMsg> {
  /** Every other member's status as this member sees it. */
  view(): Record<NodeId, Status>;
  /** This member's own incarnation number. */
  incarnation(): number;
}

export function createMember(ctx: Ctx<SwimMsg, SwimOutput>): Member {
  const members = new Map<NodeId, { status: Status; incarnation: number }>(ctx.peers.map((p) => [p, { status: "alive", incarnation: 0 }]));
  let incarnation = 0;

  return {
    onStart() {
      // Start the protocol period. Tip: start it after a random fraction of
      // PERIOD_MS (Math.floor(ctx.random() * PERIOD_MS)) so members do not all probe at once.
      todo("start the protocol period");
    },
    onMessage(from: NodeId, msg: SwimMsg) {
      // First apply every piggybacked update (step 4's rules), then:
      //   ping     → ack it (target: yourself), with your own piggybacked updates;
      //   ping-req → ping msg.target on the requester's behalf; relay its ack back;
      //   ack      → either it answers your current probe, or it is one to relay.
      todo("handle ping, ack and ping-req");
    },
    onTimer(name: string) {
      // The period timer, the ping timeout, and one suspicion timer per suspect member.
      todo("handle the period, ping-timeout and suspicion timers");
    },
    view: () => Object.fromEntries([...members].map(([p, m]) => [p, m.status])),
    incarnation: () => incarnation,
  };
}
