// Lesson 04's file transfer, for the lesson's cell (the `careful-transfer`
// exercise asks you to write your own, with its own message format).
//
// Host A sends a file in parts; every packet carries its own checksum, so
// damage on the wire is caught and the part resent. Host B spools each part
// to its disk as it arrives and, once it has them all, reads the spool back
// into the file. One switch decides whether B also checks the *whole file*
// it read back against the digest A computed when the file was known good —
// the end-to-end check — before it says "stored".

import type { Ctx, Node } from "../../runner/sim/index.ts";

/** Adler-32 (Mark Adler, 1995), as 8 hex digits: cheap, and good at catching random damage. */
export function adler32(text: string): string {
  let a = 1;
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    a = (a + text.charCodeAt(i)) % 65521;
    b = (b + a) % 65521;
  }
  return ((b * 65536 + a) >>> 0).toString(16).padStart(8, "0");
}

type Part = { type: "part"; attempt: number; i: number; n: number; digest: string; data: string };
type Status = { type: "status"; attempt: number; have: number[]; stored: boolean };
type Packet = (Part | Status) & { sum: string };
export type TransferOut = { type: "done" } | { type: "failed" };

/** The per-packet layer: a checksum over everything in the packet. */
const seal = (body: Part | Status): Packet => ({ ...body, sum: adler32(JSON.stringify(body)) });
function unseal(p: Packet): Part | Status | null {
  const { sum, ...body } = p;
  return adler32(JSON.stringify(body)) === sum ? (body as Part | Status) : null;
}

const TICK_MS = 100;
const GIVE_UP_TICKS = 150;

/** Host A: reads "file" and "digest" from its disk (until they agree), sends what B lacks every tick, and says done when B says stored. */
export function sender(ctx: Ctx<Packet, TransferOut>): Node<Packet> {
  let parts: string[] | null = null;
  let digest = "";
  let attempt = 0;
  let have: number[] = [];
  let ticks = 0;
  let over = false;
  const readFile = () => {
    for (let tries = 0; tries < 10 && parts === null; tries++) {
      const file = ctx.disk.get<string[]>("file");
      const d = ctx.disk.get<string>("digest");
      if (file && d && adler32(file.join("")) === d) [parts, digest] = [file, d];
    }
    if (parts) attempt = 1 + Math.floor(ctx.random() * 1e9); // a fresh id, so B never mixes two attempts
  };
  const tick = () => {
    if (over) return;
    if (++ticks > GIVE_UP_TICKS) {
      over = true;
      return ctx.output({ type: "failed" });
    }
    if (parts === null) readFile();
    parts?.forEach((data, i) => have.includes(i) || ctx.send("b", seal({ type: "part", attempt, i, n: parts!.length, digest, data })));
    ctx.setTimer("tick", TICK_MS);
  };
  return {
    onStart: tick,
    onTimer: tick,
    onMessage(_from, packet) {
      const m = unseal(packet);
      if (over || m?.type !== "status" || m.attempt !== attempt) return;
      have = m.have;
      if (m.stored) {
        over = true;
        ctx.output({ type: "done" });
      }
    },
  };
}

/** Host B. With `checkWholeFile`, B compares the file it read back from its spool with A's digest, and starts over on a mismatch. */
export function receiver({ checkWholeFile }: { checkWholeFile: boolean }) {
  return (ctx: Ctx<Packet>): Node<Packet> => {
    let attempt = 0;
    let have: number[] = [];
    let stored = false;
    return {
      onMessage(from, packet) {
        const m = unseal(packet);
        if (m?.type !== "part") return; // damaged on the wire: A will send it again
        if (m.attempt !== attempt) [attempt, have, stored] = [m.attempt, [], false];
        if (!stored && !have.includes(m.i)) {
          ctx.disk.set(`spool:${m.i}`, m.data);
          have.push(m.i);
          if (have.length === m.n) {
            const file = Array.from({ length: m.n }, (_, i) => ctx.disk.get<string>(`spool:${i}`) ?? "");
            if (!checkWholeFile || adler32(file.join("")) === m.digest) {
              ctx.disk.set("file", file);
              stored = true;
            } else have = []; // the file B read back is not A's: ask for every part again
          }
        }
        ctx.send(from, seal({ type: "status", attempt, have: [...have], stored })); // a copy: a sent message is frozen
      },
    };
  };
}
