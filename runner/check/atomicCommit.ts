// Atomic commitment properties, over what nodes output: votes
// ({type: "voted", tx, vote}) and decisions ({type: "decided", tx, decision}).
// Pure: each checker takes every node's outputs in order and returns null when
// the property holds, or what went wrong, concretely. Used by the 2PC, 3PC and
// exhaustive-search scenarios alike.

export type CommitOutput =
  | { type: "voted"; tx: string; vote: "yes" | "no" }
  | { type: "decided"; tx: string; decision: "commit" | "abort" };

/** Every node's outputs, in the order it made them. Outputs of other shapes are ignored. */
export type OutputsByNode = Readonly<Record<string, readonly unknown[]>>;

export const PROPERTY = {
  agreement: "all nodes that decide a transaction decide the same",
  noReversal: "no node ever reverses a decision, across restarts",
  appliedOnce: "a participant applies each decision once, however often it hears it",
  validity: "a transaction commits only if every participant voted yes",
  commitWhenAllYes: "with no faults and every vote yes, the transaction commits",
  termination: "once every node has recovered and the network has healed, every participant decides",
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

export function checkAppliedOnce(outputs: OutputsByNode, participants: readonly string[]): string | null {
  for (const p of participants) {
    const count = new Map<string, number>();
    for (const d of decisions({ [p]: outputs[p] ?? [] })) count.set(d.tx, (count.get(d.tx) ?? 0) + 1);
    for (const [tx, n] of count) if (n > 1) return `${p} applied its decision on transaction ${tx} ${n} times`;
  }
  return null;
}

export function checkValidity(outputs: OutputsByNode, participants: readonly string[]): string | null {
  for (const d of decisions(outputs)) {
    if (d.decision !== "commit") continue;
    for (const p of participants) {
      const votedYes = (outputs[p] ?? []).some((o) => {
        const v = o as Partial<CommitOutput>;
        return v.type === "voted" && v.tx === d.tx && v.vote === "yes";
      });
      if (!votedYes) return `${d.node} decided commit on transaction ${d.tx}, but ${p} never voted yes`;
    }
  }
  return null;
}

/** Every participant has decided `tx`. */
export function checkEveryoneDecided(outputs: OutputsByNode, participants: readonly string[], tx: string): string | null {
  const undecided = participants.filter((p) => !decisions({ [p]: outputs[p] ?? [] }).some((d) => d.tx === tx));
  return undecided.length ? `${undecided.join(", ")} never decided transaction ${tx}` : null;
}

/** The safety properties, in the order they are checked. */
export function checkCommitSafety(outputs: OutputsByNode, participants: readonly string[]): { property: string; details: string } | null {
  const checks: [string, string | null][] = [
    [PROPERTY.agreement, checkAgreement(outputs)],
    [PROPERTY.noReversal, checkNoReversal(outputs)],
    [PROPERTY.validity, checkValidity(outputs, participants)],
    [PROPERTY.appliedOnce, checkAppliedOnce(outputs, participants)],
  ];
  for (const [property, details] of checks) if (details !== null) return { property, details };
  return null;
}
