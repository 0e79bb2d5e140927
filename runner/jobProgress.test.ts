// Progress of long jobs: a line redrawn in place on a terminal, once the job
// has taken a second; plain lines (or nothing) in a pipe.

import { describe, expect, test } from "vitest";
import { JobProgress, plainProgressLine, progressLine } from "./jobProgress.ts";

/** A stream that records what is written; `isTTY` as asked. */
function stream(isTTY: boolean) {
  const writes: string[] = [];
  const s = { isTTY, columns: 60, write: (t: string) => (writes.push(t), true) } as unknown as NodeJS.WriteStream;
  return { s, writes };
}

describe("the progress line", () => {
  test("says done/total, the item in hand and the time, and fits the width", () => {
    const line = progressLine({ label: "verify", done: 6, total: 24, item: "fd-phi", elapsedMs: 12_345 }, 80);
    expect(line).toBe("verify ▕███░░░░░░░░░▏ 6/24 · fd-phi · 12.3 s");
    expect([...progressLine({ label: "verify", done: 6, total: 24, item: "x".repeat(100), elapsedMs: 0 }, 40)].length).toBe(40);
    expect(progressLine({ label: "cell 3", done: 0, total: null, item: "running", elapsedMs: 75_000 }, 80)).toBe("cell 3 · running · 1 min 15 s");
  });

  test("in a pipe: one plain line per finished item", () => {
    expect(plainProgressLine({ label: "verify", done: 3, total: 24, item: "echo", elapsedMs: 1500 })).toBe("verify: 3/24 echo 1.5 s");
  });
});

describe("JobProgress", () => {
  test("on a terminal: nothing for the first second, then one line redrawn in place, erased at the end", () => {
    let now = 0;
    const { s, writes } = stream(true);
    const p = new JobProgress("report", 2, { stream: s, live: true, now: () => now });
    p.start("echo");
    expect(writes).toEqual([]);
    now = 1500;
    p.step("echo");
    expect(writes.at(-1)).toBe("\r\u001b[2K" + "report ▕██████░░░░░░▏ 1/2 · echo · 1.5 s");
    p.print("a line of its own");
    expect(writes.slice(-3)).toEqual(["\r\u001b[2K", "a line of its own\n", expect.stringContaining("1/2")]);
    p.finish();
    expect(writes.at(-1)).toBe("\r\u001b[2K");
    const count = writes.length;
    p.step();
    expect(writes.length).toBe(count);
  });

  test("in a pipe: no escape codes; a plain line per item, or nothing", () => {
    const { s, writes } = stream(false);
    const p = new JobProgress("verify", 2, { stream: s, now: () => 2000 });
    p.start("echo");
    p.step("echo");
    p.finish();
    expect(writes).toEqual(["verify: 1/2 echo 0.0 s\n"]);
    const quiet = stream(false);
    const q = new JobProgress("export", null, { stream: quiet.s, plain: "none" });
    q.step("x");
    q.finish();
    expect(quiet.writes).toEqual([]);
  });
});
