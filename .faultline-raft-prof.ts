import * as impl from "./solutions/raft-election/raft.ts";
import { Simulation, Cluster } from "./runner/sim/index.ts";
import * as C from "./runner/suites/support/raftClassic.ts";
import * as R from "./runner/suites/support/raftRules.ts";
import fc from "fast-check";
const scen: [string, any, any][] = [];
const ex: any = { impl, scripted: (n: string, o: any, b: any) => scen.push([n, b, null]), generative: (n: string, o: any, b: any) => scen.push([n, b, o.schedule]) };
const which = process.argv[2] ?? "all";
for (const [k, f] of Object.entries({ ...C, ...R })) if (typeof f === "function" && (which === "all" || k.toLowerCase().includes(which))) (f as any)(ex);
const seeds = Number(process.argv[3] ?? 3);
for (const [n, b, arb] of scen.filter((x) => !process.env.ONLY || x[0].startsWith(process.env.ONLY))) {
  const c0 = process.cpuUsage(); let events = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const sims: Simulation[] = [];
    const lab = { seed, simulation: (o: any) => { const s = new Simulation({ ...o, seed }); sims.push(s); return s; }, cluster: (o: any) => { const c = new Cluster({ ...o, seed }); sims.push(c); return c; } };
    const sched = arb ? fc.sample(arb, { seed, numRuns: 1 })[0] : null;
    try { b(lab, sched); } catch (e) { console.log("FAIL", n, seed, (e as Error).message.slice(0, 300)); }
    events += sims.reduce((a, s) => a + s.events, 0);
  }
  console.log(`${Math.round((process.cpuUsage(c0).user) / 1000).toString().padStart(6)} ms ${String(events).padStart(8)} ev  ${n.slice(0, 70)}`);
}
