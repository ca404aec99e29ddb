/**
 * Drives an application's engine time from a Clock: every `tickMs` of clock time the engine advances to
 * `clock.now()`, so windows close without new data (AWS's periodic rowtime bounds). With core's VirtualClock
 * a test moves time explicitly; with systemClock it follows the wall clock.
 */
import type { Clock } from "../../core/clock.js";
import type { CompiledApplication } from "./engine.js";

/** Starts ticking; returns a function that stops it. */
export function driveWithClock(app: CompiledApplication, clock: Clock, tickMs: number): () => void {
  if (!(tickMs > 0)) throw new Error(`tickMs must be positive, not ${tickMs}`);
  let cancel: (() => void) | undefined;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    app.advanceTime(clock.now());
    cancel = clock.setTimer(tickMs, tick);
  };
  cancel = clock.setTimer(tickMs, tick);
  return () => {
    stopped = true;
    cancel?.();
  };
}
