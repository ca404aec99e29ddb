import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/log.js";
import type { StorageBackend } from "../../storage/types.js";

/** How long each state transition lasts (AWS takes seconds to minutes; emulators use 500 ms). */
export interface TransitionDurations {
  createStreamMs: number;
  deleteStreamMs: number;
  updateStreamMs: number;
  registerConsumerMs: number;
  deregisterConsumerMs: number;
}

export interface EngineOptions {
  storage: StorageBackend;
  clock: Clock;
  logger: Logger;
  durations: TransitionDurations;
  /** Open shards an account may have in one region (DescribeLimits' ShardLimit). */
  shardLimit: number;
  onDemandStreamCountLimit: number;
  /** How often retention deletes expired segments and expired shards. */
  retentionSweepIntervalMs: number;
}

export const DEFAULT_DURATIONS: TransitionDurations = {
  createStreamMs: 500,
  deleteStreamMs: 500,
  updateStreamMs: 500,
  registerConsumerMs: 500,
  deregisterConsumerMs: 500,
};

export const ZERO_DURATIONS: TransitionDurations = {
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
  registerConsumerMs: 0,
  deregisterConsumerMs: 0,
};
