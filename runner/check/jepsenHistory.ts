// Reads a Jepsen CAS-register history, as logged by Jepsen's etcd test, into
// operations for the linearizability checker. Pure: text in, operations out.
//
// One event per line (fields separated by tabs or spaces):
//
//   INFO  jepsen.util - 3	:invoke	:cas	[1 4]
//   INFO  jepsen.util - 3	:ok	:cas	[1 4]
//
// - :invoke opens an operation for that process; :ok / :fail / :info close it.
// - :ok read carries the value read (nil = empty); :ok write and :ok cas succeeded.
// - :fail cas means the comparison failed (the register did not hold `from`),
//   a definite outcome. A failed read or write did not happen and is dropped.
// - :info means the outcome is unknown: the operation may have taken effect at
//   any time after its call, or never. So does an operation still open at the end.
// The line number (from 1) is the time: Jepsen logs events in the order they
// happened, and an explanation can then point at lines of the file.

import type { CasInput, CasOutput, Operation, RegisterValue } from "./linearizability.ts";

export class JepsenParseError extends Error {
  override name = "JepsenParseError";
}

function parseValue(text: string, line: number): RegisterValue {
  if (text === "nil") return null;
  const n = Number(text);
  if (text === "" || !Number.isFinite(n)) throw new JepsenParseError(`line ${line}: expected a number or nil, got "${text}"`);
  return n;
}

function parseInput(f: string, value: string, line: number): CasInput {
  switch (f) {
    case ":read":
      return { op: "read" };
    case ":write":
      return { op: "write", value: parseValue(value, line) };
    case ":cas": {
      const m = /^\[\s*(\S+)\s+(\S+)\s*\]$/.exec(value);
      if (!m) throw new JepsenParseError(`line ${line}: a cas needs [from to], got "${value}"`);
      return { op: "cas", from: parseValue(m[1]!, line), to: parseValue(m[2]!, line) };
    }
    default:
      throw new JepsenParseError(`line ${line}: unknown operation ${f} (expected :read, :write or :cas)`);
  }
}

/** Operations of a Jepsen etcd (CAS register) log, in call order. */
export function parseJepsenCasHistory(text: string): Operation<CasInput, CasOutput>[] {
  type Open = { op: Operation<CasInput, CasOutput>; f: string };
  const open = new Map<string, Open>();
  const done: Operation<CasInput, CasOutput>[] = [];
  const lines = text.split(/\r?\n/);
  let events = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const at = raw.indexOf("jepsen.util - ");
    if (at < 0) continue; // other log output
    events++;
    const fields = raw.slice(at + "jepsen.util - ".length).trim().split(/\s+/);
    const [process, type, f] = fields;
    const value = fields.slice(3).join(" ");
    if (process === undefined || type === undefined || f === undefined) throw new JepsenParseError(`line ${lineNo}: expected "<process> <type> <f> <value>", got "${raw.trim()}"`);
    if (type === ":invoke") {
      const previous = open.get(process);
      if (previous) done.push(previous.op); // invoked again without an answer: the earlier one stays unknown
      open.set(process, { op: { client: Number.isFinite(Number(process)) ? Number(process) : process, input: parseInput(f, value, lineNo), output: undefined, call: lineNo, ret: Infinity }, f });
      continue;
    }
    const pending = open.get(process);
    if (!pending) throw new JepsenParseError(`line ${lineNo}: process ${process} completes an operation (${type}) it never invoked`);
    if (pending.f !== f) throw new JepsenParseError(`line ${lineNo}: process ${process} invoked ${pending.f} but completes ${f}`);
    open.delete(process);
    const op = pending.op;
    switch (type) {
      case ":ok":
        op.ret = lineNo;
        op.output = op.input.op === "read" ? { value: parseValue(value, lineNo) } : op.input.op === "cas" ? { ok: true } : {};
        done.push(op);
        break;
      case ":fail":
        // A cas that failed compared and lost; a failed read or write had no effect at all.
        if (op.input.op === "cas") {
          op.ret = lineNo;
          op.output = { ok: false };
          done.push(op);
        }
        break;
      case ":info":
        done.push(op); // outcome unknown: output undefined, ret Infinity
        break;
      default:
        throw new JepsenParseError(`line ${lineNo}: unknown event type ${type} (expected :invoke, :ok, :fail or :info)`);
    }
  }
  if (events === 0 && text.trim() !== "") throw new JepsenParseError(`no Jepsen operations found (expected lines like "INFO  jepsen.util - 3  :invoke  :read  nil")`);
  for (const { op } of open.values()) done.push(op);
  return done.sort((a, b) => a.call - b.call);
}
