// Exercise `careful-transfer`. Lesson: lessons/04-end-to-end.md ("The careful file transfer").
//
// Host A ("a") holds a file on its disk: key "file" (an array of text parts)
// and key "digest" (checksum(file.join("")), written when the file was known
// to be good). Move the file to host B ("b"), which must store it under its
// disk key "file" (same array, byte for byte). Then A outputs {type: "done"}
// — or {type: "failed", reason} if it cannot.
//
// Everything between the two ends misbehaves:
//   - the network drops, duplicates, reorders and corrupts messages;
//   - disk reads sometimes return damaged data (writes are fine), on A and on B;
//   - A and B crash and restart mid-transfer (memory and timers gone, disk kept).
//
// The grader's rule: whenever A says "done", B's disk already holds the exact
// file. Saying "failed" is allowed; silent damage never is. When faults are
// moderate, A must succeed. A reports once — one outcome, never repeated, not
// even after a crash and restart — and then sends nothing more (B answers only
// what reaches it, so it falls silent too). Files come in every shape: no
// parts at all, empty parts, one huge part, any characters.
//
// You get a per-packet checksum layer below (seal/unseal). It is useful —
// and it is not enough. Which damage can it not see?
//
// B must spool every part it receives to disk (ctx.disk.set(`spool:${i}`, data))
// and build the file by reading the spool back — as a receiver with little
// memory would. Those reads can be damaged too.

import { todo, type Ctx, type Node, type NodeId } from "faultline/sim";

// ---------------------------------------------------------------------------
// Given: a checksum and a per-packet checksum layer.

/** FNV-1a, 32 bits, as 8 hex digits. Good enough to catch random damage. */
export function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

// ---------------------------------------------------------------------------

/** A → B: part i of n of transfer `xfer`; `digest` is the whole file's checksum. */
export type Part = { type: "part"; xfer: number; i: number; n: number; digest: string; data: string };
/** A → B: "how far are you?" once every part is acknowledged (with the file's shape, so that even an empty file can be checked). */
export type Check = { type: "check"; xfer: number; n: number; digest: string };
/** B → A: which parts B holds, and whether the whole file is verified and stored. */
export type Status = { type: "status"; xfer: number; have: number[]; verified: boolean };
export type Body = Part | Check | Status;
/** What travels: a body plus a checksum over all of it. */
export type TransferMsg = Body & { sum: string };

/** Adds a checksum over the whole packet. */
export function seal(body: Body): TransferMsg {
  return { ...body, sum: checksum(JSON.stringify(body)) };
}

/** The packet without its checksum if it arrived intact, else null (drop it: the sender will retry). */
export function unseal(packet: TransferMsg): Body | null {
  const { sum, ...body } = packet;
  return checksum(JSON.stringify(body)) === sum ? (body as Body) : null;
}

export type TransferOut = { type: "done" } | { type: "failed"; reason: string };

export const TICK_MS = 100;
/** A gives up after this many ticks without success. */
export const GIVE_UP_TICKS = 150;

export function createSender(ctx: Ctx<TransferMsg, TransferOut>): Node<TransferMsg> {
  const b: NodeId = "b";
  // Your state: the parts, the digest, which parts B has, an id for this attempt…

  return {
    onStart() {
      // Read the file and its digest from disk (a read may be damaged: how do you know?),
      // send the parts to B, and start a timer so you can resend what got lost.
      // After a restart you start over: memory is gone, the disk is not.
      todo("read the file intact and start sending it");
    },
    onTimer(name: string) {
      todo("resend what B does not have yet; give up (output failed) after a while");
    },
    onMessage(from: NodeId, packet: TransferMsg) {
      // unseal(packet) is null for a damaged packet: ignore it.
      // Output {type: "done"} only when you know B holds the exact file.
      todo("handle B's status reports");
    },
  };
}

export function createReceiver(ctx: Ctx<TransferMsg, TransferOut>): Node<TransferMsg> {
  // Your state: the current transfer, which parts you have…

  return {
    onMessage(from: NodeId, packet: TransferMsg) {
      // Spool each new part: ctx.disk.set(`spool:${i}`, data).
      // With all parts: read the spool back, join, check against the digest,
      // and only then ctx.disk.set("file", parts). Tell A how far you are.
      todo("receive parts, assemble, verify end to end, report status");
    },
  };
}
