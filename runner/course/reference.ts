// The reference solution as a learner may see it (`faultline solution`,
// watch mode's s): the files of an exercise of its own as they are; for a
// stage of a shared worksheet, the staged view of the reference — the
// answers up to that stage, the worksheet's todo()s after it (worksheet.ts).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exerciseFolder, worksheetStages, type Course, type Exercise } from "./course.ts";
import { parseRegions, stagedView, withoutHeader } from "./worksheet.ts";

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
    const regions = parseRegions(source);
    if (stages.length < 2 || regions.length === 0) return { file, path, code: source.text, view: null };
    const later = stages.slice(stages.indexOf(e.id) + 1).filter((id) => regions.some((r) => r.stage === id));
    const view = later.length ? `the answers up to ${e.id}; ${later.join(", ")} still as in the worksheet` : null;
    return { file, path, code: viewHeader(source.text, path, view) + withoutHeader(stagedView(source, stages, e.id)), view };
  });
}

/**
 * The reference's header is about the whole file (its answers and the
 * worksheet code it carries): a view keeps its first paragraph (what the file
 * is, what it cites) and says what it shows instead of the rest.
 */
function viewHeader(text: string, path: string, view: string | null): string {
  const lines = text.split("\n");
  const first = lines.slice(0, Math.max(0, lines.findIndex((l) => l.trim() === "//")));
  const note = `// Shown here: ${view ?? "every stage's answers"} (from ${path}).`;
  return [...first, "//", ...wrapComment(note), "", ""].join("\n");
}

function wrapComment(line: string, width = 78): string[] {
  const out: string[] = [];
  let cur = "//";
  for (const word of line.replace(/^\/\/ /, "").split(" ")) {
    if (cur.length + 1 + word.length > width && cur !== "//") {
      out.push(cur);
      cur = "//";
    }
    cur += ` ${word}`;
  }
  return [...out, cur];
}
