// Every cell of every lesson runs and exits 0, as `faultline run <lesson>`
// would run it. A lesson whose demonstration is broken is a broken lesson.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { loadCourse } from "../course/course.ts";
import { extractCells, runCell } from "./cells.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const course = loadCourse(ROOT);

test.each(course.lessons.map((l) => [l.id, l.file]))(
  "every cell of %s runs and exits 0",
  async (id, file) => {
    const cells = extractCells(readFileSync(join(ROOT, file), "utf8"));
    for (const cell of cells) {
      const r = await runCell(ROOT, `test-${id}`, cell, { columns: 80 });
      expect(r.ok, `cell ${cell.index} of ${id} failed:\n${r.output}`).toBe(true);
      expect(r.output.length, `cell ${cell.index} of ${id} printed nothing`).toBeGreaterThan(0);
    }
  },
  300_000,
);
