// The learner's progress in .faultline/progress.json: what was graded and how
// it went, hints seen, quizzes answered. Written atomically (temp file, fsync,
// rename) so a crash or kill -9 never leaves half a file; a file that is
// corrupt anyway is set aside with a warning, never a crash.

import { join } from "node:path";
import { z } from "zod";
import { readStateFile, writeFileAtomic } from "./stateFile.ts";

export type ExerciseState = "pass" | "fail" | "error" | "not-started";

const exerciseProgress = z.object({
  status: z.enum(["pass", "fail", "error", "not-started"]),
  attempts: z.number().int().nonnegative(),
  hintsShown: z.number().int().nonnegative(),
  lastGradedAt: z.string().nullable(),
  passedAt: z.string().nullable(),
  /** Fingerprint of the learner's files as graded (course/fingerprint.ts); older files lack it. */
  digest: z.string().optional(),
});

const quizAnswer = z.object({ choice: z.number().int().nonnegative(), correct: z.boolean() });

export const progressSchema = z.object({
  version: z.literal(1),
  exercises: z.record(z.string(), exerciseProgress),
  lessons: z.record(z.string(), z.object({ opened: z.boolean(), quizzes: z.record(z.string(), quizAnswer) })),
});

export type Progress = z.infer<typeof progressSchema>;
export type ExerciseProgress = z.infer<typeof exerciseProgress>;

export function emptyProgress(): Progress {
  return { version: 1, exercises: {}, lessons: {} };
}

export function progressFile(root: string): string {
  return join(root, ".faultline", "progress.json");
}

export interface LoadResult {
  progress: Progress;
  /** Set when a corrupt file was moved aside. */
  warning: string | null;
}

export function loadProgress(root: string, now: () => Date = () => new Date()): LoadResult {
  const r = readStateFile(progressFile(root), progressSchema, now);
  if (!r.damaged) return { progress: r.value ?? emptyProgress(), warning: null };
  return { progress: emptyProgress(), warning: `Your progress file was damaged (${r.damaged.why}); it was moved to ${r.damaged.aside} and progress starts afresh. Grading an exercise again restores its status.` };
}

/** Writes atomically: a reader sees the old file or the new one, never a mix. */
export function saveProgress(root: string, p: Progress): void {
  writeFileAtomic(progressFile(root), JSON.stringify(p, null, 2) + "\n");
}

/** Loads, changes and saves progress in one step. */
export function updateProgress(root: string, change: (p: Progress) => void): LoadResult {
  const r = loadProgress(root);
  change(r.progress);
  saveProgress(root, r.progress);
  return r;
}

export function exerciseProgressOf(p: Progress, id: string): ExerciseProgress {
  return p.exercises[id] ?? { status: "not-started", attempts: 0, hintsShown: 0, lastGradedAt: null, passedAt: null };
}

/** Records a grading result against exercises/ (the learner's own work); `digest`: the files graded (fingerprint.ts). */
export function recordGrade(p: Progress, id: string, status: ExerciseState, at: Date, digest?: string | null): void {
  const { digest: _old, ...prev } = exerciseProgressOf(p, id);
  p.exercises[id] = {
    ...prev,
    ...(digest ? { digest } : {}),
    status,
    attempts: prev.attempts + (status === "not-started" ? 0 : 1),
    lastGradedAt: at.toISOString(),
    passedAt: status === "pass" ? (prev.passedAt ?? at.toISOString()) : prev.passedAt,
  };
}

/** done / in progress / not started, as the course map shows it. */
export function displayStatus(e: ExerciseProgress): "done" | "in progress" | "not started" {
  if (e.status === "pass" || e.passedAt) return e.status === "pass" ? "done" : "in progress";
  return e.status === "not-started" && e.attempts === 0 ? "not started" : "in progress";
}
