/**
 * The storage seam. The streams engine and every later service store data only through these
 * interfaces; the file (embedded default), memory and JetStream backends implement them and all pass
 * one shared suite (`runBackendSuite`).
 *
 * Domain types only: camelCase, no wire shapes.
 */

/** Identifies one shard's log. Streams are namespaced by account and region. */
export interface ShardLogKey {
  account: string;
  region: string;
  streamName: string;
  shardId: string;
}

/** Identifies all logs of one stream (for deletion). */
export type StreamLogKey = Omit<ShardLogKey, "shardId">;

export interface AppendRecord {
  partitionKey: string;
  /** The ExplicitHashKey the producer gave, as its decimal string; kept for fidelity, not routing. */
  explicitHashKey?: string | undefined;
  data: Uint8Array;
  /**
   * Record attributes as one small unsigned integer (bit flags), stored in the frame. Bit 0 means the
   * data is encrypted at rest (set by the security layer); the log treats the value as opaque.
   */
  flags?: number | undefined;
}

export interface StoredRecord {
  /** Position in the shard log, from 0; the sequence number's per-shard counter. */
  offset: number;
  /** When the record was appended, milliseconds since the epoch. */
  arrivalMs: number;
  partitionKey: string;
  explicitHashKey?: string | undefined;
  data: Uint8Array;
  flags: number;
}

/**
 * A StoredRecord whose bytes can be read where the storage holds them: the partition key (UTF-8) is
 * `source[keyStart, keyEnd)` and the data `source[dataStart, dataEnd)`. A reader that copies records
 * into a response (GetRecords) takes them from there instead of asking for `partitionKey` and `data`,
 * which such a record makes only on first use.
 */
export interface InPlaceRecord extends StoredRecord {
  readonly source: Buffer;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly dataStart: number;
  readonly dataEnd: number;
}

export function isInPlaceRecord(record: StoredRecord): record is InPlaceRecord {
  return (record as Partial<InPlaceRecord>).source !== undefined;
}

export interface AppendResult {
  /** Offset of the first appended record; the others follow contiguously. */
  firstOffset: number;
  count: number;
}

export interface ReadOptions {
  fromOffset: number;
  recordsMax: number;
  /** Stop before a record that would take the batch past this many data bytes (at least one record is always returned when available). */
  bytesMax: number;
}

export interface ReadResult {
  records: StoredRecord[];
  /** Where the next read should start: after the last returned record, or past trimmed or damaged ranges. */
  nextOffset: number;
}

export interface ShardLog {
  readonly key: ShardLogKey;
  /** Offset the next appended record will get (= one past the newest record). */
  readonly endOffset: number;
  /** Oldest offset still stored (moves forward as retention deletes segments). */
  readonly startOffset: number;
  /** Arrival time of the newest record, or undefined when the log is empty. */
  readonly lastArrivalMs: number | undefined;
  /**
   * Appends records with the given arrival time. Offsets are assigned synchronously, in call order,
   * before the returned promise settles; the promise resolves only once the records are durable to the
   * backend's guarantee (for the file backend with fsync `always`: on disk). Appends made close together
   * may share one write and one fsync. On failure (disk full, I/O error) the promise rejects with a
   * StorageError and none of that call's records are readable, now or after a restart.
   */
  append(records: readonly AppendRecord[], arrivalMs: number): Promise<AppendResult>;
  /** Reads records in offset order starting at `fromOffset` (clamped to startOffset). */
  read(options: ReadOptions): Promise<ReadResult>;
  /** First offset whose arrival time is at or after `timeMs`, or endOffset when there is none. */
  offsetAtTime(timeMs: number): Promise<number>;
  /** Deletes whole segments whose newest record arrived before `cutoffMs`; never the active segment's unexpired records. */
  trimOlderThan(cutoffMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface LogStore {
  /** Opens (creating if needed) one shard's log. Opening an open log returns the same instance. */
  open(key: ShardLogKey): Promise<ShardLog>;
  /** Deletes every log of a stream; open logs of that stream are closed first. */
  removeStream(key: StreamLogKey): Promise<void>;
  close(): Promise<void>;
}

export interface MetadataEntry<T = unknown> {
  key: string;
  value: T;
  /** Increases on every change of this key; used for compare-and-set. */
  revision: number;
}

export interface MetadataMutation {
  collection: string;
  key: string;
  /** A JSON-serialisable value, or undefined to delete the key. */
  value: unknown;
  /** When given, the commit fails with MetadataConflictError unless the key is at this revision (0: absent). */
  expectedRevision?: number | undefined;
}

/**
 * Transactional metadata: collections of JSON values by key. The file backend keeps them in SQLite,
 * the JetStream backend in a replicated key-value bucket; the collection names are fixed in
 * `metadata-collections.ts`.
 */
export interface MetadataStore {
  get<T = unknown>(collection: string, key: string): Promise<MetadataEntry<T> | undefined>;
  /** All entries of a collection whose key starts with `prefix`, in key order. */
  list<T = unknown>(collection: string, prefix?: string): Promise<MetadataEntry<T>[]>;
  /** Applies all mutations atomically; returns the new revision of each, in order. */
  commit(mutations: readonly MetadataMutation[]): Promise<number[]>;
  close(): Promise<void>;
}

export interface StorageBackend {
  readonly kind: "file" | "memory" | "jetstream";
  readonly logs: LogStore;
  readonly metadata: MetadataStore;
  close(): Promise<void>;
}

/** Why a storage operation failed; the services layer maps it to an AWS error. */
export type StorageErrorCode = "disk-full" | "io" | "closed" | "corrupt";

export class StorageError extends Error {
  override name = "StorageError";
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class MetadataConflictError extends Error {
  override name = "MetadataConflictError";
  constructor(
    readonly collection: string,
    readonly key: string,
  ) {
    super(`metadata ${collection}/${key} changed concurrently`);
  }
}
