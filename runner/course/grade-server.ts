// The grading process behind watch mode: keeps one vitest instance warm and
// grades on request over IPC. It runs in a child process so that learner code
// that loops forever or crashes takes down only this process: the watch
// session kills it after a time limit and starts a fresh one, and the screen
// stays responsive throughout.
//
// Protocol (process.send / on "message"):
//   parent → child  { type: "grade", request: number, id: string, target: string, changed: string[] }
//   child  → parent { type: "ready" } once vitest is up,
//                   { type: "report", request, report } or { type: "failed", request, message }

import { Grader, ROOT, type GradeReport } from "../grade/grade.ts";

type Request = { type: "grade"; request: number; id: string; target: string; changed?: string[] };
type Reply = { type: "ready" } | { type: "report"; request: number; report: GradeReport } | { type: "failed"; request: number; message: string };

const send = (m: Reply) => process.send?.(m);

const grader = await Grader.open(process.env["FAULTLINE_ROOT"] || ROOT);
send({ type: "ready" });

let queue: Promise<void> = Promise.resolve();
process.on("message", (m: Request) => {
  if (m?.type !== "grade") return;
  queue = queue.then(async () => {
    try {
      const report = await grader.run({ ids: [m.id], target: m.target });
      send({ type: "report", request: m.request, report });
    } catch (e) {
      send({ type: "failed", request: m.request, message: (e as Error).stack ?? String(e) });
    }
  });
});
process.on("disconnect", () => {
  void grader.close().finally(() => process.exit(0));
});
