// Staged worksheets: one file that several exercises grade in turn (the Raft
// track grows raft.ts through raft-election … raft-snapshot). Each stage's
// part of the file sits between two marker lines (editors fold them):
//
//   // #region raft-log
//   …
//   // #endregion raft-log
//
// A stage may have several regions; regions do not nest.
//
// The reference solution is the one source of the worksheet: each of its
// regions holds the answer, then a `// #worksheet` line and the worksheet's
// code for that region, commented out. From it come
//
//   - the worksheet (exercises/<folder>/): every region's worksheet code;
//   - the staged view of a stage: the answers of that stage and the ones
//     before it, the worksheet's code for the later ones (what `faultline
//     solution raft-election` shows: elections, and nothing after).
//
// And a per-stage reset puts the stub's regions of one stage back into the
// learner's file, leaving everything else as it is.
//
// Pure functions over file text; the callers do the I/O.

export interface Region {
  stage: string;
  /** Line index of the `// #region` line. */
  open: number;
  /** Line index of the `// #endregion` line. */
  close: number;
  /** The `// #region` line's indentation. */
  indent: string;
}

/** The markers do not pair up, or two files' regions do not match; the message says where. */
export class RegionError extends Error {
  override name = "RegionError";
}

export interface SourceText {
  text: string;
  /** For messages: the path as the learner knows it. */
  file: string;
}

const OPEN = /^(\s*)\/\/ #region (\S+)/;
const CLOSE = /^\s*\/\/ #endregion\b\s*(\S*)/;
const WORKSHEET = /^\s*\/\/ #worksheet\s*$/;

/** The file's stage regions in order; throws a RegionError when markers do not pair up. */
export function parseRegions({ text, file }: SourceText): Region[] {
  const regions: Region[] = [];
  let open: Omit<Region, "close"> | null = null;
  text.split("\n").forEach((line, i) => {
    const o = OPEN.exec(line);
    const c = CLOSE.exec(line);
    if (o) {
      if (open) throw new RegionError(`${file}:${i + 1}: "#region ${o[2]}" opens before "#region ${open.stage}" (line ${open.open + 1}) is closed.`);
      open = { stage: o[2]!, open: i, indent: o[1]! };
    } else if (c) {
      if (!open) throw new RegionError(`${file}:${i + 1}: an "#endregion" line with no "#region" before it.`);
      if (c[1] && c[1] !== open.stage) throw new RegionError(`${file}:${i + 1}: "#endregion ${c[1]}" closes "#region ${open.stage}" (line ${open.open + 1}).`);
      regions.push({ ...open, close: i });
      open = null;
    }
  });
  const unclosed = open as Omit<Region, "close"> | null;
  if (unclosed) throw new RegionError(`${file}:${unclosed.open + 1}: "#region ${unclosed.stage}" is never closed.`);
  return regions;
}

/** How many regions each stage has. */
export function regionCounts(regions: readonly Region[]): Map<string, number> {
  const n = new Map<string, number>();
  for (const r of regions) n.set(r.stage, (n.get(r.stage) ?? 0) + 1);
  return n;
}

/**
 * `src` with the content of every region replaced by what `content` returns
 * for it (given the region, its index among its stage's regions, and its
 * lines); marker lines and everything outside the regions stay as they are.
 * Line endings follow `src`.
 */
function rewriteRegions(src: SourceText, content: (r: Region, k: number, lines: string[]) => string[]): string {
  const lines = src.text.split("\n");
  const crlf = src.text.includes("\r\n");
  const seen = new Map<string, number>();
  const out: string[] = [];
  let at = 0;
  for (const r of parseRegions(src)) {
    const k = seen.get(r.stage) ?? 0;
    seen.set(r.stage, k + 1);
    const body = content(r, k, lines.slice(r.open + 1, r.close)).map((l) => (crlf && !l.endsWith("\r") ? `${l}\r` : l));
    out.push(...lines.slice(at, r.open + 1), ...body);
    at = r.close;
  }
  out.push(...lines.slice(at));
  return out.join("\n");
}

/** A reference region's two parts: the answer, and the worksheet's code (uncommented) after `// #worksheet`. */
function referenceParts(src: SourceText, r: Region, lines: string[]): { answer: string[]; worksheet: string[] } {
  const cut = lines.findIndex((l) => WORKSHEET.test(l));
  if (cut < 0) throw new RegionError(`${src.file}:${r.open + 1}: the "#region ${r.stage}" has no "// #worksheet" line followed by the worksheet's code.`);
  const prefix = `${r.indent}//`;
  const worksheet = lines.slice(cut + 1).map((l, i) => {
    const line = l.replace(/\r$/, "");
    if (line === prefix) return "";
    if (!line.startsWith(`${prefix} `)) throw new RegionError(`${src.file}:${r.open + cut + i + 3}: worksheet code in a reference region is commented out as "${prefix} …".`);
    return r.indent + line.slice(prefix.length + 1);
  });
  return { answer: lines.slice(0, cut), worksheet };
}

/**
 * The reference as it stands after stage `upTo` (`stages` in course order):
 * the answers of the stages up to it, the worksheet's code for the later
 * ones. `upTo` null: the worksheet itself.
 */
export function stagedView(reference: SourceText, stages: readonly string[], upTo: string | null): string {
  const i = upTo === null ? -1 : stages.indexOf(upTo);
  if (upTo !== null && i < 0) throw new RegionError(`${upTo} is not one of the worksheet's stages (${stages.join(", ")}).`);
  const answered = new Set(stages.slice(0, i + 1));
  return rewriteRegions(reference, (r, _k, lines) => {
    const parts = referenceParts(reference, r, lines);
    return answered.has(r.stage) ? parts.answer : parts.worksheet;
  });
}

/**
 * The learner's file with the stub's regions of `stage` put back; everything
 * else as the learner left it. Throws a RegionError (naming what is missing)
 * when the learner's file no longer has that stage's regions as the stub has
 * them.
 */
export function resetStage(learner: SourceText, stub: SourceText, stage: string): string {
  const want = parseRegions(stub).filter((r) => r.stage === stage);
  const stubLines = stub.text.split("\n");
  const have = parseRegions(learner).filter((r) => r.stage === stage).length;
  if (have !== want.length) throw new RegionError(`${learner.file} has ${have} "// #region ${stage}" part${have === 1 ? "" : "s"}; the worksheet has ${want.length}.`);
  return rewriteRegions(learner, (r, k, lines) => (r.stage === stage ? stubLines.slice(want[k]!.open + 1, want[k]!.close).map((l) => l.replace(/\r$/, "")) : lines));
}

/** The lines a file starts with that are comments or blank (its header). */
export function withoutHeader(text: string): string {
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i]!.startsWith("//") || lines[i]!.trim() === "")) i++;
  return lines.slice(i).join("\n");
}
