// The course's files as committed (git HEAD), read in one git process: what
// `npm test` grades as "the stubs" and what `faultline classroom template`
// copies, so that whatever is edited in the working tree (a learner's answers,
// an instructor's experiments) never counts and never leaks.

import { execFileSync } from "node:child_process";

export interface CommittedFile {
  path: string;
  data: Buffer;
  /** Whether git records it as executable (bin/faultline.js). */
  executable: boolean;
}

/** Every committed file under `prefix` (a folder, e.g. "exercises/"; "" for all), or null outside a git checkout. */
export function committedFiles(root: string, prefix = ""): CommittedFile[] | null {
  let entries: { mode: string; path: string }[];
  try {
    // "<mode> blob <sha>\t<path>" per file.
    entries = execFileSync("git", ["ls-tree", "-r", "-z", "HEAD", ...(prefix ? ["--", prefix] : [])], { cwd: root, stdio: ["ignore", "pipe", "ignore"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
      .split("\0")
      .filter(Boolean)
      .map((line) => ({ mode: line.slice(0, line.indexOf(" ")), path: line.slice(line.indexOf("\t") + 1) }))
      .filter((e) => e.mode.startsWith("100"));
  } catch {
    return null;
  }
  const names = entries.map((e) => e.path);
  if (names.length === 0) return [];
  // `cat-file --batch` answers "<sha> blob <size>\n<bytes>\n" for each "HEAD:<path>" it is given.
  const out = execFileSync("git", ["cat-file", "--batch"], { cwd: root, input: names.map((n) => `HEAD:${n}\n`).join(""), stdio: ["pipe", "pipe", "ignore"], maxBuffer: 1024 * 1024 * 1024 });
  const files: CommittedFile[] = [];
  let at = 0;
  for (const [i, path] of names.entries()) {
    const eol = out.indexOf(10, at);
    const size = Number(out.subarray(at, eol).toString("utf8").split(" ")[2]);
    files.push({ path, data: out.subarray(eol + 1, eol + 1 + size), executable: entries[i]!.mode === "100755" });
    at = eol + 1 + size + 1;
  }
  return files;
}
