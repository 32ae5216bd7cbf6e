// What the agent's metrics use of prom-client, for their dynamic import(). Bundled
// (scripts/bundle.mjs), a dynamically imported CommonJS package keeps only its default export; an
// ES module that names the exports keeps them all.
export { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
