// The learner's state files (progress, edited cells): written so that a crash
// or kill -9 never leaves half a file, and read so that a damaged file is set
// aside with a warning instead of crashing the runner or being overwritten.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { z } from "zod";

/** Writes `text` to `file` atomically: a reader sees the old file or the new one, never a mix. */
export function writeFileAtomic(file: string, text: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, typeof text === "string" ? Buffer.from(text) : text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export type StateRead<T> = { value: T | null; damaged: null } | { value: null; damaged: { why: string; aside: string } };

/**
 * Reads a JSON state file checked by `schema`: null when there is none; when
 * it does not parse or fit, it is moved aside (…corrupt-<time>), never lost.
 */
export function readStateFile<T>(file: string, schema: z.ZodType<T>, now: () => Date = () => new Date()): StateRead<T> {
  if (!existsSync(file)) return { value: null, damaged: null };
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (parsed.success) return { value: parsed.data, damaged: null };
    throw new Error(parsed.error.issues[0]?.message ?? "invalid");
  } catch (e) {
    const aside = `${file}.corrupt-${now().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(file, aside);
    return { value: null, damaged: { why: (e as Error).message, aside } };
  }
}
