// Bundles the CLI, and with it the agent and the hub, into dist/bundle/: what bin/daemonlet.js
// runs once installed. One minified file per lazily imported command, dependencies included and
// tree-shaken (zod's 60 locales, its JSON Schema code…). The agent's RSS is ≈ 3 MB smaller than
// from tsc's hundreds of modules (bench/RESULTS.md, agent-footprint): fewer, smaller module
// sources held in V8's heap. tsc's dist/ stays for the tests.
import { rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// Chunk names carry a hash of their content: without this, each build would leave the last one's.
rmSync(path.join(root, "dist/bundle"), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ["cli/main.ts"],
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  // Stack traces name minified functions; `node --enable-source-maps` maps them back to the
  // sources' files and lines. Without that flag node never reads the maps.
  sourcemap: "linked",
  sourcesContent: false,
  // Licences of the bundled packages, in dist/bundle/*.LEGAL.txt rather than in the code.
  legalComments: "external",
  // Native addons load from node_modules, as without the bundle.
  external: ["better-sqlite3", "unix-dgram"],
  // The CommonJS packages inside call require(); an ES module has none of its own.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: "warning",
});
