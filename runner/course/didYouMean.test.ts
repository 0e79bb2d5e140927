import { expect, test } from "vitest";
import { didYouMean, matchScenario, nearest } from "./didYouMean.ts";

const ids = ["echo", "two-generals", "lamport-clock", "vector-clock", "raft-election", "raft-log", "raft-kv"];

test("a slip of the fingers finds the name meant", () => {
  expect(nearest("ehco", ids)).toEqual(["echo"]);
  expect(nearest("raft-electon", ids)).toEqual(["raft-election"]);
  expect(nearest("Echo", ids)).toEqual(["echo"]);
  expect(nearest("vector", ids)).toEqual(["vector-clock"]);
  expect(didYouMean("ehco", ids)).toBe(" Did you mean `echo`?");
});

test("ties are all offered; an unrelated word gets no suggestion", () => {
  expect(nearest("raft-lg", ["raft-log", "raft-kv"])).toEqual(["raft-log"]);
  expect(nearest("raft", ids)).toEqual(["raft-election", "raft-log", "raft-kv"]);
  expect(nearest("paxos", ids)).toEqual([]);
  expect(didYouMean("paxos", ids)).toBe("");
});

test("replay --scenario takes the exact name, or the one name it begins (… allowed), else lists them", () => {
  const names = ["answers each request with its own id and body", "answers go back to whoever asked, with several clients", "under drops, duplicates and reordering every request is answered, correctly"];
  expect(matchScenario(names[2]!, names)).toEqual({ name: names[2] });
  expect(matchScenario("under drops, duplicates and reordering …", names)).toEqual({ name: names[2] });
  expect(matchScenario("Under drops...", names)).toEqual({ name: names[2] });
  const several = matchScenario("answers", names);
  expect("problem" in several && several.problem).toMatch(/begins 2 scenario names; give more of it:\n {2}answers each request/);
  const none = matchScenario("under drops, duplicates, reorderings", names);
  expect("problem" in none && none.problem).toMatch(/^No scenario is named "under drops, duplicates, reorderings"\. The scenarios are:\n {2}answers each/);
  const typo = matchScenario("answers go bakc to whoever asked, with several clients", names);
  expect("problem" in typo && typo.problem).toMatch(/Did you mean "answers go back to whoever asked, with several clients"\?/);
});
