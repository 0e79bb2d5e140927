// "Did you mean echo?" for a mistyped exercise, lesson, command or scenario:
// the names closest by edit distance (fastest-levenshtein), when one is close
// enough to be a slip of the fingers rather than another word.

import { distance } from "fastest-levenshtein";

/** The candidates that `word` is most plausibly a typo of (nearest first), or none. */
export function nearest(word: string, candidates: readonly string[]): string[] {
  const w = word.toLowerCase();
  // Two slips (two letters swapped, as in "ehco", cost 2), or a third of a long word; one in a word of two letters.
  const limit = w.length <= 2 ? 1 : Math.max(2, Math.floor(w.length / 3));
  const scored = candidates.map((c) => ({ c, d: c.toLowerCase().startsWith(w) && w.length >= 3 ? 0.5 : distance(w, c.toLowerCase()) })).filter((x) => x.d <= limit);
  const best = Math.min(...scored.map((x) => x.d));
  return scored.filter((x) => x.d === best).map((x) => x.c);
}

/** " Did you mean `echo`?" (with a leading space), or "" when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const near = nearest(word, candidates);
  return near.length ? ` Did you mean ${near.map((c) => `\`${c}\``).join(" or ")}?` : "";
}

/**
 * The scenario a learner means by `asked`: the exact name, else the one name
 * it begins (a trailing "…" or "..." is allowed, as in the README's replay
 * example). Otherwise, what to tell them: the names it could be, or all of them.
 */
export function matchScenario(asked: string, names: readonly string[]): { name: string } | { problem: string } {
  if (names.includes(asked)) return { name: asked };
  const stem = asked.replace(/\s*(…|\.\.\.)\s*$/, "").trim().toLowerCase();
  const starting = stem ? names.filter((n) => n.toLowerCase().startsWith(stem)) : [];
  if (starting.length === 1) return { name: starting[0]! };
  const list = (ns: readonly string[]) => ns.map((n) => `\n  ${n}`).join("");
  if (starting.length > 1) return { problem: `"${asked}" begins ${starting.length} scenario names; give more of it:${list(starting)}` };
  const near = nearest(stem, names);
  return { problem: `No scenario is named "${asked}".${near.length === 1 ? ` Did you mean "${near[0]}"?` : ""} The scenarios are:${list(names)}` };
}
