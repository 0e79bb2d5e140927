// Reference solution for `careful-transfer` (Saltzer, Reed & Clark 1984,
// "End-to-End Arguments in System Design").
//
// Per-packet checksums (seal/unseal) make the network's damage rare, but they
// cannot see damage done before a packet is sealed (A's disk) or after it is
// opened (B's spool). So the ends check the whole file against the digest
// that A's disk keeps beside it, and retry until they agree — or say they
// failed.

import type { Ctx, Node, NodeId } from "faultline/sim";

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
  let parts: string[] = [];
  let digest = "";
  let xfer = 0;
  let have = new Set<number>();
  let ticks = 0;
  let finished = false;
  let ready = false;

  function finish(out: TransferOut): void {
    if (finished) return;
    finished = true;
    ctx.cancelTimer("tick");
    ctx.output(out);
    // A report is made once: remember it, so that a restart does not start over and report again.
    ctx.disk.set("reported", out.type);
  }

  /** Reads the file and its digest until they agree: a disk read may return damaged data. */
  function readIntactFile(): boolean {
    for (let attempt = 0; attempt < 10; attempt++) {
      const file = ctx.disk.get<string[]>("file");
      const d = ctx.disk.get<string>("digest");
      if (Array.isArray(file) && typeof d === "string" && checksum(file.join("")) === d) {
        parts = file;
        digest = d;
        return true;
      }
    }
    return false;
  }

  function sendMissing(): void {
    let missing = 0;
    for (let i = 0; i < parts.length; i++) {
      if (have.has(i)) continue;
      missing++;
      ctx.send(b, seal({ type: "part", xfer, i, n: parts.length, digest, data: parts[i]! }));
    }
    if (missing === 0) ctx.send(b, seal({ type: "check", xfer, n: parts.length, digest }));
  }

  /** Starts an attempt once the file has been read intact. */
  function begin(): void {
    if (!readIntactFile()) return; // the disk is having a bad moment: try again on the next tick
    ready = true;
    // A fresh id per attempt, so B never mixes parts of two attempts.
    xfer = 1 + Math.floor(ctx.random() * 1e9);
    sendMissing();
  }

  return {
    onStart() {
      // Already reported (before a crash)? Then the transfer is over: stay quiet.
      if (ctx.disk.get("reported") !== undefined) {
        finished = true;
        return;
      }
      begin();
      ctx.setTimer("tick", TICK_MS);
    },
    onTimer() {
      if (finished) return;
      if (++ticks > GIVE_UP_TICKS) return finish({ type: "failed", reason: ready ? `no verified copy at B after ${GIVE_UP_TICKS} tries` : "could not read an intact copy of the file" });
      if (ready) sendMissing();
      else begin();
      ctx.setTimer("tick", TICK_MS);
    },
    onMessage(_from, packet) {
      const msg = unseal(packet);
      if (!msg || msg.type !== "status" || msg.xfer !== xfer || finished) return;
      // Only B's end-to-end verdict counts as success.
      if (msg.verified) return finish({ type: "done" });
      have = new Set(msg.have);
    },
  };
}

export function createReceiver(ctx: Ctx<TransferMsg, TransferOut>): Node<TransferMsg> {
  let xfer = 0;
  let n = 0;
  let digest = "";
  let have = new Set<number>();
  let verified = false;

  function reply(to: NodeId): void {
    ctx.send(to, seal({ type: "status", xfer, have: [...have].sort((x, y) => x - y), verified }));
  }

  /** Reads the spooled parts back and checks the whole file against the digest. */
  function assemble(): void {
    for (let attempt = 0; attempt < 5; attempt++) {
      const file: string[] = [];
      for (let i = 0; i < n; i++) file.push(ctx.disk.get<string>(`spool:${i}`) ?? "");
      if (checksum(file.join("")) === digest) {
        ctx.disk.set("file", file);
        verified = true;
        return;
      }
    }
    // The spool keeps rotting under us: start over and have A send everything again.
    have = new Set();
  }

  return {
    onMessage(from, packet) {
      const msg = unseal(packet);
      if (!msg || msg.type === "status") return;
      if (msg.xfer !== xfer) {
        // A new transfer (or one we forgot in a restart): we hold nothing of it yet.
        xfer = msg.xfer;
        have = new Set();
        verified = false;
      }
      n = msg.n;
      digest = msg.digest;
      if (msg.type === "part" && !verified && !have.has(msg.i)) {
        ctx.disk.set(`spool:${msg.i}`, msg.data); // buffered on disk, as a real receiver would
        have.add(msg.i);
      }
      if (!verified && have.size === n) assemble();
      reply(from);
    },
  };
}
