// Bundles src/workbench.js with its npm dependencies into server/napkg_server/web/static/workbench/ (one minified
// script, the stylesheet, and LICENSES.txt with the licence of every package the bundle holds). Run from this
// folder: npm ci && npm run build. The output is committed, so serving needs no npm.
import { createHash } from "node:crypto";
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "..", "server", "napkg_server", "web", "static", "workbench");
mkdirSync(out, { recursive: true });

// The bundle names the sources it was built from (tests/server/web/test_workbench.py recomputes this), so a
// committed bundle that lags behind its sources fails a test instead of going unnoticed.
const SOURCES = ["package-lock.json", "build.mjs", "src/syntax.js", "src/workbench.css", "src/workbench.js"];
const digest = createHash("sha256");
for (const name of SOURCES) digest.update(`${name}\0`).update(readFileSync(join(here, name))).update("\0");
const stamp = `napkg-workbench sources sha256:${digest.digest("hex")}`;

const result = await build({
  entryPoints: [join(here, "src", "workbench.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none", // the licences go to LICENSES.txt whole
  banner: { js: `/* ${stamp}; licences: LICENSES.txt */` },
  metafile: true,
  outfile: join(out, "workbench.js"),
  logLevel: "warning",
});
copyFileSync(join(here, "src", "workbench.css"), join(out, "workbench.css"));

// Every package whose code is in the bundle, with its licence text.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]);
}
const parts = [
  "Licences of the code bundled in workbench.js (built by tools/workbench/build.mjs from the npm registry;",
  "versions pinned in tools/workbench/package-lock.json).",
  "",
  "nap-kg's own workbench code (tools/workbench/src): the licence of this repository.",
];
for (const name of [...packages].sort()) {
  const dir = join(here, "node_modules", name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.md|\.txt)?$/i.test(f));
  const text = file ? readFileSync(join(dir, file), "utf8").trim() : `${meta.license} (no licence file in the package)`;
  parts.push("", "=".repeat(78), `${name} ${meta.version} (${meta.license})`, "=".repeat(78), text);
}
writeFileSync(join(out, "LICENSES.txt"), parts.join("\n") + "\n");
const size = readFileSync(join(out, "workbench.js")).length;
console.log(`workbench.js: ${size} bytes, ${packages.size} packages: ${[...packages].sort().join(", ")}`);
