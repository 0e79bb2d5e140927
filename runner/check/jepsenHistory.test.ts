// The history formats `faultline lincheck` reads: Jepsen's etcd log (one
// register), Jepsen's independent-key registers (log lines or history.edn
// maps) and Porcupine's key-value logs. Each reads invocations, completions,
// failures and unknown outcomes, and a malformed line is named.

import { describe, expect, it } from "vitest";
import { parseJepsenCasHistory, parseJepsenKvHistory, parsePorcupineKvHistory } from "./jepsenHistory.ts";
import { checkLinearizability } from "./linearizability.ts";
import { casRegisterModel, keyValueModel, registersModel } from "./models.ts";
import { C50_SHAPE, linearizableKvHistory, porcupineKvLog, staleRead } from "./syntheticHistory.ts";

describe("Jepsen CAS log parser", () => {
  const log = [
    "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
    "INFO  jepsen.util - 1\t:invoke\t:write\t3",
    "INFO  jepsen.util - 0\t:ok\t:read\tnil",
    "INFO  jepsen.util - 1\t:ok\t:write\t3",
    "INFO  jepsen.util - 2   :invoke :cas    [3 4]", // spaces, as some logs have
    "INFO  jepsen.util - 2   :fail   :cas    [3 4]",
    "INFO  jepsen.util - 3\t:invoke\t:read\tnil",
    "INFO  jepsen.util - 3\t:fail\t:read\t:timed-out",
    "some other log line",
    "INFO  jepsen.util - 4\t:invoke\t:write\t1",
    "INFO  jepsen.util - 4\t:info\t:write\t:timed-out",
    "INFO  jepsen.util - 5\t:invoke\t:cas\t[1 2]",
  ].join("\n");

  it("reads invocations, completions, failures and unknown outcomes", () => {
    const ops = parseJepsenCasHistory(log);
    expect(ops).toEqual([
      { client: 0, input: { op: "read" }, output: { value: null }, call: 1, ret: 3 },
      { client: 1, input: { op: "write", value: 3 }, output: {}, call: 2, ret: 4 },
      { client: 2, input: { op: "cas", from: 3, to: 4 }, output: { ok: false }, call: 5, ret: 6 },
      // The failed read (line 7) had no effect and is left out.
      { client: 4, input: { op: "write", value: 1 }, output: undefined, call: 10, ret: Infinity },
      { client: 5, input: { op: "cas", from: 1, to: 2 }, output: undefined, call: 12, ret: Infinity },
    ]);
    // The cas failed although 3 was written before it: not linearizable.
    expect(checkLinearizability(casRegisterModel, ops).verdict).toBe("not-linearizable");
  });

  it("says which line is wrong", () => {
    expect(() => parseJepsenCasHistory("INFO  jepsen.util - 1\t:ok\t:read\t3")).toThrow(/line 1: process 1 completes an operation/);
    expect(() => parseJepsenCasHistory("INFO  jepsen.util - 1\t:invoke\t:cas\t3")).toThrow(/line 1: a cas needs \[from to\]/);
    expect(() => parseJepsenCasHistory("x\nINFO  jepsen.util - 1\t:invoke\t:inc\t3")).toThrow(/line 2: unknown operation :inc/);
    expect(() => parseJepsenCasHistory('{ "not": "a jepsen log" }')).toThrow(/no Jepsen operations found/);
    expect(parseJepsenCasHistory("")).toEqual([]);
  });
});

describe("Jepsen independent-key register histories (jepsen-kv)", () => {
  const log = [
    "INFO  jepsen.util - 0\t:invoke\t:write\t[1 3]",
    "{:process 1, :type :invoke, :f :read, :value [2 nil], :time 5}",
    "INFO  jepsen.util - 0\t:ok\t:write\t[1 3]",
    "{:process 1, :type :ok, :f :read, :value [2 nil], :time 9}",
    "INFO  jepsen.util - 2\t:invoke\t:cas\t[1 [3 4]]",
    "INFO  jepsen.util - 2\t:fail\t:cas\t[1 [3 4]]",
    "{:process 3, :type :invoke, :f :write, :value [2 7]}",
    "{:process 3, :type :info, :f :write, :value [2 7]}",
  ].join("\n");

  it("reads log lines and history.edn maps, one register per key", () => {
    const ops = parseJepsenKvHistory(log);
    expect(ops).toEqual([
      { client: 0, input: { key: 1, op: "write", value: 3 }, output: {}, call: 1, ret: 3 },
      { client: 1, input: { key: 2, op: "read" }, output: { value: null }, call: 2, ret: 4 },
      { client: 2, input: { key: 1, op: "cas", from: 3, to: 4 }, output: { ok: false }, call: 5, ret: 6 },
      { client: 3, input: { key: 2, op: "write", value: 7 }, output: undefined, call: 7, ret: Infinity },
    ]);
    // Key 1's cas failed though 3 was written before it: key 1 is not linearizable, key 2 is.
    const r = checkLinearizability(registersModel, ops);
    expect(r.verdict).toBe("not-linearizable");
    expect(r.failed!.label).toBe("key 1");
    expect(r.explanation).toContain("cas(1, 3, 4) -> fail");
  });

  it("says which line is wrong, and how", () => {
    expect(() => parseJepsenKvHistory("INFO  jepsen.util - 0\t:invoke\t:write\t3")).toThrow(/line 1: a value must be a \[key value\] pair, got 3/);
    expect(() => parseJepsenKvHistory("\n{:process 1, :type :invoke, :f :read, :value [2 nil]")).toThrow(/line 2: this line is cut short/);
    expect(() => parseJepsenKvHistory("{:process 1, :type :invoke, :value [2 nil]}")).toThrow(/line 1: the operation has no :f field/);
    expect(() => parseJepsenKvHistory("{:process 1, :type :invoke, :f :cas, :value [2 5]}")).toThrow(/line 1: a cas needs \[key \[from to\]\]/);
    expect(() => parseJepsenKvHistory("{:process 1, :type :invoke, :f :read, :value [2 nil]}\n{:process 1, :type :ok, :f :read, :value [3 nil]}")).toThrow(/line 2: the operation was invoked on key 2 but completes on key 3/);
    expect(() => parseJepsenKvHistory("{:process 1, :type :ok, :f :read, :value [2 nil]}")).toThrow(/line 1: process 1 completes an operation \(:ok\) it never invoked/);
    expect(() => parseJepsenKvHistory("read 2")).toThrow(/line 1: expected an operation map/);
  });
});

describe("Porcupine key-value logs (porcupine-kv)", () => {
  it("reads gets, puts and appends; a missing key reads as the empty string", () => {
    const ops = parsePorcupineKvHistory(
      [
        '{:process 0, :type :invoke, :f :get, :key "7", :value nil}',
        '{:process 1, :type :invoke, :f :append, :key "7", :value "x 1 0 y"}',
        '{:process 0, :type :ok, :f :get, :key "7", :value ""}',
        '{:process 1, :type :ok, :f :append, :key "7", :value "x 1 0 y"}',
        '{:process 0, :type :invoke, :f :put, :key "2", :value "a"}',
      ].join("\n"),
    );
    expect(ops).toEqual([
      { client: 0, input: { op: "get", key: "7" }, output: { value: "" }, call: 1, ret: 3 },
      { client: 1, input: { op: "append", key: "7", value: "x 1 0 y" }, output: {}, call: 2, ret: 4 },
      { client: 0, input: { op: "put", key: "2", value: "a" }, output: undefined, call: 5, ret: Infinity },
    ]);
    expect(checkLinearizability(keyValueModel(""), ops).verdict).toBe("linearizable");
  });

  it("says which line is wrong, and how", () => {
    expect(() => parsePorcupineKvHistory('{:process 0, :type :invoke, :f :get, :value nil}')).toThrow(/line 1: the operation has no :key field/);
    expect(() => parsePorcupineKvHistory('\n\n{:process 0, :type :invoke, :f :append, :key "1", :value 5}')).toThrow(/line 3: :value must be a string, got 5/);
    expect(() => parsePorcupineKvHistory('{:process 0, :type :invoke, :f :delete, :key "1", :value nil}')).toThrow(/line 1: unknown operation :delete \(expected :get, :put or :append\)/);
    expect(() => parsePorcupineKvHistory('{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n{:process 0, :type :ok, :f :put, :key "1", :value "a"}')).toThrow(/line 2: process 0 invoked :get but completes :put/);
    expect(() => parsePorcupineKvHistory('{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n{:process 0, :type :done, :f :get, :key "1", :value ""}')).toThrow(/line 2: unknown event type :done/);
  });

  // Porcupine's own test logs may not be copied here: logs generated in their shape stand in.
  it("generated logs in Porcupine's shape get the verdict they were built to have", () => {
    const shape = { ...C50_SHAPE, clients: 10, opsPerClient: 30 };
    for (const seed of [1, 2, 3]) {
      const ok = linearizableKvHistory(seed, shape);
      expect(parsePorcupineKvHistory(porcupineKvLog(ok)).length).toBe(ok.length);
      expect(checkLinearizability(keyValueModel(""), parsePorcupineKvHistory(porcupineKvLog(ok))).verdict).toBe("linearizable");
      const bad = parsePorcupineKvHistory(porcupineKvLog(staleRead(ok, seed)));
      expect(checkLinearizability(keyValueModel(""), bad).verdict).toBe("not-linearizable");
    }
  });
});
