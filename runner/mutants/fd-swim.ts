import { defineMutants } from "./mutant.ts";

export default defineMutants("fd-swim", [
  {
    name: "no-indirect-probes",
    bug: "suspects a member as soon as its direct ping goes unanswered: one bad link makes a healthy member suspect",
    edits: [{ file: "swim.ts", find: "        for (let i = 0; i < INDIRECT_K && helpers.length > 0; i++) {", replace: "        for (let i = 0; i < 0 && helpers.length > 0; i++) {" }],
  },
  {
    name: "refute-without-incrementing",
    bug: "refutes a suspicion with the same incarnation number, which does not override the suspicion: the member is declared dead anyway",
    edits: [{ file: "swim.ts", find: "        incarnation = u.incarnation + 1;", replace: "        incarnation = u.incarnation;" }],
  },
  {
    name: "no-suspicion-phase",
    bug: "declares a member dead at the first failed probe, with no suspicion period in which it could refute",
    edits: [{ file: "swim.ts", find: "      if (m.status === \"alive\") setStatus(probe.target, \"suspect\", m.incarnation);", replace: "      if (m.status === \"alive\") setStatus(probe.target, \"dead\", m.incarnation);" }],
  },
  {
    name: "probe-everyone",
    bug: "pings every member every period (all-to-all heartbeats in disguise): messages per member grow with the group",
    edits: [{ file: "swim.ts", find: "      ctx.send(probe.target, { type: \"ping\", seq: probe.seq, updates: piggyback() });", replace: "      for (const p of live()) ctx.send(p, { type: \"ping\", seq: p === probe.target ? probe.seq : ++seq, updates: piggyback() });" }],
  },
  {
    name: "no-dissemination",
    bug: "never piggybacks news: only the member that probed the crashed one ever learns of it",
    edits: [{ file: "swim.ts", find: "  const spread = (u: Update) => gossip.set(u.node, { update: u, sent: 0 });", replace: "  const spread = (u: Update) => void u;" }],
  },
]);
