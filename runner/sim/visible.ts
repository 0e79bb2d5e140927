// Text from learner code, made safe to print. An error message, a log line or
// a value a node hands back may hold terminal control sequences (clear the
// screen, move the cursor, hide text) or bidirectional-override characters,
// which would let a submission draw its own "✓ pass" over the grader's
// report or over a trace. Log lines and error messages are made visible as
// the trace records them (so trace files, the trace viewer and the diagrams
// get them so), and every string of a grade report once more where the
// report is made: each such character is shown as an escape (\x1b, \u202e),
// so the words stay and nothing acts on the terminal. Newlines and tabs are
// layout, and stay.

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every character that could act on a terminal written as an escape. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** A copy of plain data (a grade report) with every string made visible; other values as they are. */
export function visibleData<T>(v: T): T {
  if (typeof v === "string") return visibleText(v) as T;
  if (Array.isArray(v)) return v.map(visibleData) as T;
  if (v === null || typeof v !== "object") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = visibleData(x);
  return out as T;
}
