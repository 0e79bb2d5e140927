// Hardening of a grader worker before it loads untrusted learner code (only
// under `--sandbox`; see runner/grade/sandbox.ts for every layer). What Node's
// permission model leaves open to code that is already running — fetch, the
// process object's escape hatches, the environment — is replaced here with
// refusals that say what happened and what to do.

export class SandboxError extends Error {
  constructor(what: string, why: string) {
    super(`${what} is not available to graded code: ${why}`);
    this.name = "SandboxError";
  }
}

function refuse(what: string, why: string): () => never {
  return () => {
    throw new SandboxError(what, why);
  };
}

function replace(target: object, key: string, value: unknown): void {
  try {
    Object.defineProperty(target, key, { value, configurable: true, writable: true });
  } catch {
    // not replaceable here: the permission model still stands behind it
  }
}

let hardened = false;

/** Hardens this worker. `learnerDir`: where learner files live (to tell their calls from the lab's). */
export function hardenWorker(learnerDir: string): void {
  if (hardened) return;
  hardened = true;
  const net = "the sandbox has no network; nodes talk only through ctx.send.";
  const g = globalThis as Record<string, unknown>;
  for (const k of ["fetch", "WebSocket", "EventSource"]) if (k in g) replace(g, k, refuse(`${k}()`, net));
  const p = process as unknown as Record<string, unknown>;
  replace(p, "getBuiltinModule", refuse("process.getBuiltinModule()", "it would reach files, processes and the network; use only faultline/sim and your own files."));
  replace(p, "dlopen", refuse("process.dlopen()", "native addons cannot run in the sandbox."));
  replace(p, "kill", refuse("process.kill()", "graded code may not signal processes; to stop a node, just return."));
  replace(p, "binding", refuse("process.binding()", "internal bindings are closed in the sandbox."));
  replace(p, "_linkedBinding", refuse("process._linkedBinding()", "internal bindings are closed in the sandbox."));
  replace(p, "chdir", refuse("process.chdir()", "the working directory is fixed while grading."));
  // The environment is already scrubbed; reading it from learner code is refused outright, with a reason.
  const env = process.env;
  const fromLearner = () => (new Error().stack ?? "").includes(learnerDir);
  replace(
    p,
    "env",
    new Proxy(env, {
      get(t, key, r) {
        if (typeof key === "string" && fromLearner()) throw new SandboxError(`process.env.${key}`, "graded code runs with an empty environment (no secrets, no configuration); pass what a node needs through its messages.");
        return Reflect.get(t, key, r);
      },
      ownKeys(t) {
        if (fromLearner()) throw new SandboxError("process.env", "graded code runs with an empty environment.");
        return Reflect.ownKeys(t);
      },
    }),
  );
}
