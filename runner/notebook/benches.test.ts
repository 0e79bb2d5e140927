// The lessons' benches show what their prose says. A cell whose bench drifted
// would still run and exit 0 (lessons-run.test.ts); these tests pin the point
// each cell is there to make, so a change to a bench that loses it fails here.

import { expect, test } from "vitest";
import { runWorkload, summarise, gossipStore, quorumStore, yieldByClient } from "../../lessons/support/cap.ts";
import { DESIGNS, runChain } from "../../lessons/support/chain.ts";
import { answerBy, harvestYield, runSearch, waitForAll } from "../../lessons/support/harvest.ts";
import { balance, escrowAccount, searchMerge, withinAllotments } from "../../lessons/support/iconfluence.ts";

test("lesson 10: harvest is the share of the data an answer reflects — three shards of four answer 75%", () => {
  const byDeadline = runSearch({ seed: 1, frontEnd: answerBy(60) });
  const waiting = runSearch({ seed: 1, frontEnd: waitForAll() });
  const cut = { from: 2100, to: 3900 }; // shard 3 away from 2 s to 4 s
  expect(harvestYield(byDeadline, cut.from, cut.to)).toEqual({ yield: 100, harvest: 75 });
  expect(harvestYield(waiting, cut.from, cut.to)).toEqual({ yield: 0, harvest: 100 });
  expect(harvestYield(byDeadline, 500, 1900)).toEqual({ yield: 100, harvest: 100 });
});

test("lesson 10: the AP store's yield falls short of 100% only because of the network's long tail", () => {
  const calm = runWorkload({ seed: 1, store: gossipStore(), network: { delayMs: [2, 12], tail: 0 } }).requests;
  const tail = runWorkload({ seed: 1, store: gossipStore() }).requests;
  expect(summarise(calm, 500, 6700).yield).toBe(100);
  expect(summarise(tail, 500, 6700).yield).toBeLessThan(100);
  expect(summarise(tail, 500, 6700).yield).toBeGreaterThan(94);
});

test("lesson 10: during the partition the CP store is down for the minority's clients and up for the majority's", () => {
  const y = yieldByClient(runWorkload({ seed: 1, store: quorumStore() }).requests, 2000, 5000);
  expect([y["c1"], y["c2"]]).toEqual([0, 0]);
  for (const c of ["c3", "c4", "c5"]) expect(y[c]).toBeGreaterThan(50);
});

test("lesson 12: spending from allotments (escrow) is I-confluent, and keeps the balance non-negative", () => {
  const r = searchMerge(escrowAccount, { name: "within allotments", holds: withinAllotments }, { replicas: 2, depth: 3 });
  expect(r.iConfluent).toBe(true);
  const same = searchMerge(escrowAccount, { name: "within allotments, and balance ≥ 0", holds: (s) => withinAllotments(s) && balance(s) >= 0 }, { replicas: 2, depth: 3 });
  expect(same.iConfluent).toBe(true);
});

test("lesson 13: a synchronous chain is less available than its links' product; a queue with idempotency keys accepts every order and repeats no step", () => {
  const [sync, fresh, keyed] = DESIGNS.map((design) => runChain({ seed: 1, design }));
  expect(sync!.acceptedInTime / sync!.placed).toBeLessThanOrEqual(sync!.linkProduct);
  expect(sync!.duplicates).toBe(0);
  expect(fresh!.acceptedInTime).toBe(fresh!.placed);
  expect(fresh!.duplicates).toBeGreaterThan(0);
  expect(keyed!.acceptedInTime).toBe(keyed!.placed);
  expect(keyed!.duplicates).toBe(0);
  expect(keyed!.completed).toBe(keyed!.placed);
});
