// Upgrade without loss. The Raft stages used to have a folder each
// (exercises/raft-election/ … raft-kv/, each with its own copy of raft.ts,
// carried forward by `faultline carry`); now they share exercises/raft/.
// When a checkout still has per-stage folders, the learner's work moves into
// the shared one: for each file, the copy from the most advanced stage that
// the learner edited wins. Every old file (and every file it replaces) is
// backed up first, and the old folders go. Runs before any command; a no-op
// once done.
//
// "Edited" means: not one of the stubs as they were shipped (their SHA-256,
// line endings aside, below). A file we cannot recognise counts as edited.

import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { exerciseFolder, exercisesInOrder, type Course } from "./course.ts";
import { stubSource, writeAtomic } from "./reset.ts";
import { shownPath, stateDir } from "./state.ts";

/** The per-stage stubs as they were shipped (every version), by path under exercises/. */
export const SHIPPED: Record<string, readonly string[]> = {
  "raft-election/raft.ts": ["767f09071fbf69c3bc8f50f6e6bfa657473b1bbac146727c7be7fd39c19a0037"],
  "raft-log/raft.ts": ["348cefd76b3f92442725a9d48509dc59d17343106da0a8241830044883df8d09", "ceec76d945d4bd0f05903af235d95a0235af7c0ecdbaa10cec0e77654c572b26"],
  "raft-persist/raft.ts": ["3c482d7d734865fab4658c6b523950b48394be20d2fe9076d647d06d8b250072", "63bdc4bca158f3e36e5b71c8cdb159d50ee2eeb301524c6b202165508167c161"],
  "raft-snapshot/raft.ts": ["471f656e91dfdf47119c323a3e63b128c78a58ca0c789f8883f7596ec3cfd14a", "c3232528a0058e46d346ca12e1d1bcd283d6ef96f8322f268c475716270018ff"],
  "raft-kv/raft.ts": ["985175ebb0f6160cf4c878242c1f44578a71a06fa8391c1d768e7a1863682be9", "b1ef953adfbf39688035a7f166eea4ebcdabebb1e42c67515af5c88ca51c5a55"],
  "raft-kv/kv.ts": ["617e6ea1cf56c75d2f02bebe0328961638fa2bb59c26da374ec6bd8f51b00c52"],
};

export function contentHash(data: Buffer): string {
  return createHash("sha256").update(data.toString("utf8").replace(/\r\n/g, "\n")).digest("hex");
}

export interface Upgrade {
  /** The shared folder (exercises/raft). */
  folder: string;
  /** Files that moved in: from (old path) → to (new path), relative to the project. */
  moved: { from: string; to: string }[];
  /** Files of the shared folder that already held the learner's work, so they were kept and not replaced. */
  kept: string[];
  /** The old folders, now removed (their files are in the backup). */
  removed: string[];
  /** Where every old file, and every file that was replaced, was copied first (relative). */
  backup: string;
}

function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

/** Whether exercises/<folder>/<f> is the stub as shipped now (unknown outside a git checkout: yes; it is backed up anyway). */
function isStub(root: string, folder: string, f: string): boolean {
  let stub: Buffer;
  try {
    stub = stubSource(root, folder, f);
  } catch {
    return true;
  }
  return contentHash(stub) === contentHash(readFileSync(join(root, "exercises", folder, f)));
}

/**
 * Moves the learner's work out of old per-stage folders into the shared ones;
 * returns what it did (empty when nothing was needed). `shipped`: the stubs'
 * hashes (tests pass their own).
 */
export function upgradeWorksheets(root: string, c: Course, opts: { now?: Date; shipped?: Record<string, readonly string[]> } = {}): Upgrade[] {
  const now = opts.now ?? new Date();
  const shippedStubs = opts.shipped ?? SHIPPED;
  const done: Upgrade[] = [];
  const byFolder = new Map<string, string[]>();
  for (const e of exercisesInOrder(c)) {
    const folder = exerciseFolder(e);
    if (folder !== e.id && existsSync(join(root, "exercises", e.id)) && statSync(join(root, "exercises", e.id)).isDirectory()) byFolder.set(folder, [...(byFolder.get(folder) ?? []), e.id]);
  }
  for (const [folder, legacy] of byFolder) {
    const backup = join(stateDir(root), "backups", `upgrade-${now.toISOString().replace(/[:.]/g, "-")}`);
    const u: Upgrade = { folder: `exercises/${folder}`, moved: [], kept: [], removed: legacy.map((id) => `exercises/${id}`), backup: shownPath(root, backup) };
    // First a copy of everything old, so that nothing below can lose a line.
    for (const id of legacy) cpSync(join(root, "exercises", id), join(backup, "exercises", id), { recursive: true });
    // Per file name, the most advanced stage (course order) whose copy the learner edited.
    const winner = new Map<string, string>();
    for (const id of legacy)
      for (const f of filesIn(join(root, "exercises", id))) {
        const shipped = shippedStubs[`${id}/${f}`] ?? [];
        if (!shipped.includes(contentHash(readFileSync(join(root, "exercises", id, f))))) winner.set(f, id);
      }
    for (const [f, id] of winner) {
      const to = join(root, "exercises", folder, f);
      if (existsSync(to)) {
        if (!isStub(root, folder, f)) {
          u.kept.push(`exercises/${folder}/${f}`);
          continue;
        }
        mkdirSync(dirname(join(backup, "exercises", folder, f)), { recursive: true });
        cpSync(to, join(backup, "exercises", folder, f));
      }
      mkdirSync(dirname(to), { recursive: true });
      writeAtomic(to, readFileSync(join(root, "exercises", id, f)));
      u.moved.push({ from: `exercises/${id}/${f}`, to: `exercises/${folder}/${f}` });
    }
    for (const id of legacy) rmSync(join(root, "exercises", id), { recursive: true, force: true });
    done.push(u);
  }
  return done;
}

/** What happened, for the learner: what moved where, what was kept, and where the backups are. */
export function describeUpgrade(u: Upgrade): string {
  const lines = [`The Raft stages now share one worksheet, ${u.folder}/ (no more copying between stages).`];
  for (const m of u.moved) lines.push(`  moved your ${m.from} to ${m.to}`);
  for (const k of u.kept) lines.push(`  kept your ${k} (it already had your work); the old stages' copies are in the backup`);
  if (u.moved.length === 0 && u.kept.length === 0) lines.push("  (the old stage folders held only the untouched stubs)");
  lines.push(`Removed ${u.removed.join(", ")}. Every old file is saved in ${u.backup}/.`);
  return lines.join("\n");
}
