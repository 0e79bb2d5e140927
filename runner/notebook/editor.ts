// Editing a cell in the learner's own editor ($VISUAL, else $EDITOR). The cell
// is written to a scratch file inside the project (.faultline/cells/…), where
// an editor's TypeScript support resolves `faultline/...` imports as the cell
// will; whatever the editor leaves in the file when it exits is the new code.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The editor command the learner chose, or null when neither variable is set. */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const name of ["VISUAL", "EDITOR"]) {
    const v = env[name]?.trim();
    if (v) return v;
  }
  return null;
}

export const NO_EDITOR = "Neither $VISUAL nor $EDITOR is set, so there is no editor to open. Set one (e.g. `export EDITOR=nano`) and try again.";

export type EditorOutcome = { status: "changed"; code: string } | { status: "unchanged" } | { status: "failed"; message: string };

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Opens `code` in `command` (run by the shell, so "code -w" works) and waits
 * for it to exit. Blocks: the caller hands the terminal over first.
 */
export function editInEditor(root: string, lessonId: string, index: number, code: string, command: string): EditorOutcome {
  const dir = join(root, ".faultline", "cells", lessonId);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `cell-${index}.edit.ts`);
  writeFileSync(file, code);
  const r = spawnSync(`${command} ${shellQuote(file)}`, { shell: true, stdio: "inherit", cwd: root });
  const where = relative(root, file);
  if (r.error) return { status: "failed", message: `Could not start your editor (${command}): ${r.error.message}. Check $VISUAL / $EDITOR.` };
  if (r.status !== 0) return { status: "failed", message: `Your editor (${command}) exited with ${r.status === null ? `signal ${r.signal}` : `code ${r.status}`}, so the cell was left as it was. Your text is still in ${where}.` };
  let after: string;
  try {
    after = readFileSync(file, "utf8");
  } catch (e) {
    return { status: "failed", message: `Could not read ${where} back: ${(e as Error).message}.` };
  }
  if (after === code) return { status: "unchanged" };
  return { status: "changed", code: after };
}

/** What to say when the editor returned without a change (an editor that returns at once, like `code`, needs its wait flag). */
export function unchangedMessage(command: string): string {
  const gui = /^(code|subl|atom|gedit|mate|zed)(\s|$)/.test(command) && !/\s(-w|--wait)\b/.test(command);
  return `No change: the cell is as it was.${gui ? ` (Your editor returned at once: set EDITOR="${command.split(/\s/)[0]} --wait".)` : ""}`;
}
