// Reads recorded histories in Jepsen's event formats into operations for the
// linearizability checker. Pure: text in, operations out.
//
// Every format is a list of events, one a line, each for a process (a client):
//
// - :invoke opens an operation for that process; :ok / :fail / :info close it.
// - :ok carries the result (the value read, or that the write or cas happened).
// - :fail cas means the comparison failed (a definite outcome). Any other
//   failed operation did not happen and is dropped.
// - :info means the outcome is unknown: the operation may have taken effect at
//   any time after its call, or never. So does an operation still open at the
//   end, and one whose process invokes again before answering.
//
// The line number (from 1) is the time: Jepsen logs events in the order they
// happened, and an explanation can then point at lines of the file.
//
// Formats:
//
//   jepsen-cas   Jepsen's etcd log, one register:
//                  INFO  jepsen.util - 3	:invoke	:cas	[1 4]
//   jepsen-kv    many registers, one per key (Jepsen's independent keys), as log
//                lines or as history.edn maps; values are [key value] tuples:
//                  INFO  jepsen.util - 3	:ok	:read	[7 4]
//                  {:process 3, :type :invoke, :f :cas, :value [7 [1 4]]}
//   porcupine-kv Porcupine's key-value test logs (get, put, append; a missing
//                key reads as ""):
//                  {:process 0, :type :ok, :f :get, :key "2", :value "x 0 1 y"}

import { parseEDNString } from "edn-data";
import type { Operation } from "./linearizability.ts";
import type { CasInput, CasOutput, Key, KeyedCasInput, KvInput, KvOutput, RegisterValue } from "./models.ts";

export class JepsenParseError extends Error {
  override name = "JepsenParseError";
}

/** One event line, as read by a format. */
interface Event {
  line: number;
  process: string;
  type: string;
  f: string;
  value: unknown;
}

/** What a format knows besides the shape of its lines. */
interface Grammar<I, O> {
  /** What a line should look like, for the error when none does. */
  example: string;
  input(f: string, value: unknown, line: number): I;
  /** The result an :ok event carries. */
  ok(input: I, value: unknown, line: number): O;
  /** A :fail's definite outcome, or null when the operation simply did not happen. */
  fail(input: I): O | null;
}

/**
 * Reads the events of a text line by line (`read` returns null for a line
 * that is not an event) and pairs invocations with completions, per process.
 */
function assemble<I, O>(text: string, read: (raw: string, line: number) => Event | null, g: Grammar<I, O>): Operation<I, O>[] {
  type Open = { op: Operation<I, O>; f: string };
  const open = new Map<string, Open>();
  const done: Operation<I, O>[] = [];
  let count = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const event = read(lines[i]!, i + 1);
    if (!event) continue;
    const { line, process, type, f, value } = event;
    count++;
    if (type === "invoke") {
      const previous = open.get(process);
      if (previous) done.push(previous.op); // invoked again without an answer: the earlier one stays unknown
      open.set(process, { op: { client: Number.isFinite(Number(process)) ? Number(process) : process, input: g.input(f, value, line), output: undefined, call: line, ret: Infinity }, f });
      continue;
    }
    const pending = open.get(process);
    if (!pending) throw new JepsenParseError(`line ${line}: process ${process} completes an operation (:${type}) it never invoked`);
    if (pending.f !== f) throw new JepsenParseError(`line ${line}: process ${process} invoked :${pending.f} but completes :${f}`);
    open.delete(process);
    const op = pending.op;
    switch (type) {
      case "ok":
        op.ret = line;
        op.output = g.ok(op.input, value, line);
        done.push(op);
        break;
      case "fail": {
        const out = g.fail(op.input);
        if (out !== null) {
          op.ret = line;
          op.output = out;
          done.push(op);
        }
        break;
      }
      case "info":
        done.push(op); // outcome unknown: output undefined, ret Infinity
        break;
      default:
        throw new JepsenParseError(`line ${line}: unknown event type :${type} (expected :invoke, :ok, :fail or :info)`);
    }
  }
  if (count === 0 && text.trim() !== "") throw new JepsenParseError(`no Jepsen operations found (expected lines like ${g.example})`);
  for (const { op } of open.values()) done.push(op);
  return done.sort((a, b) => a.call - b.call);
}

// ---------------------------------------------------------------------------
// Jepsen log lines: "INFO  jepsen.util - <process> <type> <f> <value>"

const LOG_MARK = "jepsen.util - ";

function logLine(raw: string, line: number): Event | null {
  const at = raw.indexOf(LOG_MARK);
  if (at < 0) return null; // other log output
  const fields = raw.slice(at + LOG_MARK.length).trim().split(/\s+/);
  const [process, type, f] = fields;
  if (process === undefined || type === undefined || f === undefined || !type.startsWith(":") || !f.startsWith(":"))
    throw new JepsenParseError(`line ${line}: expected "<process> <type> <f> <value>", got "${raw.trim()}"`);
  return { line, process, type: type.slice(1), f: f.slice(1), value: fields.slice(3).join(" ") };
}

/** An EDN value, or a parse error naming the line. */
function edn(text: string, line: number, what: string): unknown {
  let v: unknown;
  try {
    v = parseEDNString(text, { mapAs: "object", keywordAs: "string", listAs: "array" });
  } catch (e) {
    throw new JepsenParseError(`line ${line}: ${what} is not valid EDN (${(e as Error).message}): "${text}"`);
  }
  if (v === null && text.trim() !== "nil") throw new JepsenParseError(`line ${line}: ${what} is cut short (an unclosed bracket or string?): "${text}"`);
  return v;
}

/** A history.edn line: "{:process 3, :type :ok, :f :read, :value …}". */
function ednLine(raw: string, line: number, extra: readonly string[] = []): Event | null {
  const text = raw.trim();
  if (text === "" || text.startsWith(";")) return null;
  if (!text.startsWith("{")) throw new JepsenParseError(`line ${line}: expected an operation map like {:process 0, :type :invoke, :f …}, got "${clip(text)}"`);
  const m = edn(text, line, "this line") as Record<string, unknown>;
  for (const field of ["process", "type", "f", ...extra]) if (!(field in m)) throw new JepsenParseError(`line ${line}: the operation has no :${field} field: "${clip(text)}"`);
  const { process, type, f } = m;
  if (typeof type !== "string" || typeof f !== "string") throw new JepsenParseError(`line ${line}: :type and :f must be keywords (like :invoke and :read): "${clip(text)}"`);
  if (typeof process !== "number" && typeof process !== "string") throw new JepsenParseError(`line ${line}: :process must be a number: "${clip(text)}"`);
  return { line, process: String(process), type, f, value: m };
}

function clip(s: string): string {
  return s.length <= 80 ? s : s.slice(0, 79) + "…";
}

// ---------------------------------------------------------------------------
// jepsen-cas

function parseNumberOrNil(text: string, line: number): RegisterValue {
  if (text === "nil") return null;
  const n = Number(text);
  if (text === "" || !Number.isFinite(n)) throw new JepsenParseError(`line ${line}: expected a number or nil, got "${text}"`);
  return n;
}

const casGrammar: Grammar<CasInput, CasOutput> = {
  example: `"INFO  jepsen.util - 3  :invoke  :read  nil"`,
  input(f, value, line) {
    const text = String(value);
    switch (f) {
      case "read":
        return { op: "read" };
      case "write":
        return { op: "write", value: parseNumberOrNil(text, line) };
      case "cas": {
        const m = /^\[\s*(\S+)\s+(\S+)\s*\]$/.exec(text);
        if (!m) throw new JepsenParseError(`line ${line}: a cas needs [from to], got "${text}"`);
        return { op: "cas", from: parseNumberOrNil(m[1]!, line), to: parseNumberOrNil(m[2]!, line) };
      }
      default:
        throw new JepsenParseError(`line ${line}: unknown operation :${f} (expected :read, :write or :cas)`);
    }
  },
  ok: (input, value, line) => (input.op === "read" ? { value: parseNumberOrNil(String(value), line) } : input.op === "cas" ? { ok: true } : {}),
  fail: (input) => (input.op === "cas" ? { ok: false } : null),
};

/** Operations of a Jepsen etcd (CAS register) log, in call order. */
export function parseJepsenCasHistory(text: string): Operation<CasInput, CasOutput>[] {
  return assemble(text, logLine, casGrammar);
}

// ---------------------------------------------------------------------------
// jepsen-kv

function registerValue(v: unknown, line: number, what: string): RegisterValue {
  if (v === null || typeof v === "number" || typeof v === "string") return v;
  throw new JepsenParseError(`line ${line}: ${what} must be a number, a string or nil, got ${JSON.stringify(v)}`);
}

/** [key value] from a log line's text or a map's :value. */
function tuple(value: unknown, line: number): [Key, unknown] {
  const v = typeof value === "string" ? edn(value, line, "the value") : (value as { value: unknown }).value;
  if (!Array.isArray(v) || v.length !== 2 || (typeof v[0] !== "number" && typeof v[0] !== "string")) throw new JepsenParseError(`line ${line}: a value must be a [key value] pair, got ${JSON.stringify(v)}`);
  return [v[0], v[1]];
}

const kvRegistersGrammar: Grammar<KeyedCasInput, CasOutput> = {
  example: `"INFO  jepsen.util - 3  :invoke  :read  [7 nil]" or "{:process 3, :type :invoke, :f :read, :value [7 nil]}"`,
  input(f, value, line) {
    const [key, v] = tuple(value, line);
    switch (f) {
      case "read":
        return { key, op: "read" };
      case "write":
        return { key, op: "write", value: registerValue(v, line, "a write's value") };
      case "cas": {
        if (!Array.isArray(v) || v.length !== 2) throw new JepsenParseError(`line ${line}: a cas needs [key [from to]], got ${JSON.stringify([key, v])}`);
        return { key, op: "cas", from: registerValue(v[0], line, "a cas's from"), to: registerValue(v[1], line, "a cas's to") };
      }
      default:
        throw new JepsenParseError(`line ${line}: unknown operation :${f} (expected :read, :write or :cas)`);
    }
  },
  ok(input, value, line) {
    const [key, v] = tuple(value, line);
    if (key !== input.key) throw new JepsenParseError(`line ${line}: the operation was invoked on key ${JSON.stringify(input.key)} but completes on key ${JSON.stringify(key)}`);
    return input.op === "read" ? { value: registerValue(v, line, "a read's value") } : input.op === "cas" ? { ok: true } : {};
  },
  fail: casGrammar.fail as Grammar<KeyedCasInput, CasOutput>["fail"],
};

/** Operations of a Jepsen independent-keys register history (log lines or history.edn maps), in call order. */
export function parseJepsenKvHistory(text: string): Operation<KeyedCasInput, CasOutput>[] {
  return assemble(text, (raw, line) => (raw.includes(LOG_MARK) ? logLine(raw, line) : ednLine(raw, line, ["value"])), kvRegistersGrammar);
}

// ---------------------------------------------------------------------------
// porcupine-kv

function stringField(m: unknown, line: number, what: string): string {
  const v = (m as Record<string, unknown>)[what];
  if (typeof v !== "string") throw new JepsenParseError(`line ${line}: :${what} must be a string, got ${JSON.stringify(v ?? null)}`);
  return v;
}

const porcupineGrammar: Grammar<KvInput, KvOutput> = {
  example: `{:process 0, :type :invoke, :f :get, :key "1", :value nil}`,
  input(f, m, line) {
    const key = stringField(m, line, "key");
    switch (f) {
      case "get":
        return { op: "get", key };
      case "put":
        return { op: "put", key, value: stringField(m, line, "value") };
      case "append":
        return { op: "append", key, value: stringField(m, line, "value") };
      default:
        throw new JepsenParseError(`line ${line}: unknown operation :${f} (expected :get, :put or :append)`);
    }
  },
  ok: (input, m, line) => (input.op === "get" ? { value: stringField(m, line, "value") } : {}),
  fail: () => null,
};

/** Operations of one of Porcupine's key-value test logs, in call order (check them with keyValueModel("")). */
export function parsePorcupineKvHistory(text: string): Operation<KvInput, KvOutput>[] {
  return assemble(text, (raw, line) => ednLine(raw, line, ["key"]), porcupineGrammar);
}
