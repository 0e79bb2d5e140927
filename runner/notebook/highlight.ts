// Syntax highlighting for code blocks and cells with highlight.js: the most
// widely used highlighter, pure JavaScript, synchronous, and its core can be
// loaded with just the grammars lessons use (TypeScript, JavaScript, JSON,
// shell), which keeps start-up small. Its HTML output is turned into tokens
// (text + scope) that the layout colours, so the TUI and a colour terminal
// in plain mode draw the same thing.

import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import typescript from "highlight.js/lib/languages/typescript";

hljs.registerLanguage("typescript", typescript);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("json", json);
hljs.registerLanguage("bash", bash);
hljs.registerAliases(["ts", "tsx"], { languageName: "typescript" });
hljs.registerAliases(["js", "mjs", "jsx"], { languageName: "javascript" });
hljs.registerAliases(["sh", "shell", "console", "zsh"], { languageName: "bash" });

export interface CodeToken {
  text: string;
  /** The highlight.js scope, e.g. "keyword", "string", "title.function"; null for plain text. */
  scope: string | null;
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (m) => ENTITIES[m] ?? m);
}

const cache = new Map<string, CodeToken[][]>();

/** Highlights `code` as `lang` (unknown languages come back as plain text), one token list per line. Cached: the reader lays out again on every key. */
export function highlightLines(code: string, lang: string): CodeToken[][] {
  const key = `${lang}\u0000${code}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = highlightUncached(code, lang);
    if (cache.size > 500) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}

function highlightUncached(code: string, lang: string): CodeToken[][] {
  const source = code.replace(/\n$/, "");
  const known = lang && hljs.getLanguage(lang);
  if (!known) return source.split("\n").map((l) => (l ? [{ text: l, scope: null }] : []));
  const html = hljs.highlight(source, { language: lang, ignoreIllegals: true }).value;
  const lines: CodeToken[][] = [[]];
  const scopes: (string | null)[] = [];
  const re = /<span class="([^"]*)">|<\/span>|([^<]+)/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[1] !== undefined) scopes.push(m[1].split(" ")[0]!.replace(/^hljs-/, "").replace(/_+$/, ""));
    else if (m[0] === "</span>") scopes.pop();
    else {
      const scope = scopes.at(-1) ?? null;
      const parts = decode(m[2]!).split("\n");
      parts.forEach((p, i) => {
        if (i > 0) lines.push([]);
        if (p) lines.at(-1)!.push({ text: p, scope });
      });
    }
  }
  return lines;
}

/** Terminal colour for a scope (named colours every terminal has). */
export function scopeColor(scope: string | null): string | undefined {
  if (!scope) return undefined;
  const base = scope.split(".")[0]!;
  if (scope === "title.function" || scope === "title.function.invoke") return "blue";
  if (scope.startsWith("title.class") || base === "type") return "yellow";
  switch (base) {
    case "keyword":
    case "meta":
      return "magenta";
    case "built_in":
    case "literal":
      return "cyan";
    case "string":
    case "regexp":
      return "green";
    case "number":
      return "yellow";
    case "comment":
      return "gray";
    case "attr":
    case "property":
    case "variable":
      return "cyan";
    default:
      return undefined;
  }
}
