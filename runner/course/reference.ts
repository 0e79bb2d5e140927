// The reference solution as a learner may see it (`faultline solution`,
// watch mode's s): the files of an exercise of its own as they are; for a
// stage of a shared worksheet, the staged view of the reference — the
// answers up to that stage, the worksheet's todo()s after it (worksheet.ts).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exerciseFolder, worksheetStages, type Course, type Exercise } from "./course.ts";
import { parseRegions, stagedView } from "./worksheet.ts";

export interface ReferenceFile {
  /** Relative to the exercise folder (raft.ts). */
  file: string;
  /** Relative to the project (solutions/raft/raft.ts). */
  path: string;
  code: string;
  /** Set for a staged view: which answers it shows. */
  view: string | null;
}

export function referenceFiles(root: string, c: Course, e: Exercise): ReferenceFile[] {
  const stages = worksheetStages(c, e).map((x) => x.id);
  return e.files.map((file) => {
    const path = join("solutions", exerciseFolder(e), file);
    const source = { text: readFileSync(join(root, path), "utf8"), file: path };
    if (stages.length < 2 || parseRegions(source).length === 0) return { file, path, code: source.text, view: null };
    const later = stages.slice(stages.indexOf(e.id) + 1);
    return { file, path, code: stagedView(source, stages, e.id), view: later.length ? `the answers up to ${e.id}; ${later.join(", ")} still as in the worksheet` : null };
  });
}
