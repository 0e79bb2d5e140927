import { join } from "node:path";
import { expect, test } from "vitest";
import { shownPath, stateDir, traceDir } from "./state.ts";

test("the learner's state lives in .faultline/ unless FAULTLINE_STATE_DIR says otherwise", () => {
  expect(stateDir("/course", {})).toBe(join("/course", ".faultline"));
  expect(stateDir("/course", { FAULTLINE_STATE_DIR: "" })).toBe(join("/course", ".faultline"));
  expect(stateDir("/course", { FAULTLINE_STATE_DIR: "/tmp/x" })).toBe("/tmp/x");
  expect(stateDir("/course", { FAULTLINE_STATE_DIR: "elsewhere" })).toBe("/course/elsewhere");
  expect(traceDir("/course", { FAULTLINE_STATE_DIR: "/tmp/x" })).toBe("/tmp/x/traces");
});

test("paths are shown relative to the project inside it, absolute outside", () => {
  expect(shownPath("/course", "/course/.faultline/traces/a.json")).toBe(".faultline/traces/a.json");
  expect(shownPath("/course", "/tmp/state/traces/a.json")).toBe("/tmp/state/traces/a.json");
  expect(shownPath("/course", "/course-2/a")).toBe("/course-2/a");
});
