import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/log.js";
import type { StorageBackend } from "../../storage/types.js";
import type { LimitsMode } from "./limits/engine-guards.js";
import type { OnDemandScalingOptions } from "./scaling/on-demand-scaler.js";

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
  /** `off` (default: no throughput or control-plane limits) or `aws` (AWS's limits, see limits/). */
  limits?: LimitsMode | undefined;
  /** On-demand scaling time constants (scaling/); AWS's when absent. */
  onDemandScaling?: OnDemandScalingOptions | undefined;
  /** Encrypts records of KMS-encrypted streams at rest (src/security); without one, only the flag is kept. */
  recordCipher?: RecordCipher | undefined;
}

/** At-rest encryption as the engine uses it; implemented in src/security/record-cipher.ts. */
export interface RecordCipher {
  /** Checks a StartStreamEncryption KeyId for the stream's account; throws StreamsError kms-*. */
  checkKey(account: string, region: string, keyId: string): void;
  /** Prepares to encrypt a batch for the stream's current key; throws StreamsError kms-* when it is unusable. */
  sealer(stream: { account: string; region: string; keyId?: string | undefined }): Promise<RecordSealer>;
  /** The plaintext partition key and data of a record stored with the KMS flag. */
  open(record: { partitionKey: string; data: Uint8Array; flags: number }): { partitionKey: string; data: Uint8Array };
}

export interface RecordSealer {
  /** The record as stored: ciphertext, with the flags saying how to open it. */
  seal(record: { partitionKey: string; explicitHashKey?: string | undefined; data: Uint8Array }): {
    partitionKey: string;
    explicitHashKey?: string | undefined;
    data: Uint8Array;
    flags: number;
  };
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
