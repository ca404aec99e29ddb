#!/usr/bin/env node
// Entry point for the `tributary` command; the compiled CLI lives in dist/ (built by `npm install`).
import("../dist/cli/main.js").then((m) => m.main(process.argv.slice(2))).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
