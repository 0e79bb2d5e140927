import { describe, expect, it } from "vitest";
import { visibleData, visibleText } from "./visible.ts";

describe("text from learner code", () => {
  it("shows terminal controls and direction overrides as escapes, so they cannot act on the screen", () => {
    expect(visibleText("\u001b[2J\u001b[H\u001b[32m✓ pass\u001b[8m\r\u0007\u009b\u202e")).toBe("\\x1b[2J\\x1b[H\\x1b[32m✓ pass\\x1b[8m\\x0d\\x07\\x9b\\u202e");
  });

  it("keeps newlines, tabs and every printable character", () => {
    const text = "line one\n\tline two — ✓ ✗ é 漢字 🙂";
    expect(visibleText(text)).toBe(text);
  });

  it("reaches every string of a report, however deep, and leaves numbers, booleans and nulls alone", () => {
    const report = { status: "fail", n: 3, ok: false, none: null, scenarios: [{ failure: { message: "boom \u001b[2J" } }] };
    expect(visibleData(report)).toEqual({ status: "fail", n: 3, ok: false, none: null, scenarios: [{ failure: { message: "boom \\x1b[2J" } }] });
  });
});
