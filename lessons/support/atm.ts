// Lesson 07's bank and cash machine: availability bought with apologies.
//
// Online, the machine asks the bank, and the bank pays out only what the
// balance covers. When the bank does not answer in time, the machine decides
// alone: it pays up to `offlineLimit` per account while it is cut off (0 means
// it refuses everyone), writes down what it paid, and settles with the bank
// when it can reach it again. The bank applies those withdrawals whatever they
// do to the balance — the cash is gone — and reports each account they
// overdraw: an apology to make.

import type { Ctx, Node } from "../../runner/sim/index.ts";

type Entry = { id: number; account: string; amount: number };
type Msg =
  | ({ type: "authorize" } & Entry)
  | { type: "verdict"; id: number; ok: boolean }
  | { type: "settle"; entries: Entry[] }
  | { type: "settled"; ids: number[] };

export type AtmOut = { type: "paid" | "refused"; id: number; account: string; amount: number; alone: boolean };
export type BankOut = { type: "overdrawn"; account: string; balance: number };

export interface CashMachine extends Node<Msg> {
  withdraw(id: number, account: string, amount: number): void;
}

/** How long the machine waits for the bank before it decides alone. */
export const BANK_TIMEOUT_MS = 100;
const SETTLE_MS = 200;

export function cashMachine(offlineLimit: number) {
  return (ctx: Ctx<Msg, AtmOut>): CashMachine => {
    const waiting = new Map<number, Entry>();
    const paidAlone = new Map<string, number>(); // per account, since the bank last answered
    /** Withdrawals decided alone, not yet settled with the bank (on disk: cash that left must never be forgotten). */
    const unsettled = () => ctx.disk.get<Entry[]>("unsettled") ?? [];
    return {
      withdraw(id, account, amount) {
        waiting.set(id, { id, account, amount });
        ctx.send("bank", { type: "authorize", id, account, amount });
        ctx.setTimer(`wait ${id}`, BANK_TIMEOUT_MS);
      },
      onStart: () => ctx.setTimer("settle", SETTLE_MS),
      onTimer(name) {
        if (name === "settle") {
          if (unsettled().length) ctx.send("bank", { type: "settle", entries: unsettled() });
          return ctx.setTimer("settle", SETTLE_MS);
        }
        const w = waiting.get(Number(name.slice("wait ".length)));
        if (!w) return;
        waiting.delete(w.id);
        // The bank is silent: guess. Pay within the limit, refuse beyond it — and remember either way,
        // so that the bank can undo an authorization whose answer never arrived.
        const ok = (paidAlone.get(w.account) ?? 0) + w.amount <= offlineLimit;
        if (ok) paidAlone.set(w.account, (paidAlone.get(w.account) ?? 0) + w.amount);
        ctx.disk.set("unsettled", [...unsettled(), { ...w, amount: ok ? w.amount : 0 }]);
        ctx.disk.sync();
        ctx.output({ type: ok ? "paid" : "refused", ...w, alone: true });
      },
      onMessage(_from, msg) {
        if (msg.type === "settled") {
          ctx.disk.set("unsettled", unsettled().filter((e) => !msg.ids.includes(e.id)));
          ctx.disk.sync();
        }
        if (msg.type !== "verdict") return;
        paidAlone.clear(); // the bank is back: its word counts again
        const w = waiting.get(msg.id);
        if (!w) return; // too late: decided alone, and settlement will square it
        waiting.delete(msg.id);
        ctx.cancelTimer(`wait ${msg.id}`);
        ctx.output({ type: msg.ok ? "paid" : "refused", ...w, alone: false });
      },
    };
  };
}

export function bank(opening: Readonly<Record<string, number>>) {
  return (ctx: Ctx<Msg, BankOut>): Node<Msg> => {
    const balance = (a: string) => ctx.disk.get<number>(`balance ${a}`) ?? opening[a] ?? 0;
    /** What withdrawal `id` has taken from its account so far (settling is idempotent: it sets, never adds). */
    const taken = (id: number) => ctx.disk.get<number>(`taken ${id}`) ?? 0;
    const take = (e: Entry) => {
      const after = balance(e.account) - (e.amount - taken(e.id));
      ctx.disk.set(`balance ${e.account}`, after);
      ctx.disk.set(`taken ${e.id}`, e.amount);
      ctx.disk.sync();
      return after;
    };
    return {
      onMessage(from, msg) {
        if (msg.type === "authorize") {
          const ok = taken(msg.id) > 0 || balance(msg.account) >= msg.amount;
          if (ok) take(msg);
          ctx.send(from, { type: "verdict", id: msg.id, ok });
        } else if (msg.type === "settle") {
          for (const e of msg.entries) {
            const before = balance(e.account);
            const after = take(e);
            if (after < 0 && after < before) ctx.output({ type: "overdrawn", account: e.account, balance: after });
          }
          ctx.send(from, { type: "settled", ids: msg.entries.map((e) => e.id) });
        }
      },
    };
  };
}
