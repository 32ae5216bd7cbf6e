#!/usr/bin/env node
// The published entry point runs the bundled CLI (scripts/bundle.mjs); `npm ci` builds it (the
// `prepare` script).
import "../dist/bundle/main.js";
