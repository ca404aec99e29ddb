/**
 * Starts an application worker thread. The worker's module sits next to this one: `app-worker.js` in
 * the built `dist/`, `app-worker.ts` when running from source (vitest, tsx). From source the worker
 * needs a TypeScript loader; on Node 20 ESM loader hooks (`--import tsx` in execArgv) do not reach
 * worker threads, so the worker registers tsx's CommonJS hook itself and requires the module (tsx
 * compiles its ESM syntax and maps `.js` specifiers to `.ts`).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * Decoding allocates a row array and strings per record; a young generation larger than V8's default
 * halves the worker's time in scavenges at 200,000+ rows/s.
 */
const WORKER_YOUNG_GENERATION_MB = 64;

export function startAppWorker(): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB };
  const js = fileURLToPath(new URL("./app-worker.js", import.meta.url));
  if (existsSync(js)) return new Worker(js, { resourceLimits });
  const ts = fileURLToPath(new URL("./app-worker.ts", import.meta.url));
  const tsxCommonJs = createRequire(import.meta.url).resolve("tsx/cjs/api");
  return new Worker(`require(${JSON.stringify(tsxCommonJs)}).register(); require(${JSON.stringify(ts)});`, { eval: true, resourceLimits });
}
