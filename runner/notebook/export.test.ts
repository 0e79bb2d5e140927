// The course as a static site: an index linking every lesson, pages that are
// self-contained, cells with their outputs, quizzes that reveal their answers.

import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCourse, type Course } from "../course/course.ts";
import { tempStateDir } from "../testState.ts";
import type { CellResult } from "./cells.ts";
import { exportCourse, lessonFile, renderLessonPage, renderQuizzes } from "./export.ts";

const ROOT = join(import.meta.dirname, "..", "..");
// The site, and the notebook (kept outputs, edits) in a temporary state directory, never the learner's.
const dir = tempStateDir("export");

const tiny: Course = {
  version: 1,
  title: "tiny course",
  lessons: [
    { id: "00-a", title: "First", file: "a.md", exercises: [] },
    { id: "01-b", title: "Second", file: "b.md", exercises: [] },
  ],
  exercises: [],
};

const source = `# First

Some *prose* and a [link to the next lesson](./01-b.md#top).

\`\`\`ts cell
console.log("hello <world>");
\`\`\`

::: quiz
Which?

- [ ] Wrong one
  > Because no.
- [x] Right one
  > Right. Because yes.
:::
`;

describe("course export", () => {
  it("renders a lesson: highlighted cell code with its output, lesson links rewritten, quizzes as details", () => {
    const out: CellResult = { index: 1, ok: true, output: "hello <world>\n\u001b[31mred\u001b[0m", exitCode: 0, timedOut: false, durationMs: 12 };
    const html = renderLessonPage(tiny, tiny.lessons[0]!, source, new Map([[1, out]]));
    expect(html).toContain('<pre class="output">hello &lt;world&gt;\nred</pre>');
    expect(html).toMatch(/<span class="hljs-string">&quot;hello &lt;world&gt;&quot;<\/span>/);
    expect(html).toContain('href="01-b.html#top"');
    expect(html).toContain('rel="next"');
    expect(html.match(/<details>/g)).toHaveLength(2);
    expect(html).toContain('<div class="right">✓ Right. Because yes.</div>');
    expect(html).toContain('<div class="wrong">✗ Not quite. Because no.</div>');
    expect(html).not.toMatch(/<link\b|<script\b[^>]*src=|https?:\/\//);
  });

  it("leaves quiz-looking text outside quizzes alone", () => {
    expect(renderQuizzes("<ul><li>[x] done</li></ul>")).toBe("<ul><li>[x] done</li></ul>");
  });

  it("shows the learner's edited cells, marked, with the output of their code", () => {
    const out = { index: 1, ok: true, output: "mine", exitCode: 0, timedOut: false, durationMs: 1000, ranAt: "2026-12-06T14:02:00.000Z", edited: true };
    const html = renderLessonPage(tiny, tiny.lessons[0]!, source, new Map([[1, out]]), true, new Map([[1, 'console.log("mine");\n']]));
    expect(html).toContain("cell 1 · edited · ran in 1.0 s on 6 Dec 2026, 14:02 UTC");
    expect(html).toMatch(/&quot;mine&quot;/);
    expect(html).not.toContain("hello &lt;world&gt;&quot;");
  });

  it("writes index.html linking every lesson of the real course, and runs a lesson's cells", async () => {
    const course = loadCourse(ROOT);
    const r = await exportCourse(ROOT, course, dir, { only: ["00-the-lab"] });
    expect(r.failedCells).toEqual([]);
    expect(r.cells).toBeGreaterThan(0);
    const partial = readFileSync(join(dir, "index.html"), "utf8");
    expect(partial).toContain(`href="${lessonFile("00-the-lab")}"`);
    expect(partial).toContain("(not exported)");
    const lab = readFileSync(join(dir, lessonFile("00-the-lab")), "utf8");
    expect(lab.match(/<figure class="cell"/g)?.length).toBe(r.cells);
    expect(lab.match(/<pre class="output">/g)?.length).toBe(r.cells);
    // Without running, every page is written: the outputs kept from the run above, marked with when they ran; a note elsewhere.
    await exportCourse(ROOT, course, dir, { run: false });
    const kept = readFileSync(join(dir, lessonFile("00-the-lab")), "utf8");
    expect(kept.match(/<pre class="output">/g)?.length).toBe(r.cells);
    expect(kept).toMatch(/cell 1 · ran in \d+\.\d s on \d+ [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC/);
    expect(readFileSync(join(dir, lessonFile("01-two-generals")), "utf8")).toContain("run it: npx faultline run");
    const index = readFileSync(join(dir, "index.html"), "utf8");
    for (const l of course.lessons) {
      expect(index).toContain(`href="${lessonFile(l.id)}"`);
      expect(existsSync(join(dir, lessonFile(l.id)))).toBe(true);
    }
  }, 120_000);
});
