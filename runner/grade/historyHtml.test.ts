// The history picture as HTML: self-contained, a bar per operation in its
// client's lane, the point no order gets past, the prefix with its states;
// on its own page (lincheck --html) and above a replay's trace.
// (html.browser.test.ts loads both in a real browser.)

import { describe, expect, it } from "vitest";
import { linearizablePicture, stalePicture } from "../check/fixtures/histories.ts";
import { gossipTrace } from "./fixtures/gossipTrace.ts";
import { historyPageHtml, historySvg } from "./historyHtml.ts";
import { traceToHtml } from "./html.ts";

describe("history picture page", () => {
  const pic = stalePicture();
  const page = historyPageHtml({ title: "lincheck <test>", pictures: [pic, linearizablePicture()], notes: ["a.log: not-linearizable"] });

  it("is one self-contained document: no external scripts, styles, images or fonts", () => {
    expect(page.startsWith("<!doctype html>")).toBe(true);
    expect(page).not.toMatch(/<link\b|<img\b|<iframe\b|@import|url\(\s*['"]?(https?:)?\/\//i);
    expect(page).not.toMatch(/\bsrc\s*=/i);
    expect(new Set(page.match(/https?:\/\/[^\s"'<>]+/g) ?? [])).toEqual(new Set(["http://www.w3.org/2000/svg"]));
  });

  it("draws a bar per operation in its client's lane, numbered in the order the prefix places them", () => {
    const d = historySvg(pic);
    expect(d.bars).toBe(pic.ops.length);
    expect(d.svg.match(/<g class="op /g)).toHaveLength(pic.ops.length);
    expect(d.svg.match(/<g class="lane"/g)).toHaveLength(6); // c4's operations overlap: two rows
    expect(d.svg.match(/<g class="op linearized/g)).toHaveLength(4);
    expect(d.svg).toMatch(/<g class="op unplaceable stuck" data-id="5" data-order=""/);
    expect(d.svg).toMatch(/<g class="op linearized open" data-id="3" data-order="4"/);
    expect(d.svg.match(/<g class="op unreached/g)).toHaveLength(2);
  });

  it("draws the point no order gets past, and none for a linearizable history", () => {
    expect(historySvg(pic).svg).toContain('<g class="frontier">');
    expect(historySvg(linearizablePicture()).svg).not.toContain('<g class="frontier">');
  });

  it("lists the longest prefix with the state after each step, and what cannot be placed", () => {
    expect(page).toMatch(/The longest linearizable prefix<\/h3>|The longest linearizable prefix \(from null\)/);
    expect(page).toContain('<td class="mono">put(&quot;x&quot;, &quot;b&quot;)</td><td>&quot;b&quot;</td>');
    expect(page).toMatch(/<h3>Cannot be placed<\/h3><table class="stuck-ops">.*data-id="5"/s);
    expect(page).toContain("An order that works");
  });

  it("escapes text from the history", () => {
    expect(page).toContain("lincheck &lt;test&gt;");
    expect(page).toContain('data-client="&lt;c5&gt;"');
    expect(page).not.toContain("<c5>");
  });

  it("sits above the trace on a replay's page when the failure carries it", () => {
    const trace = gossipTrace();
    const html = traceToHtml({ trace, title: "raft-kv", status: "fail", histories: [pic] });
    expect(html.indexOf('<section class="history-section"')).toBeGreaterThan(0);
    expect(html.indexOf('<section class="history-section"')).toBeLessThan(html.indexOf('id="diagram"'));
    expect(traceToHtml({ trace, title: "t" })).not.toContain("history-section");
  });
});
