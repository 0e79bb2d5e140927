import { expect, test } from "vitest";
import { checkAgreement, checkCommitAfterVotes, checkCommitSafety, checkDecidedOnce, checkEveryoneDecided, checkNoReversal, checkValidity, checkVotedOnce, checkVotersAreParticipants } from "./atomicCommit.ts";

const voted = (tx: string, vote: "yes" | "no") => ({ type: "voted", tx, vote });
const decided = (tx: string, decision: "commit" | "abort") => ({ type: "decided", tx, decision });

test("agreement: one commit and one abort on the same transaction is a violation", () => {
  expect(checkAgreement({ p1: [decided("t1", "commit")], p2: [decided("t1", "abort")] })).toMatch(/p1 decided commit but p2 decided abort/);
  expect(checkAgreement({ p1: [decided("t1", "commit")], p2: [decided("t2", "abort")] })).toBeNull();
});

test("no reversal across one node's outputs", () => {
  expect(checkNoReversal({ p1: [decided("t1", "abort"), decided("t1", "commit")] })).toMatch(/p1 decided abort .* then commit/);
  expect(checkNoReversal({ p1: [decided("t1", "abort"), decided("t1", "abort")] })).toBeNull();
});

test("decided once, by every node, the coordinator included", () => {
  expect(checkDecidedOnce({ p1: [decided("t1", "commit"), decided("t1", "commit")] })).toMatch(/p1 .* 2 times/);
  expect(checkDecidedOnce({ co: [decided("t1", "commit"), decided("t1", "commit")] })).toMatch(/co .* 2 times/);
  expect(checkDecidedOnce({ co: [decided("t1", "commit"), decided("t2", "abort")], p1: [decided("t1", "commit")] })).toBeNull();
});

test("voted once, and only by the transaction's participants", () => {
  expect(checkVotedOnce({ p1: [voted("t1", "yes"), voted("t1", "no")] })).toMatch(/p1 voted 2 times on transaction t1 \(yes, then no\)/);
  expect(checkVotedOnce({ p1: [voted("t1", "yes"), voted("t2", "yes")] })).toBeNull();
  expect(checkVotersAreParticipants({ p1: [voted("t1", "yes")], x: [voted("t1", "yes")] }, { t1: ["p1"] })).toMatch(/x voted on transaction t1/);
  expect(checkVotersAreParticipants({ p1: [voted("t1", "yes")], x: [voted("t2", "yes")] }, { t1: ["p1"], t2: ["x"] })).toBeNull();
});

test("validity: commit needs every participant's yes", () => {
  const outs = { co: [decided("t1", "commit")], p1: [voted("t1", "yes")], p2: [] };
  expect(checkValidity(outs, ["p1", "p2"])).toMatch(/p2 never voted yes/);
  expect(checkValidity({ ...outs, p2: [voted("t1", "yes")] }, ["p1", "p2"])).toBeNull();
  // Participants per transaction: t2's commit needs only p2's yes.
  expect(checkValidity({ co: [decided("t2", "commit")], p1: [], p2: [voted("t2", "yes")] }, { t1: ["p1", "p2"], t2: ["p2"] })).toBeNull();
});

test("everyone decided and the combined safety check", () => {
  expect(checkEveryoneDecided({ p1: [decided("t1", "abort")], p2: [] }, ["p1", "p2"], "t1")).toMatch(/p2 never decided/);
  expect(checkCommitSafety({ p1: [voted("t1", "yes"), decided("t1", "commit")], p2: [voted("t1", "yes"), decided("t1", "commit")] }, ["p1", "p2"])).toBeNull();
});

test("a commit comes after every participant's yes, in time", () => {
  const rec = (t: number, node: string, value: unknown) => ({ t, node, value });
  expect(checkCommitAfterVotes([rec(5, "p1", voted("t1", "yes")), rec(9, "co", decided("t1", "commit")), rec(12, "p2", voted("t1", "yes"))], ["p1", "p2"])).toMatch(/co decided commit on transaction t1 at t=9 ms, but p2 voted yes only at t=12 ms/);
  expect(checkCommitAfterVotes([rec(5, "p1", voted("t1", "yes")), rec(6, "p2", voted("t1", "yes")), rec(9, "co", decided("t1", "commit"))], ["p1", "p2"])).toBeNull();
});
