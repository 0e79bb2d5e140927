// A fingerprint of the learner's files of an exercise, recorded with each
// grade: a lesson cell uses the learner's code only while the files are still
// the ones that passed (lessons/…: `yours`).

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { exerciseFolder } from "../suites/harness/target.ts";

/** sha256 over every file in the folder exercise `id` grades (names and contents, in name order); null when there is no such folder. */
export function exerciseDigest(root: string, id: string): string | null {
  const dir = join(root, "exercises", exerciseFolder(root, id));
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile() && !d.name.startsWith("."))
      .map((d) => relative(dir, join(d.parentPath, d.name)))
      .sort();
  } catch {
    return null;
  }
  const h = createHash("sha256");
  for (const f of files) h.update(f).update("\0").update(readFileSync(join(dir, f))).update("\0");
  return h.digest("hex").slice(0, 32);
}
