// `yours`: a lesson cell runs on the learner's own implementation of an
// exercise once it passes, and on the lesson's demo until then. One line for
// a lesson author:
//
//   import { yours } from "faultline/yours";
//   import * as demo from "faultline/lessons/support/clocks.ts";
//   const { VectorClock, compare } = await yours("vector-clock", demo);
//
// `demo` has the shape of the exercise's module (the names the cell uses;
// the learner's exports take the place of the names they share with it, and
// helpers only the demo has stay). A name set to null in `demo` has no demo:
// the cell gets null until the learner's passes, and stands in itself. The learner's module is used when their last grade was a pass and their
// files are still the ones that passed (progress.json keeps a fingerprint of
// the files graded); otherwise, or when it cannot be loaded, the demo is. The
// cell prints one line saying which it got and why.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exerciseDigest } from "../course/fingerprint.ts";
import { progressFile, progressSchema, type ExerciseProgress } from "../course/progress.ts";
import { exerciseFolder } from "../suites/harness/target.ts";
import { loadLearnerModule } from "./learnerCode.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

export type Choice = { use: "yours"; note: string } | { use: "demo"; note: string };

/** Whether a cell may use the learner's code of `id`, from their last grade and their files now. */
export function chooseImplementation(id: string, graded: ExerciseProgress | undefined, digestNow: string | null): Choice {
  if (!graded || graded.status !== "pass")
    return { use: "demo", note: `the lesson's own stands in; yours takes its place once \`${id}\` passes (faultline watch ${id})` };
  if (!graded.digest || graded.digest !== digestNow) return { use: "demo", note: `the lesson's own stands in: your ${id} changed since it passed; grade it again (faultline grade ${id}) to use it here` };
  return { use: "yours", note: `your code, which passes` };
}

function lastGrade(root: string, id: string): ExerciseProgress | undefined {
  try {
    const p = progressSchema.safeParse(JSON.parse(readFileSync(progressFile(root), "utf8")));
    return p.success ? p.data.exercises[id] : undefined;
  } catch {
    return undefined;
  }
}

/** The exercise's main file, as a path under exercises/ (the Raft stages share one folder). */
function mainFile(root: string, id: string): string {
  const course = JSON.parse(readFileSync(join(root, "course.json"), "utf8")) as { exercises: { id: string; files: string[] }[] };
  const e = course.exercises.find((x) => x.id === id);
  if (!e) throw new Error(`yours("${id}"): course.json has no exercise "${id}".`);
  return `${exerciseFolder(root, id)}/${e.files[0]!}`;
}

/**
 * The demo with the learner's exports in place of the demo's names they
 * share (the demo may carry helpers of its own, which stay); or what is wrong:
 * a shared name that is something else in the learner's module, or no shared
 * name at all.
 */
export function overDemo<T extends object>(mod: Record<string, unknown>, demo: T): { ok: true; value: T } | { ok: false; why: string } {
  const value: Record<string, unknown> = { ...(demo as Record<string, unknown>) };
  let shared = 0;
  for (const [k, v] of Object.entries(demo)) {
    if (!(k in mod)) continue;
    // A name the demo sets to null has no demo: the learner's takes it, whatever it is.
    if (v !== null && typeof mod[k] !== typeof v) return { ok: false, why: `its ${k} is a ${typeof mod[k]}, where the cell needs a ${typeof v}` };
    value[k] = mod[k];
    shared++;
  }
  if (shared === 0) return { ok: false, why: `it exports none of ${Object.keys(demo).join(", ")}` };
  return { ok: true, value: value as T };
}

export interface YoursOptions {
  /** The project (default: this checkout). */
  root?: string;
  /** Where the one-line note goes (default: stdout, as cell output). */
  note?: (line: string) => void;
}

/** The learner's implementation of exercise `id` once it passes, else `demo`; prints which, in one line. */
export async function yours<T extends object>(id: string, demo: T, opts: YoursOptions = {}): Promise<T> {
  const root = opts.root ?? ROOT;
  const say = opts.note ?? ((line: string) => console.log(line));
  const file = mainFile(root, id);
  const choice = chooseImplementation(id, lastGrade(root, id), exerciseDigest(root, id));
  if (choice.use === "demo") {
    say(`▸ ${id}: ${choice.note}`);
    return demo;
  }
  let mod: Record<string, unknown>;
  try {
    mod = await loadLearnerModule(root, file);
  } catch (e) {
    say(`▸ ${id}: the lesson's own stands in; yours could not be loaded here: ${(e as Error).message}`);
    return demo;
  }
  const mixed = overDemo(mod, demo);
  if (!mixed.ok) {
    say(`▸ ${id}: the lesson's own stands in; exercises/${file} does not fit this cell: ${mixed.why}`);
    return demo;
  }
  say(`▸ ${id}: ${choice.note} (exercises/${file})`);
  return mixed.value;
}
