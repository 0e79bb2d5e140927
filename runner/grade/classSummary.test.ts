import { describe, expect, it } from "vitest";
import { formatSummaryText, learnerName, learnerReportSchema, median, readReport, scopeReports, summarize, summaryHtml } from "./classSummary.ts";

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

describe("class summary, robust and room-sized", () => {
  const long = "under crashes, partitions, loss, duplication and reordering, decisions agree, stick and need every yes";
  const rs = [
    { name: "ada", report: report("ada", [{ id: "two-phase-commit", status: "fail", scenarios: [sc(long, "fail", "atomicity")] }, { id: "echo", status: "pass", scenarios: [sc("replies", "pass")] }]) },
  ];

  it("a file that is not a report is named with the reason; the others are summarised", () => {
    expect(readReport("a.json", "{ not json")).toMatchObject({ ok: false, file: "a.json", reason: expect.stringMatching(/not JSON/) });
    expect(readReport("b.json", '{"hello": 1}')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a faultline JSON report/) });
    const good = readReport("reports/cy.json", JSON.stringify({ version: 1, exercises: [] }));
    expect(good).toMatchObject({ ok: true, name: "cy" });
    const s = summarize(rs, [], 10, { skipped: [{ file: "a.json", reason: "not JSON" }] });
    expect(formatSummaryText(s)).toMatch(/1 file was left out:\n {2}a\.json: not JSON/);
    expect(summaryHtml(s)).toContain("a.json: not JSON");
  });

  it("fits 80 columns, long scenario names included", () => {
    const text = formatSummaryText(summarize(rs, ["two-phase-commit", "echo"]));
    for (const line of text.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toMatch(/two-phase-commit {2}under crashes, partitions.*… +1\/1/);
  });

  it("in a workshop, covers the plan's exercises only and says so", () => {
    const s = summarize(scopeReports(rs, ["echo"]), ["echo"], 10, { scope: 'workshop "An afternoon"' });
    expect(s.exercises.map((e) => e.id)).toEqual(["echo"]);
    expect(s.learners).toEqual([{ name: "ada", passed: 1, total: 1 }]);
    expect(formatSummaryText(s)).toMatch(/^1 learner · workshop "An afternoon": the plan's exercises only/);
  });
});
