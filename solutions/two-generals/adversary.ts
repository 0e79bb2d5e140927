// Reference solution for `two-generals`, part 2: the adversary.
//
// The lab's handshake protocol: g1 sends ORDER (#1), g2 answers ACK (#2),
// g1 answers CONFIRM (#3). g1 attacks once it has an ACK; g2 attacks once it
// has a CONFIRM. Whatever comes last is the message whose loss splits them:
// let the first two through and cut the link. g2 retries its ACK, and every
// retry and CONFIRM after #2 is lost with it.

export type LossSchedule = {
  /** Numbers of messages to lose, counted in the order they are sent (1 = the first). */
  lose: number[];
  /** If set, every message numbered above this is lost too (the link is cut). */
  cutAfter?: number;
};

export function adversary(): LossSchedule {
  return { lose: [], cutAfter: 2 };
}
