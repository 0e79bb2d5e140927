// Nothing lost (issue 9, item 6): progress writes survive kill -9 at any
// moment, and reset keeps timestamped backups that `reset --undo` restores.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Course, Exercise } from "./course.ts";
import { loadProgress, progressFile } from "./progress.ts";
import { resetExercise, undoReset } from "./reset.ts";

// These tests make project roots of their own and look for .faultline/ inside
// them, even when npm test keeps its state elsewhere (FAULTLINE_STATE_DIR).
beforeAll(() => {
  vi.stubEnv("FAULTLINE_STATE_DIR", "");
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const dirs: string[] = [];
const fresh = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const PROGRESS = join(import.meta.dirname, "progress.ts");

/** Starts a process that rewrites the progress file as fast as it can; resolves once it has written it once. */
function startWriter(root: string): Promise<ReturnType<typeof spawn>> {
  const code = `
    const { updateProgress, recordGrade } = await import(${JSON.stringify(PROGRESS)});
    let n = 0;
    for (;;) {
      updateProgress(${JSON.stringify(root)}, (p) => {
        n++;
        // Big enough that a torn write would be visible: many exercises, long names.
        for (let i = 0; i < 200; i++) recordGrade(p, "exercise-" + i + "-" + "x".repeat(40), n % 2 ? "pass" : "fail", new Date(1_700_000_000_000 + n));
      });
      // Once one whole file is on disk (the first can take a while on a busy machine), every kill must leave a valid one.
      if (n === 1) process.stdout.write("writing\\n");
    }
  `;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", () => resolve(child));
    child.once("exit", (c) => reject(new Error(`writer exited early (${c})`)));
  });
}

describe("progress survives kill -9", () => {
  it("a writer killed at random moments always leaves a valid progress file", async () => {
    const root = fresh("faultline-kill9-");
    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      const child = await startWriter(root);
      // Kill at a different point of the write cycle each round (deterministic spread, no Math.random needed).
      await new Promise((r) => setTimeout(r, 15 + ((round * 37) % 90)));
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      const { progress, warning } = loadProgress(root);
      expect(warning, `round ${round}: the file was damaged`).toBeNull();
      expect(Object.keys(progress.exercises).length, `round ${round}`).toBe(200);
      // Valid JSON on disk, not merely tolerated by the loader.
      expect(() => JSON.parse(readFileSync(progressFile(root), "utf8"))).not.toThrow();
    }
  }, 120_000);
});

/** A git checkout holding echo's stub, committed: what reset restores from. */
function echoRepo(prefix: string): { root: string; ex: Exercise; course: Course; file: string } {
  const root = fresh(prefix);
  const ex: Exercise = { id: "echo", title: "Echo", lesson: "00-the-lab", summary: "s", files: ["echo.ts"], hints: ["h"] };
  const course: Course = { version: 1, title: "t", lessons: [{ id: "00-the-lab", title: "l", file: "l.md", exercises: ["echo"] }], exercises: [ex] };
  const file = join(root, "exercises", "echo", "echo.ts");
  mkdirSync(join(root, "exercises", "echo"), { recursive: true });
  writeFileSync(file, "// the stub\n");
  const git = (...a: string[]) => execFileSync("git", a, { cwd: root, stdio: "ignore" });
  git("init", "-q");
  git("add", ".");
  git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "stub");
  return { root, ex, course, file };
}

describe("reset keeps backups and --undo restores them", () => {
  it("reset backs up the learner's file with a timestamp, restores the stub; undo brings the work back", () => {
    const { root, ex, course, file } = echoRepo("faultline-reset-");

    writeFileSync(file, "// my work, hours of it\n");
    const { backup: kept, files } = resetExercise(root, course, ex, "stage", new Date("2026-11-26T04:00:00Z"));
    expect(files).toEqual(["exercises/echo/echo.ts"]);
    expect(kept).toBe(join(".faultline", "backups", "echo", "2026-11-26T04-00-00-000Z"));
    expect(readFileSync(file, "utf8")).toBe("// the stub\n");
    expect(readFileSync(join(root, kept!, "echo.ts"), "utf8")).toBe("// my work, hours of it\n");

    const restored = undoReset(root, ex, new Date("2026-11-26T04:05:00Z"));
    expect(restored).toMatchObject({ from: kept, changed: true });
    expect(readFileSync(file, "utf8")).toBe("// my work, hours of it\n");
    // What undo replaced (the stub) was kept too: nothing is ever lost.
    const backups = readdirSync(join(root, ".faultline", "backups", "echo")).sort();
    expect(backups).toEqual(["2026-11-26T04-00-00-000Z", "2026-11-26T04-05-00-000Z-before-undo"]);
    expect(restored!.saved).toBe(join(".faultline", "backups", "echo", backups[1]!));
    expect(readFileSync(join(root, ".faultline", "backups", "echo", backups[1]!, "echo.ts"), "utf8")).toBe("// the stub\n");
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });

  it("a second undo does not put back what the first replaced: it says there is nothing to undo", () => {
    const { root, ex, course, file } = echoRepo("faultline-reset-twice-");
    writeFileSync(file, "// my work\n");
    resetExercise(root, course, ex, "stage", new Date("2026-11-26T04:00:00Z"));
    expect(undoReset(root, ex, new Date("2026-11-26T04:01:00Z"))).toMatchObject({ changed: true });
    const again = undoReset(root, ex, new Date("2026-11-26T04:02:00Z"));
    expect(again).toMatchObject({ changed: false, saved: null });
    expect(readFileSync(file, "utf8")).toBe("// my work\n");
    // Once the learner works on, undo brings back the files reset replaced, not the stub.
    writeFileSync(file, "// my work, then more\n");
    expect(undoReset(root, ex, new Date("2026-11-26T04:03:00Z"))).toMatchObject({ changed: true });
    expect(readFileSync(file, "utf8")).toBe("// my work\n");
  });
});
