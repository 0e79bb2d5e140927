// Staged worksheets (worksheet.ts): the markers, the staged views of a
// reference, the per-stage reset, and the course's own Raft worksheet: one
// reference from which the worksheet and every stage's view come.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exerciseFolder, loadCourse, worksheetStages } from "./course.ts";
import { parseRegions, regionCounts, RegionError, resetStage, stagedView, withoutHeader } from "./worksheet.ts";
import { committedStub } from "../testEnv.ts";

const ROOT = join(import.meta.dirname, "..", "..");

const reference = [
  "// the reference",
  "fixed();",
  "  // #region a",
  "  answerA();",
  "  // #worksheet",
  "  // todo(\"a\");",
  "  //",
  "  //   nested();",
  "  // #endregion a",
  "between();",
  "  // #region b",
  "  answerB();",
  "  // #worksheet",
  "  // todo(\"b\");",
  "  // #endregion b",
  "  // #region a",
  "  answerA2();",
  "  // #worksheet",
  "  // #endregion a",
  "end();",
].join("\n");
const ref = { text: reference, file: "ref.ts" };

describe("regions", () => {
  it("are found in order, each with its stage and marker lines", () => {
    const r = parseRegions(ref);
    expect(r.map((x) => [x.stage, x.open, x.close])).toEqual([
      ["a", 2, 8],
      ["b", 10, 14],
      ["a", 15, 18],
    ]);
    expect([...regionCounts(r)]).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
  });

  it("that nest, do not close, or close another stage are refused with the line", () => {
    expect(() => parseRegions({ text: "// #region a\n// #region b\n// #endregion b\n// #endregion a", file: "f.ts" })).toThrow(/f\.ts:2: "#region b" opens before "#region a" \(line 1\)/);
    expect(() => parseRegions({ text: "x\n// #region a\n", file: "f.ts" })).toThrow(/f\.ts:2: "#region a" is never closed/);
    expect(() => parseRegions({ text: "// #region a\n// #endregion b", file: "f.ts" })).toThrow(/f\.ts:2: "#endregion b" closes "#region a"/);
    expect(() => parseRegions({ text: "// #endregion a", file: "f.ts" })).toThrow(RegionError);
  });
});

describe("staged views of a reference", () => {
  it("keep the answers up to the stage and the worksheet's code after it; the rest of the file as it is", () => {
    expect(stagedView(ref, ["a", "b"], "a").split("\n")).toEqual(["// the reference", "fixed();", "  // #region a", "  answerA();", "  // #endregion a", "between();", "  // #region b", '  todo("b");', "  // #endregion b", "  // #region a", "  answerA2();", "  // #endregion a", "end();"]);
    expect(stagedView(ref, ["a", "b"], "b")).not.toMatch(/todo|#worksheet/);
  });

  it("with no stage answered are the worksheet: comment markers removed, indentation and blank lines kept", () => {
    const ws = stagedView(ref, ["a", "b"], null).split("\n");
    expect(ws.slice(2, 7)).toEqual(["  // #region a", '  todo("a");', "", "    nested();", "  // #endregion a"]);
    expect(ws).not.toContain("  answerB();");
  });

  it("refuse a reference region without its worksheet part, and a stage the worksheet does not have", () => {
    expect(() => stagedView({ text: "// #region a\nx();\n// #endregion a", file: "r.ts" }, ["a"], null)).toThrow(/r\.ts:1: .*no "\/\/ #worksheet" line/);
    expect(() => stagedView(ref, ["a", "b"], "c")).toThrow(/c is not one of the worksheet's stages/);
  });
});

describe("a per-stage reset", () => {
  const stub = { text: stagedView(ref, ["a", "b"], null), file: "stub.ts" };
  const mine = stub.text.replace('todo("a");', "myA();").replace('todo("b");', "myB();").replace("between();", "myOwnLine();").replace("  // #endregion a\nend();", "  myA2();\n  // #endregion a\nend();");

  it("puts back only that stage's regions, and keeps everything else the learner wrote", () => {
    const out = resetStage({ text: mine, file: "mine.ts" }, stub, "a");
    expect(out).toContain('todo("a");');
    expect(out).not.toContain("myA2();");
    expect(out).toContain("myB();");
    expect(out).toContain("myOwnLine();");
    expect(resetStage({ text: out, file: "mine.ts" }, stub, "b")).toBe(stub.text.replace("between();", "myOwnLine();"));
  });

  it("keeps the learner's line endings", () => {
    const crlf = mine.replace(/\n/g, "\r\n");
    const out = resetStage({ text: crlf, file: "mine.ts" }, stub, "b");
    expect(out).toContain('  todo("b");\r\n');
    expect(out.split("\r\n").join("\n")).toBe(resetStage({ text: mine, file: "mine.ts" }, stub, "b"));
  });

  it("refuses, naming what is missing, when the learner's file lost the stage's markers", () => {
    const lost = mine.replace("  // #region b\n", "");
    expect(() => resetStage({ text: lost, file: "mine.ts" }, stub, "b")).toThrow(/"#endregion" line with no "#region"/);
    const oneLess = mine.replace(/  \/\/ #region a\n  myA2\(\);\n  \/\/ #endregion a\n/, "");
    expect(() => resetStage({ text: oneLess, file: "mine.ts" }, stub, "a")).toThrow(/mine\.ts has 1 "\/\/ #region a" part; the worksheet has 2/);
  });
});

describe("the course's staged worksheets", () => {
  const course = loadCourse(ROOT);
  const staged = course.exercises.filter((e) => worksheetStages(course, e).length > 1);
  const folders = [...new Set(staged.map(exerciseFolder))];

  it("exist: the Raft stages share exercises/raft/", () => {
    expect(folders).toEqual(["raft"]);
    expect(worksheetStages(course, staged[0]!).map((e) => e.id)).toEqual(["raft-election", "raft-log", "raft-persist", "raft-snapshot", "raft-kv"]);
  });

  for (const folder of folders) {
    const stages = worksheetStages(course, staged.find((e) => exerciseFolder(e) === folder)!);
    const files = [...new Set(stages.flatMap((e) => e.files))];
    for (const f of files) {
      const refText = { text: readFileSync(join(ROOT, "solutions", folder, f), "utf8"), file: `solutions/${folder}/${f}` };
      // The worksheet as shipped (the working tree may hold a learner's answers).
      const stubText = { text: committedStub(ROOT, `exercises/${folder}/${f}`), file: `exercises/${folder}/${f}` };
      const regions = parseRegions(refText);
      if (regions.length === 0) continue;

      it(`exercises/${folder}/${f} is the reference's worksheet, word for word (header aside)`, () => {
        const want = withoutHeader(stagedView(refText, stages.map((e) => e.id), null)).split("\n");
        const have = withoutHeader(stubText.text).split("\n");
        const i = want.findIndex((l, k) => l !== have[k]);
        expect(i === -1 && want.length === have.length, `exercises/${folder}/${f} differs from the worksheet code in solutions/${folder}/${f} (header aside) at its line ${have.length - withoutHeader(stubText.text).split("\n").length + i + 1}: edit the reference's "// #worksheet" part and the worksheet together`).toBe(true);
      });

      it(`solutions/${folder}/${f}: every region belongs to one of the worksheet's stages`, () => {
        for (const r of regions) expect(stages.map((e) => e.id), `solutions/${folder}/${f}:${r.open + 1}`).toContain(r.stage);
      });
    }
  }

  it("each Raft stage before raft-kv has regions in raft.ts; raft-kv's own file is kv.ts", () => {
    const counts = regionCounts(parseRegions({ text: readFileSync(join(ROOT, "solutions", "raft", "raft.ts"), "utf8"), file: "raft.ts" }));
    for (const id of ["raft-election", "raft-log", "raft-persist", "raft-snapshot"]) expect(counts.get(id), id).toBeGreaterThan(0);
    expect(counts.has("raft-kv")).toBe(false);
    expect(parseRegions({ text: readFileSync(join(ROOT, "solutions", "raft", "kv.ts"), "utf8"), file: "kv.ts" })).toEqual([]);
  });
});

describe("the Raft stages' hints", () => {
  const course = loadCourse(ROOT);
  const reference = { text: readFileSync(join(ROOT, "solutions", "raft", "raft.ts"), "utf8"), file: "raft.ts" };
  const kv = readFileSync(join(ROOT, "solutions", "raft", "kv.ts"), "utf8");
  const worksheet = [committedStub(ROOT, "exercises/raft/raft.ts"), committedStub(ROOT, "exercises/raft/kv.ts")].join("\n").replace(/\s+/g, " ");
  // The answers' code, as runs of 24 characters that the worksheet does not already show.
  const answers = stagedView(reference, worksheetStages(course, course.exercises.find((e) => e.id === "raft-kv")!).map((e) => e.id), "raft-kv") + "\n" + kv;
  const quoted = new Set<string>();
  for (const line of answers.split("\n")) {
    const code = line.trim().replace(/\s+/g, " ");
    if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) continue;
    for (let i = 0; i + 24 <= code.length; i++) if (!worksheet.includes(code.slice(i, i + 24))) quoted.add(code.slice(i, i + 24));
  }

  for (const e of course.exercises.filter((x) => exerciseFolder(x) === "raft")) {
    it(`${e.id}: three steps (concept, structure, a targeted nudge), none quoting the answer's code`, () => {
      expect(e.hints).toHaveLength(3);
      for (const [i, h] of e.hints.entries()) {
        const text = h.replace(/\s+/g, " ");
        const hit = [...quoted].find((q) => text.includes(q));
        expect(hit, `hint ${i + 1} of ${e.id} quotes the reference: "${hit}"`).toBeUndefined();
      }
      expect(e.hints.join(" ")).not.toMatch(/faultline carry|copy your/i);
    });
  }
});
