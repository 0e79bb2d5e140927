// Upgrade without loss (issue 16, item 2): a checkout whose learner has work
// in the old per-stage Raft folders gets it moved into exercises/raft/, the
// most advanced edited stage's file winning, every old file backed up, and a
// message that says so. In temporary directories only.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadCourse } from "./course.ts";
import { contentHash, describeUpgrade, SHIPPED, upgradeWorksheets } from "./upgrade.ts";
import { committedStub } from "../testEnv.ts";

// These tests make project roots of their own and look for .faultline/ inside
// them, even when npm test keeps its state elsewhere (FAULTLINE_STATE_DIR).
beforeAll(() => {
  vi.stubEnv("FAULTLINE_STATE_DIR", "");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const ROOT = join(import.meta.dirname, "..", "..");
const course = loadCourse(ROOT);
const NOW = new Date("2026-12-07T10:00:00Z");

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A checkout with today's exercises/raft/ stubs, committed when `git` is set. */
function checkout(git: boolean): string {
  const root = mkdtempSync(join(tmpdir(), "faultline-upgrade-"));
  dirs.push(root);
  for (const f of ["raft.ts", "kv.ts"]) put(root, `exercises/raft/${f}`, committedStub(ROOT, `exercises/raft/${f}`));
  if (git) {
    const run = (...a: string[]) => execFileSync("git", a, { cwd: root, stdio: "ignore" });
    run("init", "-q");
    run("add", ".");
    run("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "stubs");
  }
  return root;
}

function put(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

const at = (root: string, rel: string) => readFileSync(join(root, rel), "utf8");

/** Old stubs as shipped, by path: their hashes stand in for the real table. */
const OLD = {
  "raft-election/raft.ts": "// old worksheet, stage 1\n",
  "raft-log/raft.ts": "// old worksheet, stage 2\n",
  "raft-persist/raft.ts": "// old worksheet, stage 3\n",
  "raft-snapshot/raft.ts": "// old worksheet, stage 4\n",
  "raft-kv/raft.ts": "// old worksheet, kv copy\n",
  "raft-kv/kv.ts": "// old kv stub\n",
};
const shipped = Object.fromEntries(Object.entries(OLD).map(([k, v]) => [k, [contentHash(Buffer.from(v))]]));

function oldLayout(root: string, edits: Partial<Record<keyof typeof OLD, string>>): void {
  for (const [rel, text] of Object.entries(OLD)) put(root, `exercises/${rel}`, edits[rel as keyof typeof OLD] ?? text);
}

describe("upgrading from per-stage Raft folders", () => {
  it("moves the most advanced edited stage's raft.ts and the edited kv.ts into exercises/raft/, backs up every old file, removes the old folders", () => {
    const root = checkout(true);
    const elections = "// my elections\nexport const stage = 1;\n";
    const log = "// my elections and my log\r\nexport const stage = 2;\r\n";
    const kv = "// my key-value server\n";
    oldLayout(root, { "raft-election/raft.ts": elections, "raft-log/raft.ts": log, "raft-kv/kv.ts": kv });
    put(root, "exercises/raft-log/notes/why.md", "my notes\n");

    const [u, ...more] = upgradeWorksheets(root, course, { now: NOW, shipped });
    expect(more).toEqual([]);
    expect(at(root, "exercises/raft/raft.ts")).toBe(log);
    expect(at(root, "exercises/raft/kv.ts")).toBe(kv);
    expect(at(root, "exercises/raft/notes/why.md")).toBe("my notes\n");
    for (const id of ["raft-election", "raft-log", "raft-persist", "raft-snapshot", "raft-kv"]) expect(existsSync(join(root, "exercises", id)), id).toBe(false);

    // Every old file, byte for byte, and the stubs it replaced.
    expect(u!.backup).toBe(join(".faultline", "backups", "upgrade-2026-12-07T10-00-00-000Z"));
    expect(at(root, join(u!.backup, "exercises/raft-election/raft.ts"))).toBe(elections);
    expect(at(root, join(u!.backup, "exercises/raft-log/raft.ts"))).toBe(log);
    expect(at(root, join(u!.backup, "exercises/raft-log/notes/why.md"))).toBe("my notes\n");
    for (const [rel, text] of Object.entries(OLD)) if (!["raft-election/raft.ts", "raft-log/raft.ts", "raft-kv/kv.ts"].includes(rel)) expect(at(root, join(u!.backup, "exercises", rel)), rel).toBe(text);
    expect(at(root, join(u!.backup, "exercises/raft/raft.ts"))).toBe(committedStub(ROOT, "exercises/raft/raft.ts"));

    expect(u!.moved).toEqual([
      { from: "exercises/raft-log/raft.ts", to: "exercises/raft/raft.ts" },
      { from: "exercises/raft-log/notes/why.md", to: "exercises/raft/notes/why.md" },
      { from: "exercises/raft-kv/kv.ts", to: "exercises/raft/kv.ts" },
    ]);
    const text = describeUpgrade(u!);
    expect(text).toMatch(/share one worksheet, exercises\/raft\//);
    expect(text).toMatch(/moved your exercises\/raft-log\/raft\.ts to exercises\/raft\/raft\.ts/);
    expect(text).toMatch(/Every old file is saved in \.faultline\/backups\/upgrade-2026-12-07T10-00-00-000Z\//);

    // Done once: the next command finds nothing to move.
    expect(upgradeWorksheets(root, course, { now: NOW, shipped })).toEqual([]);
  });

  it("keeps an exercises/raft/ file that already holds the learner's work, and backs up the old copies", () => {
    const root = checkout(true);
    writeFileSync(join(root, "exercises/raft/raft.ts"), "// work in the new worksheet\n");
    oldLayout(root, { "raft-snapshot/raft.ts": "// old work, stage 4\n" });
    const [u] = upgradeWorksheets(root, course, { now: NOW, shipped });
    expect(at(root, "exercises/raft/raft.ts")).toBe("// work in the new worksheet\n");
    expect(u!.kept).toEqual(["exercises/raft/raft.ts"]);
    expect(at(root, join(u!.backup, "exercises/raft-snapshot/raft.ts"))).toBe("// old work, stage 4\n");
    expect(describeUpgrade(u!)).toMatch(/kept your exercises\/raft\/raft\.ts/);
  });

  it("with only untouched old stubs, removes the old folders (backed up) and leaves the worksheet as it is", () => {
    const root = checkout(true);
    oldLayout(root, {});
    const [u] = upgradeWorksheets(root, course, { now: NOW, shipped });
    expect(u!.moved).toEqual([]);
    expect(at(root, "exercises/raft/raft.ts")).toBe(committedStub(ROOT, "exercises/raft/raft.ts"));
    expect(readdirSync(join(root, u!.backup, "exercises")).sort()).toEqual(["raft-election", "raft-kv", "raft-log", "raft-persist", "raft-snapshot"]);
    expect(describeUpgrade(u!)).toMatch(/held only the untouched stubs/);
  });

  it("outside a git checkout, still moves the work, keeping what it replaces in the backup", () => {
    const root = checkout(false);
    writeFileSync(join(root, "exercises/raft/raft.ts"), "// cannot tell: no git\n");
    oldLayout(root, { "raft-election/raft.ts": "// my elections\n" });
    const [u] = upgradeWorksheets(root, course, { now: NOW, shipped });
    expect(at(root, "exercises/raft/raft.ts")).toBe("// my elections\n");
    expect(at(root, join(u!.backup, "exercises/raft/raft.ts"))).toBe("// cannot tell: no git\n");
  });

  it("does nothing in a checkout without old folders", () => {
    const root = checkout(true);
    expect(upgradeWorksheets(root, course, { now: NOW, shipped })).toEqual([]);
    expect(existsSync(join(root, ".faultline"))).toBe(false);
  });

  it("knows every shipped version of the old stubs (line endings aside)", () => {
    expect(Object.keys(SHIPPED).sort()).toEqual(Object.keys(OLD).sort());
    expect(contentHash(Buffer.from("a\r\nb\r\n"))).toBe(contentHash(Buffer.from("a\nb\n")));
  });
});
