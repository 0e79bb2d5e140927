// `npm install` (npm 11 and later blocks dependencies' install scripts unless
// package.json's allowScripts says otherwise) runs without a warning: every
// dependency that has an install script has a recorded decision.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";

const ROOT = join(import.meta.dirname, "..");

test("every dependency with an install script is decided in allowScripts (no warning on npm install)", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { allowScripts?: Record<string, boolean> };
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { hasInstallScript?: boolean; version?: string }> };
  const scripted = Object.entries(lock.packages)
    .filter(([path, p]) => path && p.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length));
  expect(scripted.length).toBeGreaterThan(0);
  const decided = Object.keys(pkg.allowScripts ?? {}).map((k) => k.replace(/(.)@.*$/, "$1"));
  for (const name of scripted) expect(decided, `${name} has an install script: record a decision with \`npm install-scripts approve|deny ${name}\``).toContain(name);
});
