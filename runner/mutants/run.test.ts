import { describe, expect, test } from "vitest";
import { loadCourse } from "../course/course.ts";
import { ROOT } from "../grade/grade.ts";
import { mutationTable, tracksOf, type MutantOutcome } from "./run.ts";

describe("per-track mutation scores", () => {
  test("every exercise of the course belongs to a named track", () => {
    const tracks = tracksOf(loadCourse(ROOT));
    expect([...tracks].filter(([, t]) => t === "other")).toEqual([]);
    expect(tracks.get("echo")).toBe("foundations");
    expect(tracks.get("exactly-once")).toBe("foundations");
    expect(tracks.get("fd-phi")).toBe("failure detectors");
    expect(tracks.get("saga")).toBe("atomic commitment");
    expect(tracks.get("raft-kv")).toBe("Raft");
    expect(tracks.get("rga")).toBe("CRDTs");
  });

  test("a lesson no track lists counts as other", () => {
    const course = loadCourse(ROOT);
    const moved = { ...course, exercises: course.exercises.map((e) => (e.id === "echo" ? { ...e, lesson: "14-new-lesson" } : e)) };
    expect(tracksOf(moved).get("echo")).toBe("other");
  });

  test("the table scores each track: caught over all", () => {
    const o = (exercise: string, verdict: MutantOutcome["verdict"]): MutantOutcome => ({ exercise, name: `m-${exercise}-${verdict}`, bug: "", verdict, detail: "", replay: null });
    const table = mutationTable([o("echo", "caught"), o("echo", "MISSED"), o("rga", "caught")], new Map([["echo", "foundations"], ["rga", "CRDTs"]]));
    expect(table).toMatch(/^foundations\s+2\s+1\s+50%$/m);
    expect(table).toMatch(/^CRDTs\s+1\s+1\s+100%$/m);
  });
});
