// Atomic commitment properties, over what nodes output: votes
// ({type: "voted", tx, vote}) and decisions ({type: "decided", tx, decision}).
// Pure: each checker takes every node's outputs in order and returns null when
// the property holds, or what went wrong, concretely. Used by the 2PC, 3PC and
// exhaustive-search scenarios alike.
//
// Agreement, no reversal, validity and termination are the conditions AC1–AC5
// of Bernstein, Hadzilacos & Goodman (1987, ch. 7). The outputs are part of the
// specification too: each vote and each decision is output once, by the nodes
// it belongs to, so a checker counts them rather than reading them as sets.

export type CommitOutput =
  | { type: "voted"; tx: string; vote: "yes" | "no" }
  | { type: "decided"; tx: string; decision: "commit" | "abort" };

/** Every node's outputs, in the order it made them. Outputs of other shapes are ignored. */
export type OutputsByNode = Readonly<Record<string, readonly unknown[]>>;

/** Who takes part: one list for every transaction, or a list per transaction. */
export type Participants = readonly string[] | Readonly<Record<string, readonly string[]>>;

function participantsOf(ps: Participants, tx: string): readonly string[] {
  return Array.isArray(ps) ? (ps as readonly string[]) : ((ps as Readonly<Record<string, readonly string[]>>)[tx] ?? []);
}

export const PROPERTY = {
  agreement: "all nodes that decide a transaction decide the same",
  noReversal: "no node ever reverses a decision, across restarts",
  decidedOnce: "every node outputs its decision on a transaction once, however often it hears it and however often it restarts (a coordinator decides once)",
  votedOnce: "a participant votes once per transaction: a repeated prepare gets the vote already made, not a new one (and after a crash, the vote on disk)",
  votersAreParticipants: "only a transaction's participants vote on it (the coordinator prepares exactly the participants it was given)",
  validity: "a transaction commits only if every participant voted yes",
  commitAfterVotes: "a commit comes after the votes it needs: no node decides commit before every participant has voted yes",
  commitWhenAllYes: "with no faults and every vote yes, the transaction commits",
  termination: "once every node has recovered and the network has healed, every participant and the coordinator decide",
} as const;

function decisions(outputs: OutputsByNode): { node: string; tx: string; decision: string }[] {
  const out: { node: string; tx: string; decision: string }[] = [];
  for (const [node, outs] of Object.entries(outputs))
    for (const o of outs) {
      const v = o as Partial<CommitOutput>;
      if (v && v.type === "decided") out.push({ node, tx: v.tx!, decision: v.decision! });
    }
  return out;
}

export function checkAgreement(outputs: OutputsByNode): string | null {
  const first = new Map<string, { node: string; decision: string }>();
  for (const d of decisions(outputs)) {
    const f = first.get(d.tx);
    if (!f) first.set(d.tx, d);
    else if (f.decision !== d.decision) return `transaction ${d.tx}: ${f.node} decided ${f.decision} but ${d.node} decided ${d.decision}`;
  }
  return null;
}

export function checkNoReversal(outputs: OutputsByNode): string | null {
  for (const [node, outs] of Object.entries(outputs)) {
    const seen = new Map<string, string>();
    for (const d of decisions({ [node]: outs })) {
      const before = seen.get(d.tx);
      if (before && before !== d.decision) return `${node} decided ${before} on transaction ${d.tx}, then ${d.decision}`;
      seen.set(d.tx, d.decision);
    }
  }
  return null;
}

export function checkDecidedOnce(outputs: OutputsByNode): string | null {
  for (const [node, outs] of Object.entries(outputs)) {
    const count = new Map<string, number>();
    for (const d of decisions({ [node]: outs })) count.set(d.tx, (count.get(d.tx) ?? 0) + 1);
    for (const [tx, n] of count) if (n > 1) return `${node} output its decision on transaction ${tx} ${n} times`;
  }
  return null;
}

function votes(outs: readonly unknown[]): { tx: string; vote: string }[] {
  return outs.flatMap((o) => {
    const v = o as Partial<CommitOutput>;
    return v && v.type === "voted" ? [{ tx: v.tx!, vote: v.vote! }] : [];
  });
}

export function checkVotedOnce(outputs: OutputsByNode): string | null {
  for (const [node, outs] of Object.entries(outputs)) {
    const seen = new Map<string, string[]>();
    for (const v of votes(outs)) seen.set(v.tx, [...(seen.get(v.tx) ?? []), v.vote]);
    for (const [tx, vs] of seen) if (vs.length > 1) return `${node} voted ${vs.length} times on transaction ${tx} (${vs.join(", then ")})`;
  }
  return null;
}

export function checkVotersAreParticipants(outputs: OutputsByNode, participants: Participants): string | null {
  for (const [node, outs] of Object.entries(outputs))
    for (const v of votes(outs)) if (!participantsOf(participants, v.tx).includes(node)) return `${node} voted on transaction ${v.tx}, whose participants are ${participantsOf(participants, v.tx).join(", ") || "unknown"}`;
  return null;
}

export function checkValidity(outputs: OutputsByNode, participants: Participants): string | null {
  for (const d of decisions(outputs)) {
    if (d.decision !== "commit") continue;
    for (const p of participantsOf(participants, d.tx)) {
      const votedYes = (outputs[p] ?? []).some((o) => {
        const v = o as Partial<CommitOutput>;
        return v.type === "voted" && v.tx === d.tx && v.vote === "yes";
      });
      if (!votedYes) return `${d.node} decided commit on transaction ${d.tx}, but ${p} never voted yes`;
    }
  }
  return null;
}

/** One output with its time, for the checks that need the order across nodes. */
export interface TimedOutput {
  t: number;
  node: string;
  value: unknown;
}

/** Every commit is output no earlier than every participant's yes vote on that transaction. */
export function checkCommitAfterVotes(outputs: readonly TimedOutput[], participants: Participants): string | null {
  const yesAt = new Map<string, number>();
  for (const o of outputs) {
    const v = o.value as Partial<CommitOutput>;
    if (v?.type === "voted" && v.vote === "yes" && !yesAt.has(`${o.node} ${v.tx}`)) yesAt.set(`${o.node} ${v.tx}`, o.t);
  }
  for (const o of outputs) {
    const v = o.value as Partial<CommitOutput>;
    if (v?.type !== "decided" || v.decision !== "commit") continue;
    for (const p of participantsOf(participants, v.tx!)) {
      const at = yesAt.get(`${p} ${v.tx}`);
      if (at === undefined || at > o.t) return `${o.node} decided commit on transaction ${v.tx} at t=${o.t} ms, ${at === undefined ? `and ${p} never voted yes` : `but ${p} voted yes only at t=${at} ms`}`;
    }
  }
  return null;
}

/** Every one of `nodes` has decided `tx`. */
export function checkEveryoneDecided(outputs: OutputsByNode, nodes: readonly string[], tx: string): string | null {
  const undecided = nodes.filter((p) => !decisions({ [p]: outputs[p] ?? [] }).some((d) => d.tx === tx));
  return undecided.length ? `${undecided.join(", ")} never decided transaction ${tx}` : null;
}

/** The safety properties, in the order they are checked. */
export function checkCommitSafety(outputs: OutputsByNode, participants: Participants): { property: string; details: string } | null {
  const checks: [string, () => string | null][] = [
    [PROPERTY.agreement, () => checkAgreement(outputs)],
    [PROPERTY.noReversal, () => checkNoReversal(outputs)],
    [PROPERTY.validity, () => checkValidity(outputs, participants)],
    [PROPERTY.votersAreParticipants, () => checkVotersAreParticipants(outputs, participants)],
    [PROPERTY.votedOnce, () => checkVotedOnce(outputs)],
    [PROPERTY.decidedOnce, () => checkDecidedOnce(outputs)],
  ];
  for (const [property, check] of checks) {
    const details = check();
    if (details !== null) return { property, details };
  }
  return null;
}
