import type { Clock } from "../../core/clock.js";
import { internalFailure } from "../../core/errors.js";
import { hasFaults, NO_FAULTS, type FaultRule, type FaultSettings } from "./fault-settings.js";

export type EntryFault = "throttle" | "internal";

/** mulberry32: a small seeded generator, so that a seeded run injects the same faults each time. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Injects failures and latency into Kinesis calls for client testing. The operation wrapper asks
 * `beforeCall` (undefined, and no work, while no fault is set); PutRecords asks `entryFaults`.
 * Latency waits on the server's Clock, so a VirtualClock drives it in tests.
 */
export class FaultInjector {
  private current: FaultSettings = NO_FAULTS;
  private active = false;
  private random: () => number = Math.random;

  constructor(
    private readonly clock: Clock,
    initial: FaultSettings = NO_FAULTS,
  ) {
    this.set(initial);
  }

  get settings(): FaultSettings {
    return structuredClone(this.current);
  }

  set(settings: FaultSettings): void {
    this.current = structuredClone(settings);
    this.active = hasFaults(settings);
    this.random = settings.seed !== undefined ? seededRandom(settings.seed) : Math.random;
  }

  clear(): void {
    this.set(NO_FAULTS);
  }

  private ruleFor(operation: string): FaultRule {
    const own = this.current.operations[operation];
    const top = this.current;
    return {
      throttle: own?.throttle ?? top.throttle,
      internalFailure: own?.internalFailure ?? top.internalFailure,
      latencyMs: own?.latencyMs ?? top.latencyMs,
    };
  }

  /**
   * Undefined when this call is served normally; otherwise a promise that waits out the added latency
   * and then resolves (served) or rejects with the injected error (`throttleError()` builds AWS's).
   */
  beforeCall(operation: string, throttleError: () => unknown): Promise<void> | undefined {
    if (!this.active) return undefined;
    const rule = this.ruleFor(operation);
    const draw = rule.throttle > 0 || rule.internalFailure > 0 ? this.random() : 1;
    const failure = draw < rule.throttle ? throttleError() : draw < rule.throttle + rule.internalFailure ? internalFailure() : undefined;
    if (rule.latencyMs <= 0) return failure === undefined ? undefined : Promise.reject(failure);
    return new Promise<void>((resolve, reject) => {
      this.clock.setTimer(rule.latencyMs, () => (failure === undefined ? resolve() : reject(failure)));
    });
  }

  /** Per-entry failures for a PutRecords of `count` entries, or undefined when none can fire. */
  entryFaults(count: number): (EntryFault | undefined)[] | undefined {
    const { entryThrottle, entryInternalFailure } = this.current;
    if (!this.active || (entryThrottle <= 0 && entryInternalFailure <= 0)) return undefined;
    const faults = new Array<EntryFault | undefined>(count);
    for (let i = 0; i < count; i++) {
      const draw = this.random();
      faults[i] = draw < entryThrottle ? "throttle" : draw < entryThrottle + entryInternalFailure ? "internal" : undefined;
    }
    return faults;
  }
}
