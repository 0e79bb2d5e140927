// The trace page as a string: self-contained, and drawing what the trace holds.
// (html.browser.test.ts loads it in a real browser.)

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gossipTrace } from "./fixtures/gossipTrace.ts";
import { traceSvg, traceToHtml } from "./html.ts";

describe("trace page", () => {
  const trace = gossipTrace();
  const html = traceToHtml({ trace, title: "gossip <demo>", status: "fail", failure: { message: "every node sees the highest count\n  n3 stayed at 2", replay: "npx faultline replay x --seed 7" } });

  it("is one self-contained document: no external scripts, styles, images or fonts", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|@import|url\(\s*['"]?(https?:)?\/\//i);
    expect(html).not.toMatch(/\bsrc\s*=/i);
    // The only URL is the SVG namespace identifier, which is never fetched.
    const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(["http://www.w3.org/2000/svg"]));
  });

  it("draws a lane per node and an arrow per delivery or loss", () => {
    const d = traceSvg(trace.events, trace.nodes);
    expect(d.nodes).toEqual(["n1", "n2", "n3"]);
    const arrivals = trace.events.filter((e) => e.k === "deliver" || e.k === "drop").length;
    expect(d.messages).toBe(arrivals);
    expect(d.svg.match(/<g class="lane"/g)).toHaveLength(3);
    expect(d.svg.match(/<g class="msg[ "]/g)).toHaveLength(arrivals);
    expect(d.svg.match(/<g class="msg lost/g)).toHaveLength(trace.events.filter((e) => e.k === "drop").length);
    expect(d.svg).toMatch(/class="msg[^"]*\bdup\b/);
    expect(d.svg).toMatch(/class="shade partition"/);
    expect(d.svg).toMatch(/class="shade crash" data-node="n3"/);
    expect(d.svg).toMatch(/class="shade pause" data-node="n2"/);
    expect(d.types).toEqual(expect.arrayContaining(["gossip", "ack"]));
  });

  it("escapes text from the run", () => {
    expect(html).toContain("gossip &lt;demo&gt;");
    expect(html).not.toContain("gossip <demo>");
    expect(html).toContain('id="failure"');
  });

  it("marks the row where the property broke", () => {
    const page = traceToHtml({ trace: { ...trace, violationAt: 250 }, title: "t" });
    const row = trace.events.reduce((last, e, i) => (e.t <= 250 ? i : last), -1);
    expect(page).toContain(`<g class="violation" data-row="${row}">`);
    expect(page).toMatch(new RegExp(`<tr id="row-${row}" data-row="${row}" class="k-\\w+ violation"`));
    expect(html).not.toContain('<g class="violation"');
  });

  it("marks the event the checker named (before its time), and opens on it", () => {
    const row = trace.events.findIndex((e) => e.k === "output" && e.t > 150);
    const page = traceToHtml({ trace: { ...trace, violationAt: 390, violationEvent: trace.total - trace.events.length + row }, title: "t" });
    expect(page).toContain(`<g class="violation" data-row="${row}">`);
    expect(page).toMatch(new RegExp(`<tr id="row-${row}" data-row="${row}" class="k-output violation"`));
    expect(page).toContain('document.querySelector("tr.violation")');
  });

  it("keeps the last events of a long run and says so", () => {
    const short = traceToHtml({ trace, title: "t", maxEvents: 50 });
    expect(short).toContain(`last 50 of ${trace.total} events`);
    expect(short.match(/<tr id="row-/g)).toHaveLength(50);
  });

  it("faultline replay --html writes the page for a replayed run", () => {
    const root = join(import.meta.dirname, "..", "..");
    const dir = mkdtempSync(join(tmpdir(), "faultline-html-"));
    try {
      const file = join(dir, "t.html");
      const r = spawnSync(process.execPath, [join(root, "bin", "faultline.js"), "replay", "echo", "--seed", "1", "--target", "solutions", "--html", file], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FAULTLINE_NO_PROGRESS: "1" }, timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`HTML trace written to ${file}`);
      const page = readFileSync(file, "utf8");
      expect(page).toMatch(/<svg [^>]*id="diagram"/);
      expect(page.match(/<g class="lane"/g)).toHaveLength(2);
      expect(page.match(/<g class="msg[ "]/g)!.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
