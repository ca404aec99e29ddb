/**
 * The seam between the streams engine and the limits it may enforce. The engine calls these hooks at
 * fixed points (each write entry, each read, each subscription, some control-plane changes); which
 * limits exist is decided here, not in the engine. `off` allows everything and hands the hot paths
 * `undefined` so that they skip their per-entry work entirely; `aws` enforces AWS's quotas.
 */
import type { StreamKey } from "../model.js";
import type { ShardRuntime } from "../shard-runtime.js";
import type { StreamRuntime } from "../stream-runtime.js";

export type LimitsMode = "off" | "aws";

/** Admits write entries one at a time, in request order. */
export interface WriteGate {
  /** `undefined` when the entry may be written; otherwise the ProvisionedThroughputExceeded message. */
  admit(shard: ShardRuntime, bytes: number): string | undefined;
}

/** Paces an enhanced fan-out session to its per-consumer, per-shard read budget. */
export interface SubscriptionPacer {
  /** Charges an event of `bytes`, then waits (on the engine's clock) until the budget allows the next. */
  pace(bytes: number, signal: AbortSignal): Promise<void>;
}

export interface EngineGuards {
  readonly mode: LimitsMode;
  /** A gate for one PutRecord(s) call, or undefined when no entry needs checking or metering. */
  writeGate(stream: StreamRuntime): WriteGate | undefined;
  /** Throws ProvisionedThroughputExceeded, or returns the function that charges the bytes read. */
  admitGetRecords(stream: StreamRuntime, shard: ShardRuntime): ((bytes: number) => void) | undefined;
  admitGetShardIterator(stream: StreamRuntime, shard: ShardRuntime): void;
  admitSubscribe(stream: StreamRuntime, consumerArn: string, shardId: string): void;
  subscriptionPacer(stream: StreamRuntime, consumerArn: string, shardId: string): SubscriptionPacer | undefined;
  /** Control-plane call rates (LimitExceededException); called before every operation. */
  admitCall(operation: string, account: string, region: string, input: unknown): void;
  /** Streams of the account and region are passed in; throws LimitExceeded when another may not start. */
  checkCreateStream(key: StreamKey, streamsInRegion: readonly StreamRuntime[]): void;
  checkRegisterConsumer(stream: StreamRuntime, streamsInRegion: readonly StreamRuntime[]): void;
  checkUpdateShardCount(stream: StreamRuntime, targetShardCount: number): void;
  checkModeSwitch(stream: StreamRuntime): void;
}

/** Byte size of records as the limits count them: data plus partition key. */
export function recordsBytes(records: readonly { data: Uint8Array; partitionKey: string }[]): number {
  let bytes = 0;
  for (const r of records) bytes += r.data.length + Buffer.byteLength(r.partitionKey, "utf8");
  return bytes;
}
