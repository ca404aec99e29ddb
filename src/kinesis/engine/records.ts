import { GET_RECORDS_BYTES_MAX, GET_RECORDS_RECORDS_MAX, SHARD_ITERATOR_AGE_MS_MAX } from "../../core/limits.js";
import { StorageError, type AppendRecord, type StoredRecord } from "../../storage/types.js";
import { StreamsError, invalidArgument, notFound } from "./errors.js";
import { recordsBytes } from "./limits/engine-guards.js";
import type { ChildShard, PutEntryResult, ReadRecord, RecordEntry, StartingPosition } from "./model.js";
import { AcceptedRecord, decodeSequenceNumber, offsetOfSequenceNumber, sequenceBase, sequenceDigits, sequenceNumberAt } from "./sequence-number.js";
import type { ShardRuntime } from "./shard-runtime.js";
import type { IteratorPosition } from "./shard-iterator.js";
import type { StreamRuntime } from "./stream-runtime.js";
import type { StreamsEngine } from "./streams-engine.js";

/** Record flag bit: the stream was KMS-encrypted when the record was written. */
export const RECORD_FLAG_KMS = 1;

export interface GetRecordsResult {
  records: ReadRecord[];
  nextShardIterator: string | undefined;
  millisBehindLatest: number;
  childShards: ChildShard[] | undefined;
}

export interface ShardReadResult {
  records: ReadRecord[];
  nextOffset: number;
  millisBehindLatest: number;
  /** Set when the shard is closed and every record has been read. */
  childShards: ChildShard[] | undefined;
}

/** Stored records as read (payloads opened); `flags & RECORD_FLAG_KMS` says the record was written KMS-encrypted. */
export interface ShardStoredReadResult {
  records: StoredRecord[];
  /** What the records' sequence numbers are built from (sequenceBase). */
  creationSeconds: number;
  shardIndex: number;
  nextOffset: number;
  millisBehindLatest: number;
  childShards: ChildShard[] | undefined;
}

export interface StoredGetRecordsResult extends ShardStoredReadResult {
  nextShardIterator: string | undefined;
}

/** The records of a stored read with their sequence numbers formatted. */
export function toReadRecords(read: ShardStoredReadResult): ReadRecord[] {
  const records: ReadRecord[] = new Array(read.records.length);
  let baseSecond = -1;
  let base = 0n;
  for (let i = 0; i < read.records.length; i++) {
    const record = read.records[i]!;
    const second = Math.floor(record.arrivalMs / 1000);
    if (second !== baseSecond) {
      base = sequenceBase(read.creationSeconds, read.shardIndex, second);
      baseSecond = second;
    }
    records[i] = {
      sequenceNumber: sequenceNumberAt(base, record.offset),
      arrivalMs: record.arrivalMs,
      partitionKey: record.partitionKey,
      data: record.data,
      encryptionType: (record.flags & RECORD_FLAG_KMS) !== 0 ? "KMS" : "NONE",
    };
  }
  return records;
}

/** Formats a time the way AWS's Java services print java.util.Date in messages. */
export function javaDateString(ms: number): string {
  const d = new Date(ms);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * The data plane: writes route by hash key and append per shard in one batch each; reads serve whole
 * ranges from the log and never past what is durable.
 */
export class RecordsPlane {
  constructor(private readonly engine: StreamsEngine) {}

  private requireWritable(stream: StreamRuntime): void {
    const status = stream.meta.status;
    if (status !== "ACTIVE" && status !== "UPDATING") {
      throw notFound(`Stream ${stream.meta.streamName} under account ${stream.meta.account} not found.`);
    }
  }

  /**
   * Appends entries (already validated) and returns one result per entry, in order. Entries to one
   * shard become one log append; a storage failure fails only the entries of that shard.
   */
  async putRecords(stream: StreamRuntime, entries: readonly RecordEntry[]): Promise<PutEntryResult[]> {
    this.requireWritable(stream);
    const engine = this.engine;
    const flags = stream.meta.encryptionType === "KMS" ? RECORD_FLAG_KMS : 0;
    // KMS streams' records are sealed before they reach the log; a disabled or missing key fails the call.
    const sealer = flags !== 0 ? await engine.recordCipher?.sealer(stream.meta) : undefined;
    // No await may come between this wait and the appends below: a reshard fixes the parents' end
    // offsets while the barrier is up, so routing must see either the old map or the new one whole.
    while (stream.writeBarrier) await stream.writeBarrier;

    // Route every entry; group per shard, remembering each entry's position in its group.
    const shardOf: ShardRuntime[] = new Array(entries.length);
    const groups = new Map<ShardRuntime, AppendRecord[]>();
    const indexInGroup = new Array<number>(entries.length);
    // Throughput limits and on-demand metering (limits/); undefined, and skipped, when neither applies.
    const gate = engine.guards.writeGate(stream);
    let refused: (string | undefined)[] | undefined;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const hash = entry.explicitHashKey !== undefined ? BigInt(entry.explicitHashKey) : stream.hashCache.hash(entry.partitionKey);
      const shard = stream.route(hash);
      if (gate) {
        const message = gate.admit(shard, entry.data.length + Buffer.byteLength(entry.partitionKey, "utf8"));
        if (message !== undefined) {
          (refused ??= new Array<string | undefined>(entries.length))[i] = message;
          continue;
        }
      }
      shardOf[i] = shard;
      let group = groups.get(shard);
      if (!group) {
        group = [];
        groups.set(shard, group);
      }
      indexInGroup[i] = group.length;
      group.push(sealer ? sealer.seal(entry) : { partitionKey: entry.partitionKey, explicitHashKey: entry.explicitHashKey, data: entry.data, flags });
    }

    const arrivalMs = engine.clock.now();
    const arrivalSeconds = Math.floor(arrivalMs / 1000);
    // Logs of open shards are opened eagerly. In the rare case one is still opening, wait for it and
    // route again from the start: the shard map may have changed meanwhile.
    for (const shard of groups.keys()) {
      if (!shard.log) {
        await engine.log(stream, shard);
        return this.putRecords(stream, entries);
      }
    }

    // Append to every shard synchronously (offsets are assigned in call order), then await them together.
    const outcomes = new Map<ShardRuntime, Promise<number>>();
    for (const [shard, group] of groups) {
      const log = shard.log!;
      const settle = shard.trackAppend(log.endOffset + group.length);
      const appended = log.append(group, arrivalMs).then(
        (result) => {
          settle();
          engine.notifier.notify(engine.notificationKey(stream, shard.shardId));
          return result.firstOffset;
        },
        (error: unknown) => {
          settle();
          throw error;
        },
      );
      outcomes.set(shard, appended);
    }
    const firstOffsets = new Map<ShardRuntime, number | Error>();
    for (const [shard, outcome] of outcomes) {
      try {
        firstOffsets.set(shard, await outcome);
      } catch (error) {
        engine.logger.error("append failed", { stream: stream.meta.streamName, shard: shard.shardId, error });
        firstOffsets.set(shard, error instanceof Error ? error : new Error(String(error)));
      }
    }

    const results: PutEntryResult[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const throttled = refused?.[i];
      if (throttled !== undefined) {
        results[i] = { ok: false, errorCode: "ProvisionedThroughputExceededException", errorMessage: throttled };
        continue;
      }
      const shard = shardOf[i]!;
      const first = firstOffsets.get(shard)!;
      if (first instanceof Error) {
        results[i] = { ok: false, errorCode: "InternalFailure", errorMessage: "Internal service failure." };
      } else {
        // The sequence number is formatted when read (or written straight into a response: encode-put-records).
        results[i] = new AcceptedRecord(shard.shardId, sequenceDigits(shard.sequenceBaseAt(arrivalSeconds)), first + indexInGroup[i]!);
      }
    }
    return results;
  }

  // ---------------------------------------------------------------- iterators

  /** Resolves a starting position to a log offset (AWS accepts any sequence number inside the shard). */
  async startingOffset(stream: StreamRuntime, shard: ShardRuntime, position: StartingPosition, operation: string): Promise<number> {
    const name = stream.meta.streamName;
    const account = stream.meta.account;
    const log = await this.engine.log(stream, shard);
    const trimHorizon = async () => Math.max(log.startOffset, await log.offsetAtTime(this.engine.clock.now() - stream.retentionMs));
    switch (position.type) {
      case "TRIM_HORIZON":
        return trimHorizon();
      case "LATEST":
        return shard.isOpen ? shard.visibleEnd : (shard.meta.endOffset ?? shard.visibleEnd);
      case "AT_TIMESTAMP": {
        const timestampMs = position.timestampMs!;
        return Math.max(await trimHorizon(), await log.offsetAtTime(timestampMs));
      }
      case "AT_SEQUENCE_NUMBER":
      case "AFTER_SEQUENCE_NUMBER": {
        const text = position.sequenceNumber!;
        const fields = decodeSequenceNumber(text);
        if (!fields) {
          throw invalidArgument(`StartingSequenceNumber ${text} used in ${operation} on shard ${shard.shardId} in stream ${name} under account ${account} is invalid.`);
        }
        if (fields.shardIndex !== shard.meta.index) {
          throw invalidArgument(
            `Invalid StartingSequenceNumber. It encodes shardId-${String(fields.shardIndex).padStart(12, "0")}, while it was used in a call to a shard with ${shard.shardId}`,
          );
        }
        if (fields.shardCreationSeconds !== shard.creationSeconds) {
          throw invalidArgument(
            `StartingSequenceNumber ${text} used in ${operation} on shard ${shard.shardId} in stream ${name} under account ${account} is invalid because it did not come from this stream.`,
          );
        }
        const offset = offsetOfSequenceNumber(fields);
        const start = position.type === "AT_SEQUENCE_NUMBER" ? Math.max(0, offset) : offset + 1;
        const end = shard.isOpen ? shard.visibleEnd : (shard.meta.endOffset ?? shard.visibleEnd);
        return Math.max(await trimHorizon(), Math.min(start, end));
      }
    }
  }

  async getShardIterator(stream: StreamRuntime, shardId: string, position: StartingPosition): Promise<string> {
    const shard = this.engine.shard(stream, shardId);
    this.engine.guards.admitGetShardIterator(stream, shard);
    const offset = await this.startingOffset(stream, shard, position, "GetShardIterator");
    return this.issueIterator(stream, shard, offset);
  }

  issueIterator(stream: StreamRuntime, shard: ShardRuntime, offset: number): string {
    return this.engine.iterators.encode({
      account: stream.meta.account,
      region: stream.meta.region,
      streamName: stream.meta.streamName,
      streamCreatedMs: stream.meta.createdMs,
      shardId: shard.shardId,
      offset,
      issuedMs: this.engine.clock.now(),
    });
  }

  /** Decodes and checks an iterator: tampered -> InvalidArgument, older than 5 minutes -> ExpiredIterator. */
  decodeIterator(token: string): IteratorPosition {
    const position = this.engine.iterators.decode(token);
    if (!position) throw invalidArgument("Invalid ShardIterator.");
    const nowMs = this.engine.clock.now();
    if (nowMs - position.issuedMs > SHARD_ITERATOR_AGE_MS_MAX) {
      throw new StreamsError(
        "expired-iterator",
        `Iterator expired. The iterator was created at time ${javaDateString(position.issuedMs)} while right now it is ${javaDateString(nowMs)} which is further in the future than the tolerated delay of ${SHARD_ITERATOR_AGE_MS_MAX} milliseconds.`,
      );
    }
    return position;
  }

  /** GetRecords without formatting: stored records for a caller that encodes them itself (the API's direct writer). */
  async getStoredRecords(token: string, limit: number | undefined, caller: { account: string; region: string }): Promise<StoredGetRecordsResult> {
    const position = this.decodeIterator(token);
    const missing = () =>
      notFound(`Shard ${position.shardId} in stream ${position.streamName} under account ${position.account} does not exist`);
    // Another account's iterator is readable only when its stream's resource policy grants it; that was
    // checked before this runs (src/security/kinesis-authorizer.ts, applied to every Kinesis operation).
    if (position.region !== caller.region) throw missing();
    const stream = this.engine.findStream(position);
    if (!stream || stream.meta.createdMs !== position.streamCreatedMs) throw missing();
    const shard = stream.shardsById.get(position.shardId);
    if (!shard || this.engine.isExpired(stream, shard)) throw missing();
    // Throws ProvisionedThroughputExceeded when the shard's read budget is spent (limits/).
    const charge = this.engine.guards.admitGetRecords(stream, shard);
    const read = await this.readShardStored(stream, shard, position.offset, Math.min(limit ?? GET_RECORDS_RECORDS_MAX, GET_RECORDS_RECORDS_MAX), GET_RECORDS_BYTES_MAX);
    if (charge) charge(recordsBytes(read.records));
    return { ...read, nextShardIterator: read.childShards ? undefined : this.issueIterator(stream, shard, read.nextOffset) };
  }

  async getRecords(token: string, limit: number | undefined, caller: { account: string; region: string }): Promise<GetRecordsResult> {
    const read = await this.getStoredRecords(token, limit, caller);
    return {
      records: toReadRecords(read),
      nextShardIterator: read.nextShardIterator,
      millisBehindLatest: read.millisBehindLatest,
      childShards: read.childShards,
    };
  }

  /** Reads durable records from `offset`, skipping what retention has expired. */
  async readShard(stream: StreamRuntime, shard: ShardRuntime, offset: number, recordsMax: number, bytesMax: number): Promise<ShardReadResult> {
    const read = await this.readShardStored(stream, shard, offset, recordsMax, bytesMax);
    return { records: toReadRecords(read), nextOffset: read.nextOffset, millisBehindLatest: read.millisBehindLatest, childShards: read.childShards };
  }

  /**
   * readShard without a sequence-number string or object per record: the stored records themselves
   * (KMS-sealed ones opened), for callers that format them straight into a response.
   */
  async readShardStored(stream: StreamRuntime, shard: ShardRuntime, offset: number, recordsMax: number, bytesMax: number): Promise<ShardStoredReadResult> {
    const engine = this.engine;
    const log = await engine.log(stream, shard);
    const nowMs = engine.clock.now();
    const cutoffMs = nowMs - stream.retentionMs;
    let next = Math.max(offset, log.startOffset);
    const end = shard.visibleEnd;
    let stored: StoredRecord[] = [];
    if (next < end) {
      try {
        const result = await log.read({ fromOffset: next, recordsMax: Math.min(recordsMax, end - next), bytesMax });
        stored = result.records;
        next = result.nextOffset;
      } catch (error) {
        if (error instanceof StorageError) engine.logger.error("read failed", { stream: stream.meta.streamName, shard: shard.shardId, error });
        throw error;
      }
    }
    // The storage's array is returned as is unless a record is expired or sealed (the common case).
    let records = stored;
    for (let i = 0; i < stored.length; i++) {
      const record = stored[i]!;
      const sealed = (record.flags & RECORD_FLAG_KMS) !== 0 && engine.recordCipher !== undefined;
      if (record.arrivalMs >= cutoffMs && !sealed) {
        if (records !== stored) records.push(record);
        continue;
      }
      if (records === stored) records = stored.slice(0, i);
      if (record.arrivalMs < cutoffMs) continue;
      const plain = engine.recordCipher!.open(record);
      records.push({ offset: record.offset, arrivalMs: record.arrivalMs, partitionKey: plain.partitionKey, data: plain.data, flags: record.flags });
    }
    const lastArrivalMs = records.length > 0 ? records[records.length - 1]!.arrivalMs : undefined;
    const caughtUp = next >= shard.visibleEnd;
    const atShardEnd = !shard.isOpen && caughtUp && !shard.hasPendingAppends;
    return {
      records,
      creationSeconds: shard.creationSeconds,
      shardIndex: shard.meta.index,
      nextOffset: next,
      millisBehindLatest: caughtUp || lastArrivalMs === undefined ? 0 : Math.max(0, nowMs - lastArrivalMs),
      childShards: atShardEnd ? this.childShards(stream, shard.shardId) : undefined,
    };
  }

  childShards(stream: StreamRuntime, shardId: string): ChildShard[] {
    return stream.meta.shards
      .filter((s) => s.parentShardId === shardId || s.adjacentParentShardId === shardId)
      .map((s) => ({
        shardId: s.shardId,
        parentShards: s.adjacentParentShardId !== undefined ? [s.parentShardId!, s.adjacentParentShardId] : [s.parentShardId!],
        startingHashKey: s.startingHashKey,
        endingHashKey: s.endingHashKey,
      }));
  }

  /** The sequence number clients may resume from after reading up to (not including) `offset`. */
  continuationSequenceNumber(stream: StreamRuntime, shard: ShardRuntime, offset: number, arrivalMs: number): string {
    return sequenceNumberAt(sequenceBase(shard.creationSeconds, shard.meta.index, Math.floor(arrivalMs / 1000)), offset - 1);
  }
}
