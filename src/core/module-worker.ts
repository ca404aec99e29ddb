/**
 * Starts a worker thread running a module of this code base. The module sits next to its caller:
 * `<name>.js` in the built `dist/`, `<name>.ts` when running from source (vitest, tsx). From source the
 * worker needs a TypeScript loader; on Node 20 ESM loader hooks (`--import tsx` in execArgv) do not
 * reach worker threads, so the worker registers tsx's CommonJS hook itself and requires the module
 * (tsx compiles its ESM syntax and maps `.js` specifiers to `.ts`).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/** `moduleUrl`: the built module's URL, e.g. `new URL("./app-worker.js", import.meta.url)`. */
export function startModuleWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  const js = fileURLToPath(moduleUrl);
  if (existsSync(js)) return new Worker(js, options);
  const ts = js.replace(/\.js$/, ".ts");
  const tsxCommonJs = createRequire(import.meta.url).resolve("tsx/cjs/api");
  return new Worker(`require(${JSON.stringify(tsxCommonJs)}).register(); require(${JSON.stringify(ts)});`, { ...options, eval: true });
}
