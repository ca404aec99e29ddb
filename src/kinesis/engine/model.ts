/**
 * The streams engine's own types (camelCase; never wire shapes). Persisted values are plain JSON:
 * hash keys are kept as decimal strings there and as bigint in memory.
 */

export type StreamStatus = "CREATING" | "DELETING" | "ACTIVE" | "UPDATING";
export type StreamMode = "PROVISIONED" | "ON_DEMAND";
export type ConsumerStatus = "CREATING" | "DELETING" | "ACTIVE";
export type EncryptionType = "NONE" | "KMS";

export const SHARD_LEVEL_METRICS = [
  "IncomingBytes",
  "IncomingRecords",
  "OutgoingBytes",
  "OutgoingRecords",
  "WriteProvisionedThroughputExceeded",
  "ReadProvisionedThroughputExceeded",
  "IteratorAgeMilliseconds",
] as const;
export type ShardLevelMetric = (typeof SHARD_LEVEL_METRICS)[number];

export interface StreamKey {
  account: string;
  region: string;
  streamName: string;
}

export interface ShardMeta {
  shardId: string;
  index: number;
  parentShardId?: string | undefined;
  adjacentParentShardId?: string | undefined;
  startingHashKey: string;
  endingHashKey: string;
  createdMs: number;
  /** Set when the shard closed: when, and one past the offset of its last record. */
  closedMs?: number | undefined;
  endOffset?: number | undefined;
}

export interface ConsumerMeta {
  consumerName: string;
  consumerArn: string;
  createdMs: number;
  status: ConsumerStatus;
  /** When the current CREATING or DELETING state ends. */
  statusUntilMs?: number | undefined;
  tags: Record<string, string>;
  policy?: string | undefined;
}

/** A change that takes effect when an UPDATING transition ends (resharding, as AWS applies it). */
export type PendingReshard =
  | { kind: "split"; shardId: string; newStartingHashKey: string }
  | { kind: "merge"; shardId: string; adjacentShardId: string }
  | { kind: "scale"; targetShardCount: number };

export interface StreamMeta extends StreamKey {
  createdMs: number;
  status: StreamStatus;
  /** When the current CREATING / UPDATING / DELETING state ends. */
  statusUntilMs?: number | undefined;
  pendingReshard?: PendingReshard | undefined;
  mode: StreamMode;
  retentionHours: number;
  shards: ShardMeta[];
  nextShardIndex: number;
  encryptionType: EncryptionType;
  keyId?: string | undefined;
  shardLevelMetrics: ShardLevelMetric[];
  tags: Record<string, string>;
  maxRecordSizeKiB: number;
  warmThroughputMiBps?: number | undefined;
  policy?: string | undefined;
  consumers: ConsumerMeta[];
  /** Epoch ms of recent UpdateShardCount calls and mode switches (AWS rate-limits both per 24 h). */
  scalingHistoryMs: number[];
  modeSwitchHistoryMs: number[];
}

export interface AccountSettings {
  minimumThroughputBillingCommitment?:
    | { status: "ENABLED" | "DISABLED" | "ENABLED_UNTIL_EARLIEST_ALLOWED_END"; startedAtMs?: number; endedAtMs?: number; earliestAllowedEndAtMs?: number }
    | undefined;
}

export function streamKeyString(key: StreamKey): string {
  return `${key.account}/${key.region}/${key.streamName}`;
}

export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, "0")}`;
}

/** The shard index encoded in a shard id, or undefined for ids of another form. */
export function shardIndexOf(shardId: string): number | undefined {
  const m = /^shardId-(\d{12})$/.exec(shardId);
  return m ? Number(m[1]) : undefined;
}

export interface RecordEntry {
  partitionKey: string;
  /** Decimal ExplicitHashKey as given, already range-checked. */
  explicitHashKey?: string | undefined;
  data: Uint8Array;
}

export type PutEntryResult =
  | { ok: true; shardId: string; sequenceNumber: string }
  | { ok: false; errorCode: "ProvisionedThroughputExceededException" | "InternalFailure"; errorMessage: string };

export interface ReadRecord {
  sequenceNumber: string;
  arrivalMs: number;
  partitionKey: string;
  data: Uint8Array;
  encryptionType: EncryptionType;
}

export interface ChildShard {
  shardId: string;
  parentShards: string[];
  startingHashKey: string;
  endingHashKey: string;
}

export type IteratorType = "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER" | "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP";

export interface StartingPosition {
  type: IteratorType;
  sequenceNumber?: string | undefined;
  timestampMs?: number | undefined;
}
