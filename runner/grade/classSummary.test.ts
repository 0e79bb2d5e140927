import { describe, expect, it } from "vitest";
import { formatSummaryText, learnerName, learnerReportSchema, median, summarize, summaryHtml } from "./classSummary.ts";

const sc = (name: string, status: string, message?: string) => ({ name, status, failure: message ? { message } : null });
const report = (learner: string | undefined, exercises: unknown[], attempts?: Record<string, number>) => learnerReportSchema.parse({ version: 1, target: "exercises", passed: false, learner, attempts, exercises });

describe("class summary", () => {
  const reports = [
    { name: "ada", report: report("ada", [{ id: "echo", status: "pass", scenarios: [sc("replies", "pass"), sc("under loss", "pass")] }, { id: "raft", status: "fail", scenarios: [sc("one leader", "fail", "at most one leader per term\n  two in term 3")] }], { echo: 2, raft: 7 }) },
    { name: "bob", report: report(undefined, [{ id: "echo", status: "fail", scenarios: [sc("replies", "pass"), sc("under loss", "fail", "every request answered")] }, { id: "raft", status: "not-started", scenarios: [sc("one leader", "not-started", "todo")] }], { echo: 5 }) },
    { name: "cy", report: report(undefined, [{ id: "echo", status: "fail", scenarios: [sc("replies", "fail", "wrong body"), sc("under loss", "fail", "every request answered")] }]) },
  ];

  it("counts completion per exercise, median attempts, and ranks failing scenarios", () => {
    const s = summarize(reports, ["echo", "raft"]);
    expect(s.exercises).toEqual([
      { id: "echo", pass: 1, fail: 2, error: 0, notStarted: 0, missing: 0, completion: 1 / 3, medianAttempts: 3.5 },
      { id: "raft", pass: 0, fail: 1, error: 0, notStarted: 1, missing: 1, completion: 0, medianAttempts: 7 },
    ]);
    expect(s.hardest.map((h) => [h.exercise, h.scenario, h.failures, h.of])).toEqual([
      ["echo", "under loss", 2, 3],
      ["raft", "one leader", 1, 1],
      ["echo", "replies", 1, 3],
    ]);
    expect(s.hardest[1]!.example).toBe("at most one leader per term");
    const text = formatSummaryText(s);
    expect(text).toMatch(/^3 learners/);
    expect(text).toMatch(/echo\s+33%\s+1\s+2/);
    const html = summaryHtml(s);
    expect(html).toContain('<table id="exercises">');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it("names learners by report, file or folder", () => {
    const r = report(undefined, []);
    expect(learnerName("reports/ada.json", r)).toBe("ada");
    expect(learnerName("repos/bob-faultline/report.json", r)).toBe("bob-faultline");
    expect(learnerName("x.json", report("org/cy", []))).toBe("org/cy");
  });

  it("takes the median", () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
