// Mutants: known-buggy variants of a reference solution, each a small
// find/replace edit that reintroduces one classic bug. A suite that passes a
// mutant cannot tell that bug from a correct solution, so CI requires every
// mutant to be caught.

export interface Edit {
  /** File relative to the exercise's folder under solutions/ (solutions/raft/ for a Raft stage). */
  file: string;
  /** Exact text that must occur exactly once in the file. */
  find: string;
  replace: string;
}

export interface Mutant {
  /** Short kebab-case name, unique within the exercise. */
  name: string;
  /** The classic bug it reintroduces, in plain words. */
  bug: string;
  edits: Edit[];
}

export interface MutantSet {
  exercise: string;
  mutants: Mutant[];
}

export function defineMutants(exercise: string, mutants: Mutant[]): MutantSet {
  return { exercise, mutants };
}

/** Applies edits to file contents; throws if a `find` does not occur exactly once (the mutant no longer applies). */
export function applyEdits(files: Map<string, string>, m: Mutant): Map<string, string> {
  const out = new Map(files);
  for (const e of m.edits) {
    const src = out.get(e.file);
    if (src === undefined) throw new Error(`mutant ${m.name}: ${e.file} is not in the solution`);
    const count = src.split(e.find).length - 1;
    if (count !== 1) throw new Error(`mutant ${m.name} no longer applies: ${JSON.stringify(e.find.slice(0, 60))} occurs ${count} times in ${e.file} (expected exactly once). Update the mutant to match the solution.`);
    out.set(e.file, src.replace(e.find, () => e.replace));
  }
  return out;
}
