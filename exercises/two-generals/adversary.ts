// Exercise `two-generals`, part 2 — be the adversary.
// Lesson: lessons/01-two-generals.md ("Part 2: the adversary").
//
// The lab brings its own protocol (the "handshake"). Every message takes
// exactly 10 ms, and nothing is lost unless you say so:
//
//   t=0    g1 is ordered to attack. It sends ORDER to g2 and repeats it every
//          50 ms (at most 5 times) until it receives an ACK.
//   g2     on every ORDER: sends ACK, then repeats ACK every 50 ms (at most
//          5 ACKs in all) until it receives a CONFIRM.
//   g1     on every ACK: sends one CONFIRM.
//   dawn   (t=1000) g1 attacks iff it received an ACK;
//          g2 attacks iff it received a CONFIRM.
//
// With no loss the messages are #1 ORDER, #2 ACK, #3 CONFIRM and both attack.
// Your job: return a loss schedule — plain data — that makes one general
// attack alone. Messages are numbered in the order they are sent, starting
// at 1, retries included.
//
// Run `npx faultline grade two-generals` to try it. If you get it wrong, the
// failure shows the space-time diagram of what your schedule did.

import { todo } from "faultline/sim";

export type LossSchedule = {
  /** Numbers of messages to lose, counted in the order they are sent (1 = the first). */
  lose: number[];
  /** If set, every message numbered above this is lost too (the link is cut). */
  cutAfter?: number;
};

export function adversary(): LossSchedule {
  // e.g. return { lose: [1] };   (that one makes both hold: they agree — try again)
  return todo("return the loss schedule that makes the handshake protocol's generals disagree");
}
