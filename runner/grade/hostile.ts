// The hostile-code catalogue: bad submissions the grader must survive, each
// with the verdict it must give. Every case is a variant of the echo exercise
// under runner/grade/fixtures/hostile/<case>/echo/echo.ts.
//
// Run as a script (`node --import tsx runner/grade/hostile.ts [case…]`), it
// grades every case with ONE warm Grader (as watch mode does), then checks that
// the same Grader still grades the reference solution correctly after each
// case that ended a worker, and prints one JSON line per case. The tests in
// hostile.test.ts assert the verdicts and times.

import { join } from "node:path";
import type { ExerciseStatus, GradeReport } from "./grade.ts";

export interface HostileCase {
  name: string;
  what: string;
  status: ExerciseStatus;
  /** Must match the verdict text (exercise error, type errors and first failure, joined). */
  verdict: RegExp;
  /** The learner file:line the verdict must name, when it is known. */
  location?: RegExp;
  /** Ends the worker (the watchdog's job), so check the runner is still usable after. */
  endsWorker?: boolean;
}

const F = String.raw`runner/grade/fixtures/hostile`;

export const CATALOGUE: readonly HostileCase[] = [
  { name: "loop-handler", what: "an infinite loop in a handler", status: "error", endsWorker: true, verdict: new RegExp(String.raw`onMessage on n1 did not return within 2 s at t=\d+ ms: it was still going round the loop at ${F}/loop-handler/echo/echo\.ts:12\. Look at why that loop never ends`), location: /loop-handler\/echo\/echo\.ts:12$/ },
  { name: "loop-constructor", what: "an infinite loop in the constructor", status: "error", endsWorker: true, verdict: new RegExp(String.raw`the constructor on n1 did not return within 2 s at t=0 ms: it was still going round the loop at ${F}/loop-constructor/echo/echo\.ts:10\.`), location: /loop-constructor\/echo\/echo\.ts:10$/ },
  { name: "loop-toplevel", what: "an infinite loop at module top level", status: "error", endsWorker: true, verdict: new RegExp(String.raw`Loading ${F}/loop-toplevel/echo/echo\.ts did not finish within 5 s: code at the top level of the module \(outside any function\) was still going round the loop at ${F}/loop-toplevel/echo/echo\.ts:9\. Move work into handlers`), location: /loop-toplevel\/echo\/echo\.ts:9$/ },
  { name: "throw-onmessage", what: "a throw in onMessage", status: "fail", verdict: /onMessage on n1 threw at t=\d+ ms \(.*throw-onmessage\/echo\/echo\.ts:14\): TypeError: Cannot read properties of undefined.*Fix the line named here/, location: /throw-onmessage\/echo\/echo\.ts:14$/ },
  { name: "throw-onstart", what: "a throw in onStart", status: "fail", verdict: /onStart on n1 threw at t=0 ms \(.*throw-onstart\/echo\/echo\.ts:11\): Error: cannot start: no config/, location: /echo\.ts:11$/ },
  { name: "throw-ontimer", what: "a throw in onTimer", status: "fail", verdict: /onTimer on n1 threw at t=5 ms \(.*throw-ontimer\/echo\/echo\.ts:14\): TypeError: unexpected timer tick/, location: /echo\.ts:14$/ },
  { name: "throw-constructor", what: "a throw in the constructor", status: "fail", verdict: /the constructor on n1 threw at t=0 ms \(.*throw-constructor\/echo\/echo\.ts:9\): Error: refusing to start/, location: /echo\.ts:9$/ },
  { name: "recursion", what: "unbounded recursion", status: "fail", verdict: /onMessage on n1 threw at t=\d+ ms \(.*recursion\/echo\/echo\.ts:9\): RangeError: Maximum call stack size exceeded\. That is recursion that never reaches its base case/, location: /echo\.ts:9$/ },
  { name: "allocation", what: "runaway allocation", status: "error", endsWorker: true, verdict: /onMessage on n1 (did not return within 2 s at t=\d+ ms: it was still going round the loop at .*allocation\/echo\/echo\.ts:13|ran out of memory at t=\d+ ms \(.*allocation\/echo\/echo\.ts\): it allocated more than \d+ MB, going round the loop at .*allocation\/echo\/echo\.ts:13)/, location: /allocation\/echo\/echo\.ts:13$/ },
  { name: "promise-handler", what: "a Promise-returning (async) handler", status: "fail", verdict: /onMessage returning a Promise \(an async handler\) is not allowed in onMessage on n1 at t=\d+ ms.*Handlers must be synchronous/ },
  { name: "math-random", what: "Math.random in a handler", status: "fail", verdict: /Math\.random\(\) is not allowed in onMessage on n1 at t=\d+ ms.*Use ctx\.random\(\)/, location: /math-random\/echo\/echo\.ts:12$/ },
  { name: "date-now", what: "Date.now in a handler", status: "fail", verdict: /Date\.now\(\) is not allowed in onMessage on n1 at t=\d+ ms.*Use ctx\.now\(\)/, location: /date-now\/echo\/echo\.ts:12$/ },
  { name: "set-timeout", what: "setTimeout in a handler", status: "fail", verdict: /setTimeout\(\) is not allowed in onMessage on n1 at t=\d+ ms.*Use ctx\.setTimer\(name, ms\)/, location: /set-timeout\/echo\/echo\.ts:12$/ },
  { name: "mutate-received", what: "changing a received message", status: "fail", verdict: /onMessage on n1 threw at t=\d+ ms \(.*mutate-received\/echo\/echo\.ts:13\): TypeError: Cannot assign to read only property 'type'.*What a node receives .* is frozen/, location: /echo\.ts:13$/ },
  { name: "non-json", what: "a non-JSON message", status: "fail", verdict: /msg\.seenAt is a Map \(in onMessage on n1 at t=\d+ ms\)\. Send Object\.fromEntries\(map\)/, location: /non-json\/echo\/echo\.ts:13$/ },
  { name: "huge-message", what: "a 10 MB message", status: "fail", verdict: /msg is larger than 1048576 bytes \(in onMessage on n1 at t=\d+ ms\)\. Send less at once/, location: /huge-message\/echo\/echo\.ts:12$/ },
  { name: "process-exit", what: "process.exit() in a handler", status: "fail", verdict: /onMessage on n1 threw at t=\d+ ms \(.*process-exit\/echo\/echo\.ts:13\): ReferenceError: process is not available to graded code: .*to stop handling work, just return/, location: /echo\.ts:13$/ },
  { name: "stdout-flood", what: "flooding stdout", status: "fail", verdict: /onMessage on n1 threw at t=\d+ ms \(.*stdout-flood\/echo\/echo\.ts:\d+\): OutputFloodError: printed more than 4 MB to the console in one scenario.*use ctx\.log\(text\)/ },
  { name: "syntax-error", what: "a syntax error", status: "error", verdict: new RegExp(String.raw`Your code could not be loaded: syntax error at ${F}/syntax-error/echo/echo\.ts:11:31: Expected "\)" but found "\{"`) },
  { name: "type-error", what: "a type error", status: "fail", verdict: /Type errors: .*type-error\/echo\/echo\.ts:12:70 Property 'bodyy' does not exist on type .*Did you mean 'body'\?[\s\S]*msg\.body is undefined \(in onMessage on n1/ },
];

export interface HostileResult {
  name: string;
  status: ExerciseStatus;
  verdict: string;
  location: string | null;
  ms: number;
  /** After a case that ended a worker: did the same Grader still pass the solution? */
  afterwards: ExerciseStatus | null;
}

/** One line of text holding everything a learner is told about the exercise. */
export function verdictText(r: GradeReport): { status: ExerciseStatus; verdict: string; location: string | null } {
  const e = r.exercises[0]!;
  const first = e.scenarios.find((s) => s.failure && s.failure.message !== e.error)?.failure ?? e.scenarios.find((s) => s.failure)?.failure;
  const parts = [e.error, e.typeErrors?.length ? `Type errors: ${e.typeErrors.join("; ")}` : null, first?.message].filter(Boolean);
  return { status: e.status, verdict: parts.join("\n"), location: first?.location ?? null };
}

async function main(names: string[]): Promise<void> {
  const { Grader, ROOT } = await import("./grade.ts");
  const grader = await Grader.open(ROOT);
  try {
    for (const c of CATALOGUE.filter((x) => names.length === 0 || names.includes(x.name))) {
      const started = performance.now();
      const report = await grader.run({ ids: ["echo"], target: join(ROOT, F, c.name) });
      const ms = Math.round(performance.now() - started);
      let afterwards: ExerciseStatus | null = null;
      if (c.endsWorker) afterwards = (await grader.run({ ids: ["echo"], target: "solutions" })).exercises[0]!.status;
      const result: HostileResult = { name: c.name, ...verdictText(report), ms, afterwards };
      process.stdout.write(JSON.stringify(result) + "\n");
    }
  } finally {
    await grader.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
