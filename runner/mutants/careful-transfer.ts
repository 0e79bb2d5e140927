import { defineMutants } from "./mutant.ts";

export default defineMutants("careful-transfer", [
  {
    name: "per-packet-checksums-only",
    bug: "B trusts the per-packet checksums and never checks the whole file against the digest, so damage from its own spool reads goes straight into the file",
    edits: [{ file: "transfer.ts", find: "      if (checksum(file.join(\"\")) === digest) {", replace: "      if (file.length === n) {" }],
  },
  {
    name: "checksum-the-damaged-read",
    bug: "A computes the digest from whatever it just read instead of checking the read against the stored digest, so a damaged read is sealed, sent and 'verified'",
    edits: [
      {
        file: "transfer.ts",
        find: "      if (Array.isArray(file) && typeof d === \"string\" && checksum(file.join(\"\")) === d) {\n        parts = file;\n        digest = d;",
        replace: "      if (Array.isArray(file)) {\n        parts = file;\n        digest = checksum(file.join(\"\"));",
      },
    ],
  },
  {
    name: "verify-the-wrong-copy",
    bug: "B checks the digest over the parts it holds in memory but stores what it read back from its spool: the check passes on one copy while a damaged copy is written",
    edits: [
      { file: "transfer.ts", find: "  let verified = false;\n", replace: "  let verified = false;\n  const received: string[] = [];\n" },
      { file: "transfer.ts", find: "        ctx.disk.set(`spool:${msg.i}`, msg.data);", replace: "        ctx.disk.set(`spool:${msg.i}`, msg.data);\n        received[msg.i] = msg.data;" },
      { file: "transfer.ts", find: "      if (checksum(file.join(\"\")) === digest) {", replace: "      if (checksum(received.join(\"\")) === digest) {" },
    ],
  },
  {
    name: "send-once",
    bug: "A sends each part once and never resends: one lost packet and the transfer can only fail",
    edits: [{ file: "transfer.ts", find: "      if (have.has(i)) continue;", replace: "      if (have.has(i) || ticks > 0) continue;" }],
  },
  {
    name: "never-give-up",
    bug: "A retries forever and never reports failure, so an unreachable B means silence",
    edits: [{ file: "transfer.ts", find: "      if (++ticks > GIVE_UP_TICKS) return", replace: "      if (++ticks > GIVE_UP_TICKS * 1000) return" }],
  },
  {
    name: "done-for-every-status",
    bug: "A reports done for every verified status that arrives — a duplicated or late one included — instead of once",
    edits: [
      { file: "transfer.ts", find: "      if (!msg || msg.type !== \"status\" || msg.xfer !== xfer || finished) return;", replace: "      if (!msg || msg.type !== \"status\" || msg.xfer !== xfer) return;" },
      { file: "transfer.ts", find: "  function finish(out: TransferOut): void {\n    if (finished) return;\n", replace: "  function finish(out: TransferOut): void {\n" },
    ],
  },
  {
    name: "report-again-after-restart",
    bug: "A keeps no record of having reported: after a crash it starts the transfer over and reports a second time",
    edits: [{ file: "transfer.ts", find: "      if (ctx.disk.get(\"reported\") !== undefined) {", replace: "      if (ctx.disk.get(\"reported\") === \"never\") {" }],
  },
  {
    name: "keep-checking-after-done",
    bug: "A keeps its timer after reporting and goes on asking B how far it is, forever",
    edits: [
      { file: "transfer.ts", find: "    finished = true;\n    ctx.cancelTimer(\"tick\");\n", replace: "    finished = true;\n" },
      { file: "transfer.ts", find: "      if (finished) return;\n      if (++ticks", replace: "      if (finished) {\n        ctx.send(b, seal({ type: \"check\", xfer, n: parts.length, digest }));\n        return ctx.setTimer(\"tick\", TICK_MS);\n      }\n      if (++ticks" },
    ],
  },
  {
    name: "empty-parts-dropped",
    bug: "B skips spooled parts that read back empty when it assembles the file: the checksum of the joined text still matches, but empty parts vanish",
    edits: [{ file: "transfer.ts", find: "      for (let i = 0; i < n; i++) file.push(ctx.disk.get<string>(`spool:${i}`) ?? \"\");", replace: "      for (let i = 0; i < n; i++) {\n        const part = ctx.disk.get<string>(`spool:${i}`) ?? \"\";\n        if (part !== \"\") file.push(part);\n      }" }],
  },
  {
    name: "assemble-only-on-parts",
    bug: "B assembles only when a part arrives, never on A's check: a file with no parts at all is never verified",
    edits: [{ file: "transfer.ts", find: "      if (!verified && have.size === n) assemble();", replace: "      if (msg.type === \"part\" && !verified && have.size === n) assemble();" }],
  },
]);
