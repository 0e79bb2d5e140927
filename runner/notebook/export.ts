// `faultline export --html DIR`: the course as a static site — index.html and
// one page per lesson, with every runnable cell's code (highlighted) and its
// output (text, tables, charts, space-time diagrams) below it, and quizzes
// whose answers open on click. Self-contained pages (inline CSS and a few
// lines of script, nothing fetched), for projecting in a room or reading
// offline. Cells run exactly as `faultline run` runs them: the learner's
// notebook (notebook.ts), edited cells marked, each output kept for the
// reader; with --no-run a page shows the outputs kept from earlier runs.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import hljs from "highlight.js/lib/core";
import MarkdownIt from "markdown-it";
import container from "markdown-it-container";
import type { Course, Lesson } from "../course/course.ts";
import { esc, pageHead } from "../grade/html.ts";
import { extractCells, isCellInfo, type CellResult } from "./cells.ts";
import { openNotebook, runNotebookCell } from "./notebook.ts";
import "./highlight.ts"; // registers the grammars lessons use with highlight.js

export interface ExportOptions {
  /** Run the cells and include their output (default true); otherwise each cell shows its kept output, if any. */
  run?: boolean;
  /** Only these lesson ids (default: all). The index lists every lesson and links those exported. */
  only?: readonly string[];
  /** Called as each lesson is written. */
  onLesson?: (lesson: Lesson, cells: CellResult[]) => void;
  /** Called as each cell starts and ends running (for progress): `total` counts every cell to run. */
  onCell?: (e: { phase: "start" | "end"; lesson: string; index: number; total: number }) => void;
}

/** A cell's output on the page: a result, with when it ran and whether it ran the learner's edit. */
export type PageOutput = CellResult & { ranAt?: string; edited?: boolean };

export interface ExportResult {
  files: string[];
  cells: number;
  failedCells: { lesson: string; index: number }[];
}

export function lessonFile(id: string): string {
  return `${id}.html`;
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, "");
}

function highlight(code: string, lang: string): string {
  const language = hljs.getLanguage(lang) ? lang : null;
  return language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : esc(code);
}

/** "6 Dec 2026, 14:02" (UTC: a page reads the same wherever it was built). */
function ranAtText(iso: string): string {
  const d = new Date(iso);
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")} UTC`;
}

/** A markdown-it set up for lesson pages; `outputs` are the cells' results by index, `code` the learner's edits by index. */
function lessonRenderer(outputs: ReadonlyMap<number, PageOutput>, runCells: boolean, code: ReadonlyMap<number, string>): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
  md.use(container as unknown as Parameters<MarkdownIt["use"]>[0], "quiz", {
    render: (tokens: { nesting: number }[], i: number) => (tokens[i]!.nesting === 1 ? '<div class="quiz">\n' : "</div>\n"),
  });
  let cell = 0;
  md.renderer.rules.fence = (tokens, i) => {
    const t = tokens[i]!;
    const lang = t.info.trim().split(/\s+/)[0] ?? "";
    const cellIndex = isCellInfo(t.info) ? ++cell : 0;
    const edited = code.get(cellIndex);
    const html = `<pre class="code"><code class="hljs language-${esc(lang)}">${highlight(edited ?? t.content, lang === "ts" ? "typescript" : lang)}</code></pre>`;
    if (!cellIndex) return html + "\n";
    const r = outputs.get(cell);
    const when = r?.ranAt ? ` on ${ranAtText(r.ranAt)}` : "";
    const label = `<div class="cell-label">cell ${cell}${edited !== undefined ? " · edited" : ""}${r ? ` · ${r.ok ? "ran" : r.timedOut ? "timed out" : "failed"} in ${(r.durationMs / 1000).toFixed(1)} s${when}` : ""}</div>`;
    const output = r ? `<pre class="output${r.ok ? "" : " failed"}">${esc(stripAnsi(r.output)) || "<i>(no output)</i>"}</pre>` : runCells ? "" : `<pre class="output not-run">run it: npx faultline run &lt;lesson&gt; --cell ${cell}</pre>`;
    return `<figure class="cell" id="cell-${cell}">${label}${html}${output}</figure>\n`;
  };
  // Links between lessons point at their pages.
  const linkOpen = md.renderer.rules.link_open ?? ((tokens, i, opts, _env, self) => self.renderToken(tokens, i, opts));
  md.renderer.rules.link_open = (tokens, i, opts, env, self) => {
    const href = tokens[i]!.attrGet("href");
    const m = href ? /^(?:\.\/|\.\.\/lessons\/|lessons\/)?(\d\d-[a-z0-9-]+)\.md(#.*)?$/.exec(href) : null;
    if (m) tokens[i]!.attrSet("href", `${lessonFile(m[1]!)}${m[2] ?? ""}`);
    return linkOpen(tokens, i, opts, env, self);
  };
  return md;
}

/**
 * Quizzes are written as task lists ("- [x] right", "- [ ] wrong") each with a
 * "> why" quote: on the page each choice becomes a <details> that reveals
 * whether it is right and why.
 */
export function renderQuizzes(html: string): string {
  return html.replace(/<div class="quiz">([\s\S]*?)<\/div>/g, (_all, inner: string) => {
    const body = inner.replace(/<li>(?:<p>)?\[( |x|X)\] ([\s\S]*?)<\/li>/g, (_li, mark: string, rest: string) => {
      const right = mark !== " ";
      const quote = /<blockquote>([\s\S]*?)<\/blockquote>/.exec(rest);
      const text = rest.replace(/<blockquote>[\s\S]*?<\/blockquote>/, "").replace(/<\/?p>/g, "").trim();
      const why = quote ? quote[1]!.replace(/<\/?p>/g, "").trim() : "";
      // Explanations often open with their own verdict ("Right. …"); don't say it twice.
      const verdict = /^(right|correct|yes|wrong|no|not quite)\b/i.test(why) ? (right ? "✓" : "✗") : right ? "✓ Right." : "✗ Not quite.";
      return `<li class="choice"><details><summary>${text}</summary><div class="${right ? "right" : "wrong"}">${verdict} ${why}</div></details></li>`;
    });
    return `<div class="quiz"><div class="quiz-label">Quiz</div>${body}</div>`;
  });
}

const CSS = `
:root { font-family: Georgia, "Iowan Old Style", serif; color: #1d1d1d; background: #fff; }
body { margin: 0; }
nav { font-family: system-ui, sans-serif; font-size: 14px; padding: 10px 24px; border-bottom: 1px solid #ddd; background: #fafafa; display: flex; gap: 18px; }
nav a { color: #0b57d0; text-decoration: none; }
article { max-width: 860px; margin: 0 auto; padding: 12px 24px 60px; line-height: 1.55; font-size: 18px; }
h1, h2, h3 { font-family: system-ui, sans-serif; line-height: 1.25; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.86em; background: #f3f3f3; padding: 0 3px; border-radius: 3px; }
pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13.5px; line-height: 1.35; overflow-x: auto; padding: 10px 12px; border-radius: 6px; }
pre code { background: none; padding: 0; font-size: inherit; }
pre.code { background: #f6f8fa; border: 1px solid #e3e6ea; }
pre.output { background: #101418; color: #e8e8e8; margin-top: -6px; }
pre.output.failed { border-left: 4px solid #e53935; }
pre.output.not-run { background: #f3f3f3; color: #666; }
figure.cell { margin: 18px 0; }
.cell-label, .quiz-label { font-family: system-ui, sans-serif; font-size: 12px; color: #666; margin-bottom: 4px; text-transform: uppercase; letter-spacing: 0.04em; }
.quiz { border: 1px solid #c5d5f5; background: #f5f8ff; padding: 8px 18px; border-radius: 8px; margin: 18px 0; }
.quiz ul { list-style: none; padding-left: 0; }
.quiz summary { cursor: pointer; }
.quiz .right { color: #1b7f3b; margin: 4px 0 8px 18px; } .quiz .wrong { color: #a12b2b; margin: 4px 0 8px 18px; }
table { border-collapse: collapse; } th, td { border: 1px solid #ddd; padding: 4px 8px; }
blockquote { border-left: 4px solid #ddd; margin-left: 0; padding-left: 14px; color: #444; }
.exercises { font-family: system-ui, sans-serif; font-size: 15px; border-top: 1px solid #ddd; margin-top: 32px; padding-top: 8px; }
ol.lessons { font-family: system-ui, sans-serif; font-size: 17px; line-height: 1.8; }
ol.lessons .ex { color: #666; font-size: 14px; }
.hljs-keyword, .hljs-built_in { color: #a626a4; } .hljs-string { color: #50a14f; } .hljs-number, .hljs-literal { color: #986801; }
.hljs-comment { color: #8a8f98; font-style: italic; } .hljs-title, .hljs-title\\.function_ { color: #4078f2; } .hljs-type, .hljs-title\\.class_ { color: #c18401; }
.hljs-attr, .hljs-property { color: #e45649; } .hljs-params { color: #383a42; }
@media print { nav { display: none; } pre.output { color: #000; background: #f3f3f3; } }
`;

function page(title: string, nav: string, body: string): string {
  return `${pageHead(title, CSS)}
<body>
<nav>${nav}</nav>
<article>
${body}
</article>
</body>
</html>
`;
}

/** The lesson page. `outputs` holds the cells' results by index (empty when not run); `code`, the learner's edited cells by index. */
export function renderLessonPage(course: Course, lesson: Lesson, source: string, outputs: ReadonlyMap<number, PageOutput>, runCells = true, code: ReadonlyMap<number, string> = new Map()): string {
  const i = course.lessons.findIndex((l) => l.id === lesson.id);
  const prev = course.lessons[i - 1];
  const next = course.lessons[i + 1];
  const nav = [`<a href="index.html">${esc(course.title.split(" — ")[0] ?? course.title)} · contents</a>`, prev ? `<a href="${lessonFile(prev.id)}" rel="prev">← ${esc(prev.title)}</a>` : "", next ? `<a href="${lessonFile(next.id)}" rel="next">${esc(next.title)} →</a>` : ""].filter(Boolean).join("");
  const html = renderQuizzes(lessonRenderer(outputs, runCells, code).render(source));
  const exercises = lesson.exercises
    .map((id) => course.exercises.find((e) => e.id === id))
    .filter((e) => e !== undefined)
    .map((e) => `<li><b>${esc(e.title)}</b> — ${esc(e.summary)}<br><code>npx faultline watch ${esc(e.id)}</code></li>`)
    .join("");
  const ex = exercises ? `<section class="exercises"><h2>Exercise${lesson.exercises.length > 1 ? "s" : ""}</h2><ul>${exercises}</ul></section>` : "";
  return page(`${lesson.title} — ${course.title}`, nav, html + ex);
}

/** The contents page; lessons not in `exported` (when given) are listed without a link. */
export function renderIndexPage(course: Course, exported?: ReadonlySet<string>): string {
  const items = course.lessons
    .map((l) => {
      const ex = l.exercises.length ? ` <span class="ex">· exercises: ${l.exercises.map(esc).join(", ")}</span>` : "";
      const title = !exported || exported.has(l.id) ? `<a href="${lessonFile(l.id)}">${esc(l.title)}</a>` : `${esc(l.title)} <span class="ex">(not exported)</span>`;
      return `<li>${title}${ex}</li>`;
    })
    .join("\n");
  const body = `<h1>${esc(course.title)}</h1>
<p>Each lesson tells a short story, states an idea, demonstrates it in the lab (the cells below were run when this site was built), and ends with an exercise you solve in <code>exercises/</code> and grade with <code>npx faultline watch &lt;id&gt;</code>.</p>
<ol class="lessons" start="0">
${items}
</ol>`;
  return page(course.title, `<a href="index.html">contents</a>`, body);
}

/** Writes index.html and one page per lesson into `outDir`. */
export async function exportCourse(root: string, course: Course, outDir: string, opts: ExportOptions = {}): Promise<ExportResult> {
  mkdirSync(outDir, { recursive: true });
  const run = opts.run ?? true;
  const files: string[] = [];
  const failedCells: ExportResult["failedCells"] = [];
  let count = 0;
  const lessons = course.lessons.filter((l) => !opts.only || opts.only.includes(l.id));
  // The learner's notebook: their edited cells, and the outputs kept from earlier runs.
  const notebooks = new Map(lessons.map((l) => [l.id, openNotebook(root, l.id, extractCells(readFileSync(join(root, l.file), "utf8")))]));
  const total = run ? [...notebooks.values()].reduce((n, nb) => n + nb.cells.length, 0) : 0;
  for (const lesson of lessons) {
    const source = readFileSync(join(root, lesson.file), "utf8");
    const nb = notebooks.get(lesson.id)!;
    const outputs = new Map<number, PageOutput>();
    for (const cell of nb.cells) {
      if (run) {
        opts.onCell?.({ phase: "start", lesson: lesson.id, index: cell.index, total });
        const r = await runNotebookCell(root, lesson.id, cell, { columns: 100 });
        outputs.set(cell.index, { ...r, ranAt: r.kept.ranAt, edited: r.kept.edited });
        opts.onCell?.({ phase: "end", lesson: lesson.id, index: cell.index, total });
        count++;
        if (!r.ok) failedCells.push({ lesson: lesson.id, index: cell.index });
      } else {
        const kept = nb.outputs.get(cell.index);
        if (kept) outputs.set(cell.index, { index: cell.index, ok: kept.ok, output: kept.output, exitCode: kept.exitCode, timedOut: kept.timedOut, durationMs: kept.durationMs, ranAt: kept.ranAt, edited: kept.edited });
      }
    }
    const edited = new Map(nb.cells.filter((c) => c.edit).map((c) => [c.index, c.code]));
    const file = join(outDir, lessonFile(lesson.id));
    writeFileSync(file, renderLessonPage(course, lesson, source, outputs, run, edited));
    files.push(file);
    opts.onLesson?.(lesson, [...outputs.values()]);
  }
  const index = join(outDir, "index.html");
  writeFileSync(index, renderIndexPage(course, opts.only ? new Set(course.lessons.filter((l) => opts.only!.includes(l.id)).map((l) => l.id)) : undefined));
  files.unshift(index);
  return { files, cells: count, failedCells };
}
