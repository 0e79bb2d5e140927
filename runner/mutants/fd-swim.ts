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
  {
    // Learner's reading: "ask k members to ping the target" — any k, the target included.
    name: "ping-req-to-target",
    bug: "may ask the unresponsive target itself to probe itself: fewer real helpers, and the request cannot work",
    edits: [{ file: "swim.ts", find: "const helpers = live().filter((p) => p !== target);", replace: "const helpers = live();" }],
  },
  {
    // Learner's reading: "relay its ack" — forwarding the ack as received.
    name: "relay-own-seq",
    bug: "relays the target's ack with the relay's own seq instead of the requester's: the requester cannot match it, so indirect probes never save anyone",
    edits: [{ file: "swim.ts", find: "ctx.send(relay.requester, { type: \"ack\", seq: relay.seq,", replace: "ctx.send(relay.requester, { type: \"ack\", seq: msg.seq," }],
  },
  {
    // Learner's reading of the table: "suspect at i beats ... suspect at j <= i".
    name: "repeated-suspicion-restarts-timer",
    bug: "lets a suspicion override an equal one: every repeat of the same news restarts the suspicion timer, so a gossiped suspect may never be declared dead",
    edits: [{ file: "swim.ts", find: "(u.incarnation === m.incarnation && m.status === \"alive\")", replace: "(u.incarnation === m.incarnation && m.status !== \"dead\")" }],
  },
  {
    // The paper's basic protocol (§3.1) without §4.3's round-robin.
    name: "random-probe-target",
    bug: "picks a fresh random target each period: some member can go unprobed for many rounds",
    edits: [{ file: "swim.ts", find: "  const nextTarget = (): NodeId | null => {\n", replace: "  const nextTarget = (): NodeId | null => {\n    const all = live();\n    if (all.length) return all[Math.floor(ctx.random() * all.length)]!;\n" }],
  },
  {
    // Learner's reading: "piggyback recent updates" — all of them.
    name: "piggyback-everything",
    bug: "piggybacks every pending update on every message: message size grows with the amount of news",
    edits: [{ file: "swim.ts", find: ".sort((a, b) => a.sent - b.sent).slice(0, MAX_PIGGYBACK);", replace: ".sort((a, b) => a.sent - b.sent);" }],
  },
  {
    // Learner's reading: "raise your incarnation" — by one.
    name: "refute-by-one",
    bug: "refutes by adding 1 to its own incarnation rather than going past the suspicion's: a suspicion at a higher incarnation is not overridden",
    edits: [{ file: "swim.ts", find: "        incarnation = u.incarnation + 1;", replace: "        incarnation = incarnation + 1;" }],
  },
]);
