// The trace page in a real headless browser (Debian's Chromium driven by
// playwright-core): it loads from a file:// URL without touching the network,
// the diagram renders one lane per node and one arrow per message, hovering
// shows details (with the nodes' recorded fields at that point), and a
// screenshot lands in a temporary folder (its path is printed).
//
// Skipped, with the reason printed, where Chromium is not installed (learners'
// machines); CI installs it (.ci/run).

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { gossipTrace } from "./fixtures/gossipTrace.ts";
import { traceToHtml } from "./html.ts";

const CHROMIUM = process.env["FAULTLINE_CHROMIUM"] ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) process.stderr.write(`html.browser.test.ts: skipped — no Chromium at ${CHROMIUM} (install it with \`apt-get install chromium\`, or set FAULTLINE_CHROMIUM)\n`);


describe.skipIf(!hasChromium)(`trace page in headless Chromium${hasChromium ? "" : " (skipped: Chromium not installed)"}`, () => {
  it("renders the diagram: lanes, arrows, lost messages; hover shows details; no network", async () => {
    const { chromium } = await import("playwright-core");
    const trace = gossipTrace({ states: true });
    const out = mkdtempSync(join(tmpdir(), "faultline-trace-page-"));
    const file = join(out, "trace-page.html");
    writeFileSync(file, traceToHtml({ trace, title: "gossip · browser test", status: "fail", failure: { message: "every node sees the highest count\n  n3 stayed behind" } }));

    const profile = mkdtempSync(join(tmpdir(), "faultline-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1400, height: 900 },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(pathToFileURL(file).href);

      expect(await page.locator("#diagram").count()).toBe(1);
      expect(await page.locator("#diagram g.lane").count()).toBe(trace.nodes.length);
      const arrivals = trace.events.filter((e) => e.k === "deliver" || e.k === "drop").length;
      expect(await page.locator("#diagram g.msg").count()).toBe(arrivals);
      expect(await page.locator("#diagram g.msg.lost").count()).toBe(trace.events.filter((e) => e.k === "drop").length);
      expect(await page.locator("#events tbody tr").count()).toBe(trace.events.length);
      // Laid out for real: the SVG has a size and the arrows have geometry.
      const box = await page.locator("#diagram").boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      const arrowBox = await page.locator("#diagram g.msg").first().boundingBox();
      expect(arrowBox!.height).toBeGreaterThan(0);

      // Hover a message's label (it sits on the arrow's midpoint), as a reader would.
      await page.locator("#diagram g.msg text.msg-label").first().hover({ timeout: 10_000 });
      const details = await page.locator("#details").textContent();
      expect(details).toMatch(/#\d+/);
      // The replay recorded node fields: hovering shows them as of that event.
      expect(details).toMatch(/nodes after this event:\nn1 \{"highest":\d+\}  timers: tick/);
      expect(await page.locator("tr.hl").count()).toBe(1);

      await page.screenshot({ path: join(out, "trace-page.png") });
      process.stderr.write(`html.browser.test.ts: screenshot in ${join(out, "trace-page.png")}\n`);
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 60_000);
});
