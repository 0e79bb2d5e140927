// Two of Lamport's TLA+ specifications of transaction commit (TCommit and
// TwoPhase, from Gray & Lamport, "Consensus on Transaction Commit", 2006, and
// the tlaplus/Examples repository), written as explorer models, action by
// action. They are the explorer's external yardstick: with three resource
// managers TLC reports 34 distinct states (depth 7) for TCommit and 288
// distinct states (depth 11) for TwoPhase, and `explore` must find exactly
// the same numbers (see explore.test.ts). They also make good lesson material.

import { canonicalJson, type Invariant, type Model } from "./explore.ts";

export type RmState = "working" | "prepared" | "committed" | "aborted";

/** TCommit: the specification of transaction commit. Only the RMs' states. */
export interface TCommitState {
  rmState: Record<string, RmState>;
}

export function tcommitModel(rms: readonly string[]): Model<TCommitState> {
  const set = (s: TCommitState, r: string, v: RmState): TCommitState => ({ rmState: { ...s.rmState, [r]: v } });
  return {
    init: () => [{ rmState: Object.fromEntries(rms.map((r) => [r, "working" as RmState])) }],
    *next(s) {
      const canCommit = rms.every((r) => s.rmState[r] === "prepared" || s.rmState[r] === "committed");
      const notCommitted = rms.every((r) => s.rmState[r] !== "committed");
      for (const r of rms) {
        const st = s.rmState[r];
        // Prepare(r)
        if (st === "working") yield [`Prepare(${r})`, set(s, r, "prepared")] as const;
        // Decide(r), first disjunct: commit once every RM is prepared or committed.
        if (st === "prepared" && canCommit) yield [`Decide(${r}): commit`, set(s, r, "committed")] as const;
        // Decide(r), second disjunct: abort while nobody has committed.
        if ((st === "working" || st === "prepared") && notCommitted) yield [`Decide(${r}): abort`, set(s, r, "aborted")] as const;
      }
    },
    hash: (s) => canonicalJson(s),
  };
}

/** TCConsistent: no RM has committed while another has aborted. */
export function tcConsistent<S extends { rmState: Record<string, RmState> }>(): Invariant<S> {
  return {
    name: "TCConsistent: no resource manager commits while another aborts",
    check(s) {
      const vals = Object.values(s.rmState);
      return vals.includes("committed") && vals.includes("aborted") ? `rmState = ${canonicalJson(s.rmState)}` : true;
    },
  };
}

export type TpMessage = { type: "Prepared"; rm: string } | { type: "Commit" } | { type: "Abort" };

/** TwoPhase: the two-phase commit protocol, with a transaction manager and a set of messages (never removed). */
export interface TwoPhaseState {
  rmState: Record<string, RmState>;
  tmState: "init" | "committed" | "aborted";
  /** A set: kept sorted. */
  tmPrepared: string[];
  /** A set of messages: kept sorted by their canonical text. */
  msgs: TpMessage[];
}

export function twoPhaseModel(rms: readonly string[]): Model<TwoPhaseState> {
  const addMsg = (msgs: TpMessage[], m: TpMessage): TpMessage[] => {
    const key = canonicalJson(m);
    if (msgs.some((x) => canonicalJson(x) === key)) return msgs;
    return [...msgs, m].sort((a, b) => (canonicalJson(a) < canonicalJson(b) ? -1 : 1));
  };
  const has = (s: TwoPhaseState, m: TpMessage): boolean => s.msgs.some((x) => canonicalJson(x) === canonicalJson(m));
  const setRm = (s: TwoPhaseState, r: string, v: RmState): Record<string, RmState> => ({ ...s.rmState, [r]: v });
  return {
    init: () => [{ rmState: Object.fromEntries(rms.map((r) => [r, "working" as RmState])), tmState: "init", tmPrepared: [], msgs: [] }],
    *next(s) {
      // TMCommit
      if (s.tmState === "init" && s.tmPrepared.length === rms.length) yield ["TMCommit", { ...s, tmState: "committed", msgs: addMsg(s.msgs, { type: "Commit" }) }] as const;
      // TMAbort
      if (s.tmState === "init") yield ["TMAbort", { ...s, tmState: "aborted", msgs: addMsg(s.msgs, { type: "Abort" }) }] as const;
      for (const r of rms) {
        // TMRcvPrepared(r)
        if (s.tmState === "init" && has(s, { type: "Prepared", rm: r }))
          yield [`TMRcvPrepared(${r})`, { ...s, tmPrepared: [...new Set([...s.tmPrepared, r])].sort() }] as const;
        // RMPrepare(r)
        if (s.rmState[r] === "working") yield [`RMPrepare(${r})`, { ...s, rmState: setRm(s, r, "prepared"), msgs: addMsg(s.msgs, { type: "Prepared", rm: r }) }] as const;
        // RMChooseToAbort(r)
        if (s.rmState[r] === "working") yield [`RMChooseToAbort(${r})`, { ...s, rmState: setRm(s, r, "aborted") }] as const;
        // RMRcvCommitMsg(r)
        if (has(s, { type: "Commit" })) yield [`RMRcvCommitMsg(${r})`, { ...s, rmState: setRm(s, r, "committed") }] as const;
        // RMRcvAbortMsg(r)
        if (has(s, { type: "Abort" })) yield [`RMRcvAbortMsg(${r})`, { ...s, rmState: setRm(s, r, "aborted") }] as const;
      }
    },
    hash: (s) => canonicalJson(s),
  };
}
