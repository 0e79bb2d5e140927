// The trace page in a real headless browser (Debian's Chromium driven by
// playwright-core): it loads from a file:// URL without touching the network,
// the diagram renders one lane per node and one arrow per message, hovering
// shows details (with the nodes' recorded fields at that point), and a
// screenshot lands in .faultline/trace-page.png. Likewise the picture of a
// history that is not linearizable (.faultline/history-page.png).
//
// Skipped, with the reason printed, where Chromium is not installed (learners'
// machines); CI installs it (.ci/run).

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { stalePicture } from "../check/fixtures/histories.ts";
import { linearizableKvHistory, staleRead } from "../check/syntheticHistory.ts";
import { historyPicture } from "../check/historyPicture.ts";
import { checkLinearizability } from "../check/linearizability.ts";
import { keyValueModel } from "../check/models.ts";
import { gossipTrace } from "./fixtures/gossipTrace.ts";
import { historyPageHtml } from "./historyHtml.ts";
import { traceToHtml } from "./html.ts";

const CHROMIUM = process.env["FAULTLINE_CHROMIUM"] ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) process.stderr.write(`html.browser.test.ts: skipped — no Chromium at ${CHROMIUM} (install it with \`apt-get install chromium\`, or set FAULTLINE_CHROMIUM)\n`);

const ROOT = join(import.meta.dirname, "..", "..");

/** Opens a page in headless Chromium, with the requests it makes and the errors it throws. */
async function withPage<T>(file: string, viewport: { width: number; height: number }, body: (page: import("playwright-core").Page, seen: { requests: string[]; errors: string[] }) => Promise<T>): Promise<T> {
  const { chromium } = await import("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "faultline-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const seen = { requests: [] as string[], errors: [] as string[] };
    page.on("request", (r) => seen.requests.push(r.url()));
    page.on("pageerror", (e) => seen.errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    return await body(page, seen);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

describe.skipIf(!hasChromium)(`history picture in headless Chromium${hasChromium ? "" : " (skipped: Chromium not installed)"}`, () => {
  it("draws lanes and bars, opens at the point no order gets past, hover shows an operation and its table row; no network", async () => {
    const out = join(ROOT, ".faultline");
    mkdirSync(out, { recursive: true });
    const file = join(out, "history-page.html");
    // A c50-shaped failure: far wider than the window, so the page must scroll to the failure.
    const model = keyValueModel("");
    const r = checkLinearizability(model, staleRead(linearizableKvHistory(3), 3));
    const big = historyPicture(model, r.failed!, "generated c50 · stale read");
    const small = stalePicture();
    writeFileSync(file, historyPageHtml({ title: "lincheck · browser test", pictures: [big, small] }));
    await withPage(file, { width: 1200, height: 900 }, async (page, seen) => {
      expect(await page.locator("svg.history").count()).toBe(2);
      expect(await page.locator("#history-0 g.op").count()).toBe(big.ops.length);
      expect(await page.locator("#history-1 g.op.unplaceable.stuck").count()).toBe(1);
      const box = page.locator("#picture-0 .diagram");
      const scrolled = await box.evaluate((el) => el.scrollLeft);
      const frontierX = Number(await page.locator("#history-0").getAttribute("data-frontier-x"));
      expect(scrolled).toBeGreaterThan(0);
      const width = await box.evaluate((el) => el.clientWidth);
      expect(frontierX).toBeGreaterThan(scrolled);
      expect(frontierX).toBeLessThan(scrolled + width);

      const stuck = page.locator("#history-1 g.op.stuck");
      await stuck.scrollIntoViewIfNeeded();
      await stuck.hover({ timeout: 10_000 });
      expect(await page.locator("#history-details").textContent()).toMatch(/#5 c3: get\("x"\) -> "a"\ncalled at 32, returned at 40\nthe longest prefix stops here/);
      expect(await page.locator('#picture-1 tr.hl[data-id="5"]').count()).toBe(1);
      await page.screenshot({ path: join(out, "history-page.png") });
      expect(seen.errors).toEqual([]);
      expect(seen.requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
    });
  }, 60_000);
});

describe.skipIf(!hasChromium)(`trace page in headless Chromium${hasChromium ? "" : " (skipped: Chromium not installed)"}`, () => {
  it("renders the diagram: lanes, arrows, lost messages; hover shows details; no network", async () => {
    const trace = gossipTrace({ states: true });
    const out = join(ROOT, ".faultline");
    mkdirSync(out, { recursive: true });
    const file = join(out, "trace-page.html");
    writeFileSync(file, traceToHtml({ trace, title: "gossip · browser test", status: "fail", failure: { message: "every node sees the highest count\n  n3 stayed behind" } }));

    await withPage(file, { width: 1400, height: 900 }, async (page, seen) => {
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
      expect(seen.errors).toEqual([]);
      expect(seen.requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:"))).toEqual([]);
    });
  }, 60_000);
});
