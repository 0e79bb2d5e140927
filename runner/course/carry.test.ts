// carry: a later stage starts from the learner's file of the stage before,
// nothing is lost (a backup, and reset --undo), and the manifest's
// `continues` links are checked.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CarryError, carryForward } from "./carry.ts";
import { validateCourse, type Course } from "./course.ts";
import { undoReset } from "./reset.ts";

// These tests make project roots of their own and look for .faultline/ inside
// them, even when npm test keeps its state elsewhere (FAULTLINE_STATE_DIR).
beforeAll(() => {
  vi.stubEnv("FAULTLINE_STATE_DIR", "");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const course: Course = {
  version: 1,
  title: "two stages",
  lessons: [{ id: "08-raft", title: "Raft", file: "lessons/08-raft.md", exercises: ["stage-a", "stage-b", "other"] }],
  exercises: [
    { id: "stage-a", title: "A", lesson: "08-raft", summary: "first", files: ["raft.ts"], hints: ["h"] },
    { id: "stage-b", title: "B", lesson: "08-raft", summary: "second", files: ["kv.ts", "raft.ts"], hints: ["h"], continues: "stage-a" },
    { id: "other", title: "O", lesson: "08-raft", summary: "alone", files: ["o.ts"], hints: ["h"] },
  ],
};

/** A project in git whose stubs are committed, as a learner's clone is. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), "faultline-carry-"));
  dirs.push(root);
  const put = (rel: string, text: string) => {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  put("exercises/stage-a/raft.ts", "// stub A\n");
  put("exercises/stage-b/raft.ts", "// stub B\n");
  put("exercises/stage-b/kv.ts", "// kv stub\n");
  put("exercises/other/o.ts", "// other\n");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "stubs");
  return root;
}

const read = (root: string, rel: string) => readFileSync(join(root, rel), "utf8");
const exercise = (id: string) => course.exercises.find((e) => e.id === id)!;

describe("carry", () => {
  it("copies the learner's shared file from the stage before, keeps a backup, and reset --undo brings it back", () => {
    const root = project();
    writeFileSync(join(root, "exercises/stage-a/raft.ts"), "// my election code\n");
    writeFileSync(join(root, "exercises/stage-b/raft.ts"), "// I had started here\n");
    const done = carryForward(root, course, exercise("stage-b"), new Date(Date.UTC(2026, 10, 26)));
    expect(done).toMatchObject({ from: "stage-a", files: ["raft.ts"] });
    expect(read(root, "exercises/stage-b/raft.ts")).toBe("// my election code\n");
    expect(read(root, "exercises/stage-b/kv.ts")).toBe("// kv stub\n");
    expect(read(root, join(done.backup!, "raft.ts"))).toBe("// I had started here\n");
    undoReset(root, exercise("stage-b"));
    expect(read(root, "exercises/stage-b/raft.ts")).toBe("// I had started here\n");
  });

  it("refuses, saying why, when the stage before is still its stub, or there is no stage before", () => {
    const root = project();
    expect(() => carryForward(root, course, exercise("stage-b"))).toThrow(/exercises\/stage-a\/raft\.ts is still the stub: there is nothing of yours to carry yet/);
    expect(read(root, "exercises/stage-b/raft.ts")).toBe("// stub B\n");
    expect(() => carryForward(root, course, exercise("stage-a"))).toThrow(/stage-a is the first stage.*faultline carry stage-b/);
    expect(() => carryForward(root, course, exercise("other"))).toThrow(CarryError);
  });
});

describe("the manifest's continues links", () => {
  const files = (root: string) => {
    for (const [dir, f] of [["lessons", "08-raft.md"], ["runner/suites", "stage-a.test.ts"], ["runner/suites", "stage-b.test.ts"], ["runner/suites", "other.test.ts"], ["runner/mutants", "stage-a.ts"], ["runner/mutants", "stage-b.ts"], ["runner/mutants", "other.ts"]]) {
      mkdirSync(join(root, dir!), { recursive: true });
      writeFileSync(join(root, dir!, f!), "");
    }
    for (const e of course.exercises)
      for (const f of e.files) {
        mkdirSync(join(root, "solutions", e.id), { recursive: true });
        writeFileSync(join(root, "solutions", e.id, f), "");
      }
  };

  it("accepts a later stage that shares a file, and names each broken link", () => {
    const root = project();
    files(root);
    expect(validateCourse(course, root).exercises[1]!.continues).toBe("stage-a");
    const broken = (continues: string, id = "stage-b") => ({ ...course, exercises: course.exercises.map((e) => (e.id === id ? { ...e, continues } : e)) });
    expect(() => validateCourse(broken("nope"), root)).toThrow(/stage-b continues nope, which is not in "exercises"/);
    expect(() => validateCourse(broken("stage-b", "stage-a"), root)).toThrow(/stage-a continues stage-b, which does not come before it/);
    expect(() => validateCourse(broken("other"), root)).toThrow(/stage-b continues other, which does not come before it/);
    expect(() => validateCourse(broken("stage-a", "other"), root)).toThrow(/other continues stage-a, but they share no file/);
  });
});
