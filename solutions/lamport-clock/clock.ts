// Reference solution for `lamport-clock` (Lamport 1978, "Time, Clocks, and
// the Ordering of Events in a Distributed System").

import type { NodeId } from "faultline/sim";

export class LamportClock {
  private time = 0;

  constructor(readonly self: NodeId) {}

  /** A local event: tick. */
  localEvent(): number {
    this.time += 1;
    return this.time;
  }

  /** A send is an event too: tick, and the new time travels with the message. */
  send(): number {
    this.time += 1;
    return this.time;
  }

  /** A receive comes after its send and after everything earlier here: jump past both. */
  receive(stamp: number): number {
    this.time = Math.max(this.time, stamp) + 1;
    return this.time;
  }
}
