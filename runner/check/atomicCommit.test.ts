import { expect, test } from "vitest";
import { checkAgreement, checkAppliedOnce, checkCommitSafety, checkEveryoneDecided, checkNoReversal, checkValidity } from "./atomicCommit.ts";

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

test("applied once", () => {
  expect(checkAppliedOnce({ p1: [decided("t1", "commit"), decided("t1", "commit")] }, ["p1"])).toMatch(/2 times/);
  expect(checkAppliedOnce({ co: [decided("t1", "commit"), decided("t1", "commit")] }, ["p1"])).toBeNull();
});

test("validity: commit needs every participant's yes", () => {
  const outs = { co: [decided("t1", "commit")], p1: [voted("t1", "yes")], p2: [] };
  expect(checkValidity(outs, ["p1", "p2"])).toMatch(/p2 never voted yes/);
  expect(checkValidity({ ...outs, p2: [voted("t1", "yes")] }, ["p1", "p2"])).toBeNull();
});

test("everyone decided and the combined safety check", () => {
  expect(checkEveryoneDecided({ p1: [decided("t1", "abort")], p2: [] }, ["p1", "p2"], "t1")).toMatch(/p2 never decided/);
  expect(checkCommitSafety({ p1: [voted("t1", "yes"), decided("t1", "commit")], p2: [voted("t1", "yes"), decided("t1", "commit")] }, ["p1", "p2"])).toBeNull();
});
