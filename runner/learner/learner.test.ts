// The learner's world, rule by rule: what graded code may import, what its
// compartment offers and refuses, how nodes are kept apart, and what crosses
// the boundary. (The red-team catalogue, runner/grade/redteam.ts, grades
// whole attacks end to end; these tests pin each rule on its own.)

import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Simulation, type NodeFactory } from "../sim/index.ts";
import { bundleLearnerFiles, type LearnerBundle } from "./bundle.ts";
import { LearnerModule } from "./compartment.ts";
import { membraneExports } from "./membrane.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh project with an exercise folder holding `files`; returns paths. */
function project(files: Record<string, string>, solution: Record<string, string> = {}): { root: string; folder: string; solutions: string } {
  const root = mkdtempSync(join(tmpdir(), "faultline-learner-"));
  dirs.push(root);
  const folder = join(root, "exercises", "x");
  const solutions = join(root, "solutions");
  mkdirSync(folder, { recursive: true });
  mkdirSync(join(solutions, "x"), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(folder, f), text);
  for (const [f, text] of Object.entries(solution)) writeFileSync(join(solutions, "x", f), text);
  return { root, folder, solutions };
}

async function bundle(files: Record<string, string>, entry = "main.ts", setup?: (p: ReturnType<typeof project>) => void): Promise<LearnerBundle> {
  const p = project(files, { "answer.ts": "export const answer = 42;\n" });
  writeFileSync(join(p.root, "outside.ts"), "export const k = 1;\n");
  setup?.(p);
  const [b] = await bundleLearnerFiles({ root: p.root, folder: p.folder, entries: [join(p.folder, entry)], solutions: p.solutions });
  return b!;
}

/** Loads `source` as a learner file and returns its exports, as the harness sees them (boxed: never awaited). */
async function loadBoxed(source: string, snapshots: string[] = []): Promise<{ m: Record<string, unknown> }> {
  const b = await bundle({ "main.ts": source });
  if (!b.ok) throw new Error(b.error);
  const mod = new LearnerModule(b, "exercises/x/main.ts");
  return { m: membraneExports(mod, mod.instantiate(), { snapshots }) };
}

async function load(source: string, snapshots: string[] = []): Promise<Record<string, unknown>> {
  return (await loadBoxed(source, snapshots)).m;
}

/** What calling `f` throws, as text. */
function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return String((e as Error)?.message ?? e);
  }
  return "(nothing thrown)";
}

describe("what graded code may import", () => {
  it("may import faultline/sim and its own folder's files", async () => {
    const b = await bundle({ "main.ts": 'import { todo } from "faultline/sim";\nimport { k } from "./k.ts";\nexport const f = () => (k > 0 ? 1 : todo("x"));\n', "k.ts": "export const k = 1;\n" });
    expect(b.ok).toBe(true);
  });

  for (const [what, spec, message] of [
    ["a Node.js module", "node:fs", /"node:fs" is part of Node\.js, which graded code cannot use/],
    ["a bare Node.js module name", "child_process", /"child_process" is part of Node\.js/],
    ["a package", "vitest", /"vitest" cannot be imported by graded code: import only faultline\/sim and files of your exercise folder/],
    ["a file outside the folder by a relative path", "../../outside.ts", /outside your exercise folder \(it is outside\.ts\)/],
    ["the reference solution by a relative path", "../../solutions/x/answer.ts", /outside your exercise folder/],
  ] as const) {
    it(`may not import ${what} (${spec})`, async () => {
      const b = await bundle({ "main.ts": `import * as m from ${JSON.stringify(spec)};\nexport const f = () => m;\n` });
      expect(b.ok).toBe(false);
      if (!b.ok) {
        expect(b.error).toMatch(message);
        expect(b.error).toMatch(/exercises\/x\/main\.ts:1/);
      }
    });
  }

  it("may not re-export the reference solution (export * from)", async () => {
    const b = await bundle({ "main.ts": 'export * from "../../solutions/x/answer.ts";\n' });
    expect(b.ok).toBe(false);
  });

  it("may not use require() or import()", async () => {
    const r = await bundle({ "main.ts": 'export const f = () => require("./k.ts");\n', "k.ts": "export const k = 1;\n" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/require\(\) is not available to graded code/);
    const i = await bundle({ "main.ts": 'export const f = () => import("./k.ts");\n', "k.ts": "export const k = 1;\n" });
    expect(i.ok).toBe(false);
    if (!i.ok) expect(i.error).toMatch(/import\(\) is not available to graded code/);
  });

  it("may not use top-level await", async () => {
    const b = await bundle({ "main.ts": "await new Promise(() => {});\nexport const f = 1;\n" });
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.error).toMatch(/top-level await is not allowed/);
  });

  it("judges files by their real path: a symlink out of the folder is refused, and so is a symlinked folder", async () => {
    const viaLink = await bundle({ "main.ts": 'import { answer } from "./answer.ts";\nexport const f = () => answer;\n' }, "main.ts", (p) => symlinkSync(join(p.solutions, "x", "answer.ts"), join(p.folder, "answer.ts")));
    expect(viaLink.ok).toBe(false);
    if (!viaLink.ok) expect(viaLink.error).toMatch(/outside your exercise folder \(it is solutions\/x\/answer\.ts\)/);
    const p = project({}, { "main.ts": "export const f = 1;\n" });
    rmSync(p.folder, { recursive: true });
    symlinkSync(join(p.solutions, "x"), p.folder);
    const [b] = await bundleLearnerFiles({ root: p.root, folder: p.folder, entries: [join(p.folder, "main.ts")], solutions: p.solutions });
    expect(b!.ok).toBe(false);
    if (!b!.ok) expect(b!.error).toMatch(/exercises\/x is a symbolic link \(to solutions\/x\)/);
  });

  it("refuses a hard link to a reference file", async () => {
    const b = await bundle({}, "main.ts", (p) => linkSync(join(p.solutions, "x", "answer.ts"), join(p.folder, "main.ts")));
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.error).toMatch(/is the reference solution's own file \(a hard link to solutions\/x\/answer\.ts\)/);
  });

  it("names the line of a syntax error", async () => {
    const b = await bundle({ "main.ts": "export const f = 1;\nexport function g( {\n" });
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.error).toMatch(/syntax error at exercises\/x\/main\.ts:[23]:\d+: /);
  });
});

describe("the compartment", () => {
  it("refuses the wall clock, unseeded randomness and real timers, saying what to use instead", async () => {
    const m = await load(`
      export const calls = {
        now: () => Date.now(),
        newDate: () => new Date(),
        viaConstructor: () => new Date(0).constructor.now(),
        random: () => Math.random(),
        perf: () => performance.now(),
        mark: () => performance.mark("x"),
        timeout: () => setTimeout(() => {}, 1),
        micro: () => queueMicrotask(() => {}),
        uuid: () => crypto.randomUUID(),
      };`);
    const calls = m["calls"] as Record<string, () => unknown>;
    expect(thrown(calls["now"]!)).toMatch(/Date\.now\(\) is not allowed.*Use ctx\.now\(\)/);
    expect(thrown(calls["newDate"]!)).toMatch(/new Date\(\) is not allowed/);
    expect(thrown(calls["viaConstructor"]!)).toMatch(/Date\.now\(\) is not allowed/);
    expect(thrown(calls["random"]!)).toMatch(/Math\.random\(\) is not allowed.*Use ctx\.random\(\)/);
    expect(thrown(calls["perf"]!)).toMatch(/performance\.now\(\) is not allowed/);
    expect(thrown(calls["mark"]!)).toMatch(/performance\.mark\(\) is not allowed/);
    expect(thrown(calls["timeout"]!)).toMatch(/setTimeout\(\) is not allowed.*ctx\.setTimer/);
    expect(thrown(calls["micro"]!)).toMatch(/queueMicrotask\(\) is not allowed/);
    expect(thrown(calls["uuid"]!)).toMatch(/crypto\.randomUUID\(\) is not allowed/);
  });

  it("has no process, require, fetch, Intl, WeakRef or shared memory, and says why", async () => {
    const m = await load(`export const reach = (name) => globalThis[name];`);
    const reach = m["reach"] as (n: string) => unknown;
    for (const name of ["process", "require", "fetch", "Intl", "WeakRef", "FinalizationRegistry", "SharedArrayBuffer", "Atomics", "Buffer", "Worker"])
      expect(thrown(() => reach(name)), name).toMatch(new RegExp(`${name} is not available to graded code: `));
  });

  it("cannot change a shared built-in or the global object", async () => {
    const m = await load(`export const tries = {
      proto: () => { Object.prototype.numRuns = 0; },
      math: () => { Math.floor = () => 0; },
      global: () => { globalThis.shared = 1; },
      ctor: () => (() => 1).constructor("return this")(),
    };`);
    const tries = m["tries"] as Record<string, () => unknown>;
    for (const k of ["proto", "math", "global"]) expect(thrown(tries[k]!), k).toMatch(/not extensible|read only|Cannot (add|assign|define)/);
    expect(thrown(tries["ctor"]!)).toMatch(/not a valid constructor/);
    expect(({} as Record<string, unknown>)["numRuns"]).toBeUndefined();
  });

  it("reads and writes local time as UTC, whatever the machine's time zone", async () => {
    const m = await load(`export const at = (t) => { const d = new Date(t); return [d.getHours(), d.getTimezoneOffset(), String(d), new Date(2024, 0, 2, 3).getTime(), Date.parse("2024-01-02 03:00")]; };`);
    expect((m["at"] as (t: number) => unknown)(Date.UTC(2024, 0, 2, 3))).toEqual([3, 0, "2024-01-02T03:00:00.000Z", Date.UTC(2024, 0, 2, 3), Date.UTC(2024, 0, 2, 3)]);
  });

  it("shows learner code only its own frames in a stack, named without the machine's paths", async () => {
    const m = await load(`export function where() { return new Error("here").stack; }`);
    const stack = (m["where"] as () => string)();
    // Outside the project (this test's files are in a temporary folder): the folder and the file.
    expect(stack).toMatch(/at where \(x\/main\.ts:1:\d+\)/);
    expect(stack).not.toMatch(/runner\/|node_modules|node:|\/tmp\//);
  });

  it("prints an error in a stack without running its getters", async () => {
    const m = await load(`export function sneaky() { const e = new Error("x"); Object.defineProperty(e, "message", { get() { throw new Error("ran"); } }); return e.stack; }`);
    expect((m["sneaky"] as () => string)()).toMatch(/^Error\n {4}at sneaky/);
  });
});

describe("nodes share nothing but messages", () => {
  const counter = `let count = 0;
    export function createNode(ctx) {
      return { onStart() { count++; ctx.output({ count }); }, onMessage() {} };
    }
    export function bump() { return ++count; }`;

  it("gives every node its own module instance: module state is per node", async () => {
    const m = await load(counter);
    const sim = new Simulation({ seed: 1, nodes: { n1: m["createNode"] as NodeFactory, n2: m["createNode"] as NodeFactory, n3: m["createNode"] as NodeFactory } });
    sim.run(1);
    expect(sim.outputs.map((o) => o.value)).toEqual([{ count: 1 }, { count: 1 }, { count: 1 }]);
  });

  it("forgets module state in a crash: a restarted node is a new instance", async () => {
    const m = await load(counter);
    const sim = new Simulation({ seed: 1, nodes: { n1: m["createNode"] as NodeFactory } });
    sim.run(1);
    sim.crash("n1");
    sim.restart("n1");
    expect(sim.outputs.map((o) => o.value)).toEqual([{ count: 1 }, { count: 1 }]);
  });

  it("lets plain function calls share one instance (a pure cache keeps working)", async () => {
    const m = await load(counter);
    const bump = m["bump"] as () => number;
    expect([bump(), bump(), bump()]).toEqual([1, 2, 3]);
  });

  it("hands the harness copies: what a method returns cannot change afterwards", async () => {
    const m = await load(`export class Clock { v = [0]; tick() { this.v[0]++; return [...this.v]; } peek() { return this.v; } }`);
    const c = new (m["Clock"] as new () => { tick(): number[]; peek(): number[] })();
    const first = c.peek();
    c.tick();
    expect(first).toEqual([0]);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("still catches aliasing where snapshots are promised: an object returned again must hold what it held the first time", async () => {
    const src = `export class Clock { v = { n1: 0 }; tick() { this.v.n1++; return this.v; } }`;
    const relaxed = new ((await load(src))["Clock"] as new () => { tick(): Record<string, number> })();
    expect([relaxed.tick(), relaxed.tick()]).toEqual([{ n1: 1 }, { n1: 2 }]);
    const m = await load(src, ["tick"]);
    const c = new (m["Clock"] as new () => { tick(): Record<string, number> })();
    c.tick();
    expect(thrown(() => c.tick())).toMatch(/tick\(\) returned the very object it had returned before, and that object has changed since \(it was \{"n1":1\}, it is now \{"n1":2\}\).*Return a copy of your state/);
    const same = await load(`const K = { k: 1 }; export function constant() { return K; }`, ["constant"]);
    const f = same["constant"] as () => unknown;
    expect([f(), f()]).toEqual([{ k: 1 }, { k: 1 }]);
  });

  it("hands learner code frozen copies of the harness's arguments", async () => {
    const m = await load(`export function mutate(o) { try { o.x = 2; return "changed"; } catch { return "refused"; } }`);
    const mine = { x: 1 };
    expect((m["mutate"] as (o: object) => string)(mine)).toBe("refused");
    expect(mine.x).toBe(1);
  });

  it("leaves out a then export, so that awaiting the exports cannot hang", async () => {
    const { m } = await loadBoxed(`export function then(resolve) { /* never calls resolve */ }\nexport const ok = 1;`);
    expect(m["ok"]).toBe(1);
    expect("then" in m).toBe(false);
    expect(await Promise.resolve(m)).toBe(m);
  });
});
