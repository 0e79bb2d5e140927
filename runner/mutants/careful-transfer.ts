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
]);
