/**
 * Starts an application worker thread. The worker's module sits next to this one: `app-worker.js` in
 * the built `dist/`, `app-worker.ts` when running from source (vitest, tsx), where the worker needs
 * tsx's loader because Node's own cannot run TypeScript with `.js` import specifiers.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

export function startAppWorker(): Worker {
  const js = new URL("./app-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js);
  const ts = new URL("./app-worker.ts", import.meta.url);
  return new Worker(ts, { execArgv: ["--import", "tsx"] });
}
