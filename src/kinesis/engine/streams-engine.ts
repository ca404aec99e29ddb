import { consumerArn, parseConsumerArn, parseStreamArn, streamArn } from "../../core/arn.js";
import type { Clock } from "../../core/clock.js";
import { SealedTokenCodec } from "../../core/sealed-token.js";
import {
  CONSUMERS_PER_STREAM_MAX,
  RECORD_SIZE_KIB_MIN,
  RETENTION_HOURS_DEFAULT,
  RETENTION_HOURS_MAX,
  RETENTION_HOURS_MIN,
  SHARDS_PER_STREAM_MAX,
  TAGS_PER_STREAM_MAX,
} from "../../core/limits.js";
import type { Logger } from "../../core/log.js";
import { METADATA_COLLECTIONS, SECRETS_COLLECTION } from "../../storage/metadata-collections.js";
import type { ShardLog, StorageBackend } from "../../storage/types.js";
import type { EngineOptions, RecordCipher, TransitionDurations } from "./engine-options.js";
import { StreamsError, inUse, invalidArgument, limitExceeded, notFound, validation } from "./errors.js";
import { HASH_KEY_MAX, evenHashKeyRanges } from "./hash-key.js";
import { KeyedMutex } from "./keyed-mutex.js";
import {
  shardIdOf,
  streamKeyString,
  type AccountSettings,
  type ConsumerMeta,
  type PendingReshard,
  type ShardLevelMetric,
  SHARD_LEVEL_METRICS,
  type ShardMeta,
  type StreamKey,
  type StreamMeta,
  type StreamMode,
} from "./model.js";
import { ShardNotifier } from "./notifier.js";
import { planMerge, planSplit, planUniformScaling, type ReshardResult } from "./resharding.js";
import type { ShardRuntime } from "./shard-runtime.js";
import { ShardIteratorCodec } from "./shard-iterator.js";
import { StreamRuntime } from "./stream-runtime.js";
import { StreamStore } from "./stream-store.js";
import { createGuards, type EngineGuards } from "./limits/mod.js";
import { onDemandInitialShardCount } from "./scaling/on-demand-scaler.js";
import { ShardWriteMeter } from "./scaling/write-meter.js";

export interface CreateStreamOptions {
  shardCount?: number | undefined;
  mode: StreamMode;
  tags?: Record<string, string> | undefined;
  maxRecordSizeKiB?: number | undefined;
  warmThroughputMiBps?: number | undefined;
}

export interface StreamLimits {
  shardLimit: number;
  openShardCount: number;
  onDemandStreamCount: number;
  onDemandStreamCountLimit: number;
}

/** Resource a tag or policy call names by ARN: a stream or one of its consumers. */
export type ArnResource = { kind: "stream"; stream: StreamRuntime } | { kind: "consumer"; stream: StreamRuntime; consumer: ConsumerMeta };

const DAY_MS = 24 * 3_600_000;

/**
 * The streams engine's control plane: streams, shards, consumers, tags, policies and their state
 * machines, persisted through the MetadataStore. The data plane (records, iterators, subscriptions)
 * lives in records.ts and subscriptions.ts and works on the runtimes this class keeps.
 */
export class StreamsEngine {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly storage: StorageBackend;
  readonly notifier: ShardNotifier;
  /** Bytes written per shard of on-demand streams, read by the on-demand scaler. */
  readonly writeMeter = new ShardWriteMeter();
  /** Throughput and control-plane limits (`--limits off|aws`), consulted at fixed points. */
  readonly guards: EngineGuards;
  readonly iterators: ShardIteratorCodec;
  /** Seals paging tokens (ListShards, ListStreams, ListStreamConsumers NextToken). */
  readonly tokens: SealedTokenCodec;
  readonly durations: TransitionDurations;
  /** At-rest encryption of KMS streams' records (src/security), when configured. */
  get recordCipher(): RecordCipher | undefined {
    return this.options.recordCipher;
  }
  private readonly streams = new Map<string, StreamRuntime>();
  private readonly store: StreamStore;
  private readonly mutex = new KeyedMutex();
  private readonly cancelTimers = new Set<() => void>();
  private readonly accountSettings = new Map<string, AccountSettings>();
  private closed = false;

  private constructor(
    private readonly options: EngineOptions,
    iteratorKey: Buffer,
  ) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.storage = options.storage;
    this.durations = options.durations;
    this.notifier = new ShardNotifier(options.clock);
    this.iterators = new ShardIteratorCodec(iteratorKey);
    this.tokens = new SealedTokenCodec(iteratorKey);
    this.store = new StreamStore(options.storage.metadata);
    this.guards = createGuards(options.limits ?? "off", options.clock, this.writeMeter);
  }

  static async open(options: EngineOptions): Promise<StreamsEngine> {
    const metadata = options.storage.metadata;
    let keyEntry = await metadata.get<string>(SECRETS_COLLECTION, "shard-iterator-key");
    if (!keyEntry) {
      await metadata.commit([
        { collection: SECRETS_COLLECTION, key: "shard-iterator-key", value: ShardIteratorCodec.randomKey().toString("base64"), expectedRevision: 0 },
      ]);
      keyEntry = await metadata.get<string>(SECRETS_COLLECTION, "shard-iterator-key");
    }
    const engine = new StreamsEngine(options, Buffer.from(keyEntry!.value, "base64"));
    await engine.load();
    return engine;
  }

  /** Loads every stream and finishes transitions a crash or a stop interrupted. */
  private async load(): Promise<void> {
    for (const entry of await this.storage.metadata.list<AccountSettings>(METADATA_COLLECTIONS.accountSettings)) {
      this.accountSettings.set(entry.key, entry.value);
    }
    for (const meta of await this.store.loadAll()) {
      const stream = new StreamRuntime(meta);
      this.streams.set(streamKeyString(meta), stream);
      await this.openLogs(stream);
    }
    for (const stream of [...this.streams.values()]) {
      this.scheduleTransition(stream);
      for (const consumer of stream.meta.consumers) this.scheduleConsumerTransition(stream, consumer);
    }
    this.scheduleRetentionSweep();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const cancel of this.cancelTimers) cancel();
    this.cancelTimers.clear();
  }

  // ---------------------------------------------------------------- lookup

  /** The stream, or ResourceNotFoundException as AWS words it. */
  stream(key: StreamKey): StreamRuntime {
    const stream = this.streams.get(streamKeyString(key));
    if (!stream) throw notFound(`Stream ${key.streamName} under account ${key.account} not found.`);
    return stream;
  }

  findStream(key: StreamKey): StreamRuntime | undefined {
    return this.streams.get(streamKeyString(key));
  }

  /** Resolves a stream by name or ARN as the operations accept them (the ARN wins when both are given). */
  streamByNameOrArn(account: string, region: string, streamName: string | undefined, arn: string | undefined): StreamRuntime {
    if (arn !== undefined) {
      const ref = parseStreamArn(arn);
      if (!ref) throw invalidArgument(`Invalid StreamARN ${arn}.`);
      if (streamName !== undefined && streamName !== ref.streamName) {
        throw invalidArgument(`StreamARN ${arn} and StreamName ${streamName} refer to different streams.`);
      }
      return this.stream(ref);
    }
    if (streamName === undefined) throw invalidArgument("Either StreamName or StreamARN should be provided.");
    return this.stream({ account, region, streamName });
  }

  listStreams(account: string, region: string): StreamRuntime[] {
    return [...this.streams.values()]
      .filter((s) => s.meta.account === account && s.meta.region === region)
      .sort((a, b) => (a.meta.streamName < b.meta.streamName ? -1 : a.meta.streamName > b.meta.streamName ? 1 : 0));
  }

  /** The stream or consumer an ARN names, for tagging and policies. */
  resourceByArn(arn: string): ArnResource {
    const consumerRef = parseConsumerArn(arn);
    if (consumerRef) {
      const stream = this.stream(consumerRef);
      const consumer = stream.meta.consumers.find((c) => c.consumerArn === arn);
      if (!consumer) throw notFound(`Consumer ${arn} not found.`);
      return { kind: "consumer", stream, consumer };
    }
    const streamRef = parseStreamArn(arn);
    if (!streamRef) throw invalidArgument(`Invalid ResourceARN ${arn}.`);
    return { kind: "stream", stream: this.stream(streamRef) };
  }

  shard(stream: StreamRuntime, shardId: string): ShardRuntime {
    const shard = stream.shardsById.get(shardId);
    if (!shard || this.isExpired(stream, shard)) {
      throw notFound(`Shard ${shardId} in stream ${stream.meta.streamName} under account ${stream.meta.account} does not exist`);
    }
    return shard;
  }

  /** A closed shard whose every record is past retention is EXPIRED: no longer listed or readable. */
  isExpired(stream: StreamRuntime, shard: ShardRuntime): boolean {
    return shard.meta.closedMs !== undefined && shard.meta.closedMs < this.clock.now() - stream.retentionMs;
  }

  /** Shards as the List/Describe operations show them: never the EXPIRED ones, in shard-index order. */
  visibleShards(stream: StreamRuntime): ShardMeta[] {
    if (stream.meta.status === "CREATING") return [];
    return stream.meta.shards.filter((s) => !this.isExpired(stream, stream.shardsById.get(s.shardId)!));
  }

  async log(stream: StreamRuntime, shard: ShardRuntime): Promise<ShardLog> {
    return shard.log ?? (await this.openShardLog(stream, shard));
  }

  private async openLogs(stream: StreamRuntime): Promise<void> {
    for (const shard of stream.shardsById.values()) if (!shard.log) await this.openShardLog(stream, shard);
  }

  private async openShardLog(stream: StreamRuntime, shard: ShardRuntime): Promise<ShardLog> {
    const log = await this.storage.logs.open({ ...this.keyOf(stream), shardId: shard.shardId });
    if (!shard.log) {
      shard.log = log;
      shard.visibleEnd = log.endOffset;
    }
    return shard.log;
  }

  keyOf(stream: StreamRuntime): StreamKey {
    return { account: stream.meta.account, region: stream.meta.region, streamName: stream.meta.streamName };
  }

  notificationKey(stream: StreamRuntime, shardId: string): string {
    return `${streamKeyString(stream.meta)}/${stream.meta.createdMs}/${shardId}`;
  }

  requireActive(stream: StreamRuntime): void {
    if (stream.meta.status !== "ACTIVE") {
      throw inUse(`Stream ${stream.meta.streamName} under account ${stream.meta.account} not ACTIVE, instead in state ${stream.meta.status}`);
    }
  }

  // ---------------------------------------------------------------- persistence and transitions

  /** Applies a change to a stream's metadata under its lock: persisted first, then adopted in memory. */
  private async change(stream: StreamRuntime, mutate: (meta: StreamMeta) => void): Promise<StreamMeta> {
    const next = structuredClone(stream.meta);
    mutate(next);
    await this.store.save(next);
    stream.rebuild(next);
    return next;
  }

  private locked<T>(key: StreamKey, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(streamKeyString(key), work);
  }

  private timer(delayMs: number, fn: () => Promise<void>): void {
    const cancel = this.clock.setTimer(delayMs, () => {
      this.cancelTimers.delete(cancel);
      if (this.closed) return;
      fn().catch((error: unknown) => this.logger.error("background transition failed", { error }));
    });
    this.cancelTimers.add(cancel);
  }

  /** Ends the stream's current CREATING / UPDATING / DELETING state when its time comes. */
  private scheduleTransition(stream: StreamRuntime): void {
    const until = stream.meta.statusUntilMs;
    if (stream.meta.status === "ACTIVE" || until === undefined) return;
    this.timer(until - this.clock.now(), () => this.completeTransition(stream));
  }

  private async completeTransition(stream: StreamRuntime): Promise<void> {
    if (this.streams.get(streamKeyString(stream.meta)) !== stream) return;
    await this.locked(stream.meta, () => this.completeTransitionLocked(stream));
  }

  /** Enters a transitional state; with a zero duration it completes before the caller returns. */
  private async transition(stream: StreamRuntime, durationMs: number): Promise<void> {
    if (durationMs <= 0) {
      await this.completeTransitionLocked(stream);
      return;
    }
    this.scheduleTransition(stream);
  }

  private async completeTransitionLocked(stream: StreamRuntime): Promise<void> {
    switch (stream.meta.status) {
      case "CREATING":
        await this.change(stream, (m) => {
          m.status = "ACTIVE";
          m.statusUntilMs = undefined;
        });
        break;
      case "UPDATING":
        await this.finishUpdate(stream);
        break;
      case "DELETING":
        await this.finishDelete(stream);
        break;
      case "ACTIVE":
        break;
    }
  }

  private async finishUpdate(stream: StreamRuntime): Promise<void> {
    const pending = stream.meta.pendingReshard;
    if (!pending) {
      await this.change(stream, (m) => {
        m.status = "ACTIVE";
        m.statusUntilMs = undefined;
      });
      return;
    }
    await this.applyReshard(stream, pending);
  }

  /**
   * Swaps the shard map. Writers wait on a barrier while it happens so that no append lands on a
   * parent after its end offset is fixed; the new map is durable before any child takes a write.
   */
  private async applyReshard(stream: StreamRuntime, pending: PendingReshard): Promise<void> {
    let release!: () => void;
    stream.writeBarrier = new Promise<void>((resolve) => (release = resolve));
    try {
      const ctx = {
        nowMs: this.clock.now(),
        nextShardIndex: stream.meta.nextShardIndex,
        endOffsetOf: (shardId: string) => stream.shardsById.get(shardId)?.log?.endOffset ?? 0,
      };
      let result: ReshardResult;
      switch (pending.kind) {
        case "split":
          result = planSplit(stream.meta.shards, pending.shardId, BigInt(pending.newStartingHashKey), ctx);
          break;
        case "merge":
          result = planMerge(stream.meta.shards, pending.shardId, pending.adjacentShardId, ctx);
          break;
        case "scale":
          result = planUniformScaling(stream.meta.shards, pending.targetShardCount, ctx);
          break;
      }
      await this.change(stream, (m) => {
        m.shards = result.shards;
        m.nextShardIndex = result.nextShardIndex;
        m.pendingReshard = undefined;
        m.status = "ACTIVE";
        m.statusUntilMs = undefined;
      });
      // Children get their logs before the barrier lifts, so the write path never waits to open one.
      await this.openLogs(stream);
      for (const shard of stream.shardsById.values()) {
        // Wake readers waiting at the end of a shard that just closed, so they see ChildShards.
        if (!shard.isOpen) this.notifier.notify(this.notificationKey(stream, shard.shardId));
      }
    } finally {
      stream.writeBarrier = undefined;
      release();
    }
  }

  private async finishDelete(stream: StreamRuntime): Promise<void> {
    const key = this.keyOf(stream);
    // Logs first, metadata last: a crash in between leaves a DELETING stream that start-up finishes.
    await this.storage.logs.removeStream(key);
    await this.store.remove(key);
    this.streams.delete(streamKeyString(key));
    for (const shard of stream.shardsById.values()) {
      shard.log = undefined;
      this.notifier.notify(this.notificationKey(stream, shard.shardId));
    }
  }

  // ---------------------------------------------------------------- streams

  private accountShardCount(account: string, region: string): number {
    let count = 0;
    for (const s of this.streams.values()) if (s.meta.account === account && s.meta.region === region) count += s.openShardCount;
    return count;
  }

  private checkShardLimit(key: StreamKey, additional: number): void {
    const current = this.accountShardCount(key.account, key.region);
    if (current + additional > this.options.shardLimit) {
      throw limitExceeded(
        `This request would exceed the shard limit for the account ${key.account} in ${key.region}. ` +
          `Current shard count for the account: ${current}. Limit: ${this.options.shardLimit}. ` +
          `Number of additional shards that would have resulted from this request: ${additional}. ` +
          "Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) " +
          "for current limits and how to request higher limits.",
      );
    }
  }

  async createStream(key: StreamKey, options: CreateStreamOptions): Promise<void> {
    await this.locked(key, async () => {
      if (this.streams.has(streamKeyString(key))) {
        throw inUse(`Stream ${key.streamName} under account ${key.account} already exists.`);
      }
      const shardCount = options.mode === "ON_DEMAND" ? onDemandInitialShardCount(options.warmThroughputMiBps) : options.shardCount;
      if (shardCount === undefined) throw invalidArgument("ShardCount is required for a stream in PROVISIONED mode.");
      this.guards.checkCreateStream(key, this.listStreams(key.account, key.region));
      this.checkShardLimit(key, shardCount);
      if (options.mode === "ON_DEMAND") this.checkOnDemandLimit(key);
      const nowMs = this.clock.now();
      const shards = evenHashKeyRanges(shardCount).map(
        (range, index): ShardMeta => ({
          shardId: shardIdOf(index),
          index,
          startingHashKey: range.startingHashKey.toString(),
          endingHashKey: range.endingHashKey.toString(),
          createdMs: nowMs,
        }),
      );
      const meta: StreamMeta = {
        ...key,
        createdMs: nowMs,
        status: "CREATING",
        statusUntilMs: nowMs + this.durations.createStreamMs,
        mode: options.mode,
        retentionHours: RETENTION_HOURS_DEFAULT,
        shards,
        nextShardIndex: shardCount,
        encryptionType: "NONE",
        shardLevelMetrics: [],
        tags: { ...(options.tags ?? {}) },
        maxRecordSizeKiB: options.maxRecordSizeKiB ?? RECORD_SIZE_KIB_MIN,
        warmThroughputMiBps: options.warmThroughputMiBps,
        consumers: [],
        scalingHistoryMs: [],
        modeSwitchHistoryMs: [],
      };
      // Logs of an earlier stream of the same name are gone already (deleted before its metadata).
      await this.store.save(meta);
      const stream = new StreamRuntime(meta);
      await this.openLogs(stream);
      this.streams.set(streamKeyString(key), stream);
      await this.transition(stream, this.durations.createStreamMs);
    });
  }

  private checkOnDemandLimit(key: StreamKey): void {
    const count = this.listStreams(key.account, key.region).filter((s) => s.meta.mode === "ON_DEMAND").length;
    if (count + 1 > this.options.onDemandStreamCountLimit) {
      throw limitExceeded(
        `This request would exceed the on-demand stream count limit for the account ${key.account} in ${key.region}. ` +
          `Current on-demand stream count: ${count}. Limit: ${this.options.onDemandStreamCountLimit}.`,
      );
    }
  }

  async deleteStream(stream: StreamRuntime, enforceConsumerDeletion: boolean): Promise<void> {
    await this.locked(stream.meta, async () => {
      this.stream(stream.meta);
      if (stream.meta.consumers.length > 0 && !enforceConsumerDeletion) {
        throw inUse(
          `Stream ${stream.meta.streamName} under account ${stream.meta.account} has registered consumers. ` +
            "Deregister the consumers or call DeleteStream with EnforceConsumerDeletion set to true.",
        );
      }
      await this.change(stream, (m) => {
        m.status = "DELETING";
        m.statusUntilMs = this.clock.now() + this.durations.deleteStreamMs;
        for (const c of m.consumers) c.status = "DELETING";
      });
      await this.transition(stream, this.durations.deleteStreamMs);
    });
  }

  /** Starts an UPDATING transition that applies `mutate` at once (the change is visible while UPDATING). */
  private async update(stream: StreamRuntime, mutate: (meta: StreamMeta) => void, pendingReshard?: PendingReshard): Promise<void> {
    await this.change(stream, (m) => {
      mutate(m);
      m.status = "UPDATING";
      m.statusUntilMs = this.clock.now() + this.durations.updateStreamMs;
      m.pendingReshard = pendingReshard;
    });
    await this.transition(stream, this.durations.updateStreamMs);
  }

  async increaseRetention(stream: StreamRuntime, hours: number): Promise<void> {
    await this.locked(stream.meta, async () => {
      const name = stream.meta.streamName;
      if (hours < RETENTION_HOURS_MIN) {
        throw invalidArgument(`Minimum allowed retention period is ${RETENTION_HOURS_MIN} hours. Requested retention period (${hours} hours) is too short.`);
      }
      if (hours > RETENTION_HOURS_MAX) {
        throw invalidArgument(`Maximum allowed retention period is ${RETENTION_HOURS_MAX} hours. Requested retention period (${hours} hours) is too long.`);
      }
      if (stream.meta.retentionHours > hours) {
        throw invalidArgument(
          `Requested retention period (${hours} hours) for stream ${name} can not be shorter than existing retention period (${stream.meta.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
        );
      }
      this.requireActive(stream);
      await this.change(stream, (m) => (m.retentionHours = hours));
    });
  }

  async decreaseRetention(stream: StreamRuntime, hours: number): Promise<void> {
    await this.locked(stream.meta, async () => {
      const name = stream.meta.streamName;
      if (hours < RETENTION_HOURS_MIN) {
        throw invalidArgument(`Minimum allowed retention period is ${RETENTION_HOURS_MIN} hours. Requested retention period (${hours} hours) is too short.`);
      }
      if (stream.meta.retentionHours < hours) {
        throw invalidArgument(
          `Requested retention period (${hours} hours) for stream ${name} can not be longer than existing retention period (${stream.meta.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
        );
      }
      this.requireActive(stream);
      await this.change(stream, (m) => (m.retentionHours = hours));
    });
    // Older data is unreadable at once (reads filter by the cutoff); the disk space follows now.
    await this.sweepStream(stream);
  }

  // ---------------------------------------------------------------- tags and policies

  async addTags(stream: StreamRuntime, tags: Record<string, string>): Promise<void> {
    await this.locked(stream.meta, async () => {
      const merged = { ...stream.meta.tags, ...tags };
      if (Object.keys(merged).length > TAGS_PER_STREAM_MAX) {
        throw invalidArgument(
          `Failed to add tags to stream ${stream.meta.streamName} under account ${stream.meta.account} because a given stream cannot have more than ${TAGS_PER_STREAM_MAX} tags associated with it.`,
        );
      }
      await this.change(stream, (m) => (m.tags = merged));
    });
  }

  async removeTags(stream: StreamRuntime, tagKeys: readonly string[]): Promise<void> {
    await this.locked(stream.meta, async () => {
      await this.change(stream, (m) => {
        for (const k of tagKeys) delete m.tags[k];
      });
    });
  }

  async tagResource(resource: ArnResource, tags: Record<string, string>): Promise<void> {
    if (resource.kind === "stream") return this.addTags(resource.stream, tags);
    const { stream, consumer } = resource;
    await this.locked(stream.meta, async () => {
      const merged = { ...consumer.tags, ...tags };
      if (Object.keys(merged).length > TAGS_PER_STREAM_MAX) {
        throw invalidArgument(`Failed to add tags to consumer ${consumer.consumerArn} because a resource cannot have more than ${TAGS_PER_STREAM_MAX} tags.`);
      }
      await this.changeConsumer(stream, consumer.consumerArn, (c) => (c.tags = merged));
    });
  }

  async untagResource(resource: ArnResource, tagKeys: readonly string[]): Promise<void> {
    if (resource.kind === "stream") return this.removeTags(resource.stream, tagKeys);
    const { stream, consumer } = resource;
    await this.locked(stream.meta, () =>
      this.changeConsumer(stream, consumer.consumerArn, (c) => {
        for (const k of tagKeys) delete c.tags[k];
      }),
    );
  }

  async setPolicy(resource: ArnResource, policy: string | undefined): Promise<void> {
    const { stream } = resource;
    await this.locked(stream.meta, async () => {
      if (resource.kind === "stream") await this.change(stream, (m) => (m.policy = policy));
      else await this.changeConsumer(stream, resource.consumer.consumerArn, (c) => (c.policy = policy));
    });
  }

  // ---------------------------------------------------------------- stream settings

  async startEncryption(stream: StreamRuntime, keyId: string): Promise<void> {
    await this.locked(stream.meta, async () => {
      this.requireActive(stream);
      this.options.recordCipher?.checkKey(stream.meta.account, stream.meta.region, keyId);
      await this.update(stream, (m) => {
        m.encryptionType = "KMS";
        m.keyId = keyId;
      });
    });
  }

  async stopEncryption(stream: StreamRuntime): Promise<void> {
    await this.locked(stream.meta, async () => {
      this.requireActive(stream);
      await this.update(stream, (m) => {
        m.encryptionType = "NONE";
        m.keyId = undefined;
      });
    });
  }

  /** Returns the metrics before and after the change, as Enable/DisableEnhancedMonitoring report them. */
  async setShardLevelMetrics(
    stream: StreamRuntime,
    metrics: readonly (ShardLevelMetric | "ALL")[],
    enable: boolean,
  ): Promise<{ current: ShardLevelMetric[]; desired: ShardLevelMetric[] }> {
    return this.locked(stream.meta, async () => {
      this.requireActive(stream);
      const named = metrics.flatMap((m) => (m === "ALL" ? SHARD_LEVEL_METRICS : [m]));
      const current = [...stream.meta.shardLevelMetrics];
      const set = new Set(current);
      for (const metric of named) {
        if (enable) set.add(metric);
        else set.delete(metric);
      }
      const desired = SHARD_LEVEL_METRICS.filter((m) => set.has(m));
      await this.change(stream, (m) => (m.shardLevelMetrics = desired));
      return { current, desired };
    });
  }

  async updateMaxRecordSize(stream: StreamRuntime, maxRecordSizeKiB: number): Promise<void> {
    await this.locked(stream.meta, async () => {
      this.requireActive(stream);
      await this.update(stream, (m) => (m.maxRecordSizeKiB = maxRecordSizeKiB));
    });
  }

  async updateWarmThroughput(stream: StreamRuntime, warmThroughputMiBps: number): Promise<{ previous: number | undefined }> {
    return this.locked(stream.meta, async () => {
      this.requireActive(stream);
      if (stream.meta.mode !== "ON_DEMAND") {
        throw validation("Warm throughput can only be configured for streams in ON_DEMAND capacity mode.");
      }
      const previous = stream.meta.warmThroughputMiBps;
      await this.update(stream, (m) => (m.warmThroughputMiBps = warmThroughputMiBps));
      return { previous };
    });
  }

  async updateStreamMode(stream: StreamRuntime, mode: StreamMode, warmThroughputMiBps: number | undefined): Promise<void> {
    await this.locked(stream.meta, async () => {
      this.requireActive(stream);
      if (stream.meta.mode === mode) {
        throw invalidArgument(`Stream ${stream.meta.streamName} under account ${stream.meta.account} is already in ${mode} mode.`);
      }
      if (mode === "ON_DEMAND") this.checkOnDemandLimit(stream.meta);
      this.guards.checkModeSwitch(stream);
      const nowMs = this.clock.now();
      await this.update(stream, (m) => {
        m.mode = mode;
        if (warmThroughputMiBps !== undefined) m.warmThroughputMiBps = warmThroughputMiBps;
        m.modeSwitchHistoryMs = [...m.modeSwitchHistoryMs.filter((t) => t > nowMs - DAY_MS), nowMs];
      });
    });
  }

  // ---------------------------------------------------------------- resharding

  private requireProvisioned(stream: StreamRuntime, operation: string): void {
    if (stream.meta.mode !== "PROVISIONED") {
      throw validation(`${operation} is not supported for stream ${stream.meta.streamName} under account ${stream.meta.account} because it is in ON_DEMAND capacity mode.`);
    }
  }

  private shardForReshard(stream: StreamRuntime, shardId: string): ShardRuntime {
    const shard = stream.shardsById.get(shardId);
    if (!shard || this.isExpired(stream, shard)) {
      throw notFound(`Could not find shard ${shardId} in stream ${stream.meta.streamName} under account ${stream.meta.account}.`);
    }
    if (!shard.isOpen) {
      throw invalidArgument(
        `Shard ${shardId} in stream ${stream.meta.streamName} under account ${stream.meta.account} has already been merged or split, and thus is not eligible for merging or splitting.`,
      );
    }
    return shard;
  }

  async splitShard(stream: StreamRuntime, shardId: string, newStartingHashKey: bigint): Promise<void> {
    await this.locked(stream.meta, async () => {
      this.requireProvisioned(stream, "SplitShard");
      this.requireActive(stream);
      const shard = this.shardForReshard(stream, shardId);
      this.checkShardLimit(stream.meta, 1);
      if (newStartingHashKey <= shard.startingHashKey + 1n || newStartingHashKey >= shard.endingHashKey || newStartingHashKey > HASH_KEY_MAX) {
        throw invalidArgument(
          `NewStartingHashKey ${newStartingHashKey} used in SplitShard() on shard ${shardId} in stream ${stream.meta.streamName} under account ${stream.meta.account} ` +
            `is not both greater than one plus the shard's StartingHashKey ${shard.meta.startingHashKey} and less than the shard's EndingHashKey ${shard.meta.endingHashKey}.`,
        );
      }
      await this.update(stream, () => undefined, { kind: "split", shardId, newStartingHashKey: newStartingHashKey.toString() });
    });
  }

  async mergeShards(stream: StreamRuntime, shardId: string, adjacentShardId: string): Promise<void> {
    await this.locked(stream.meta, async () => {
      this.requireProvisioned(stream, "MergeShards");
      this.requireActive(stream);
      const shard = this.shardForReshard(stream, shardId);
      const adjacent = this.shardForReshard(stream, adjacentShardId);
      const adjacentPair = shard.endingHashKey + 1n === adjacent.startingHashKey || adjacent.endingHashKey + 1n === shard.startingHashKey;
      if (!adjacentPair) {
        throw invalidArgument(
          `Shards ${shardId} and ${adjacentShardId} in stream ${stream.meta.streamName} under account ${stream.meta.account} are not an adjacent pair of shards eligible for merging`,
        );
      }
      await this.update(stream, () => undefined, { kind: "merge", shardId, adjacentShardId });
    });
  }

  async updateShardCount(stream: StreamRuntime, targetShardCount: number): Promise<{ current: number }> {
    return this.locked(stream.meta, async () => {
      this.requireProvisioned(stream, "UpdateShardCount");
      this.requireActive(stream);
      this.guards.checkUpdateShardCount(stream, targetShardCount);
      const current = stream.openShardCount;
      if (targetShardCount > current) this.checkShardLimit(stream.meta, targetShardCount - current);
      const nowMs = this.clock.now();
      await this.update(
        stream,
        (m) => (m.scalingHistoryMs = [...m.scalingHistoryMs.filter((t) => t > nowMs - DAY_MS), nowMs]),
        { kind: "scale", targetShardCount },
      );
      return { current };
    });
  }

  // ---------------------------------------------------------------- on-demand scaling (scaling/)

  /** Every stream of every account and region, for background work. */
  allStreams(): StreamRuntime[] {
    return [...this.streams.values()];
  }

  /**
   * Splits each named open shard of an ACTIVE on-demand stream at the middle of its hash range,
   * exactly as SplitShard would (lineage, ChildShards, parents closed at their end offsets) but
   * without an UPDATING state: AWS scales on-demand streams behind the scenes. Stops at the account's
   * shard limit or the per-stream maximum; returns how many shards it split.
   */
  async splitForScaling(stream: StreamRuntime, shardIds: readonly string[]): Promise<number> {
    return this.locked(stream.meta, async () => {
      if (this.streams.get(streamKeyString(stream.meta)) !== stream) return 0;
      if (stream.meta.status !== "ACTIVE" || stream.meta.mode !== "ON_DEMAND") return 0;
      let split = 0;
      for (const shardId of shardIds) {
        const shard = stream.shardsById.get(shardId);
        if (!shard?.isOpen || shard.endingHashKey - shard.startingHashKey < 4n) continue;
        if (this.accountShardCount(stream.meta.account, stream.meta.region) + 1 > this.options.shardLimit) break;
        if (stream.openShardCount + 1 > SHARDS_PER_STREAM_MAX) break;
        const middle = shard.startingHashKey + (shard.endingHashKey - shard.startingHashKey + 1n) / 2n;
        await this.applyReshard(stream, { kind: "split", shardId, newStartingHashKey: middle.toString() });
        split++;
      }
      return split;
    });
  }

  // ---------------------------------------------------------------- limits and account settings

  describeLimits(account: string, region: string): StreamLimits {
    const streams = this.listStreams(account, region);
    return {
      shardLimit: this.options.shardLimit,
      openShardCount: this.accountShardCount(account, region),
      onDemandStreamCount: streams.filter((s) => s.meta.mode === "ON_DEMAND").length,
      onDemandStreamCountLimit: this.options.onDemandStreamCountLimit,
    };
  }

  getAccountSettings(account: string): AccountSettings {
    return this.accountSettings.get(account) ?? {};
  }

  async updateAccountSettings(account: string, enabled: boolean): Promise<AccountSettings> {
    const nowMs = this.clock.now();
    const previous = this.accountSettings.get(account)?.minimumThroughputBillingCommitment;
    const settings: AccountSettings = enabled
      ? { minimumThroughputBillingCommitment: { status: "ENABLED", startedAtMs: previous?.startedAtMs ?? nowMs, earliestAllowedEndAtMs: (previous?.startedAtMs ?? nowMs) + DAY_MS } }
      : { minimumThroughputBillingCommitment: { status: "DISABLED", startedAtMs: previous?.startedAtMs, endedAtMs: nowMs } };
    await this.storage.metadata.commit([{ collection: METADATA_COLLECTIONS.accountSettings, key: account, value: settings }]);
    this.accountSettings.set(account, settings);
    return settings;
  }

  // ---------------------------------------------------------------- consumers

  private async changeConsumer(stream: StreamRuntime, arn: string, mutate: (consumer: ConsumerMeta) => void): Promise<void> {
    await this.change(stream, (m) => {
      const consumer = m.consumers.find((c) => c.consumerArn === arn);
      if (consumer) mutate(consumer);
    });
  }

  consumer(stream: StreamRuntime, name: string | undefined, arn: string | undefined): ConsumerMeta {
    const consumer = stream.meta.consumers.find((c) => (arn !== undefined ? c.consumerArn === arn : c.consumerName === name));
    if (!consumer) {
      throw notFound(`Consumer ${arn ?? name}, account ${stream.meta.account}, not found.`);
    }
    return consumer;
  }

  consumerByArn(arn: string): { stream: StreamRuntime; consumer: ConsumerMeta } {
    const ref = parseConsumerArn(arn);
    if (!ref) throw invalidArgument(`Invalid ConsumerARN ${arn}.`);
    const stream = this.findStream(ref);
    const consumer = stream?.meta.consumers.find((c) => c.consumerArn === arn);
    if (!stream || !consumer) throw notFound(`Consumer ${arn}, account ${ref.account}, not found.`);
    return { stream, consumer };
  }

  async registerConsumer(stream: StreamRuntime, consumerName: string, tags: Record<string, string>): Promise<ConsumerMeta> {
    return this.locked(stream.meta, async () => {
      if (stream.meta.status !== "ACTIVE" && stream.meta.status !== "UPDATING") {
        throw inUse(`Stream ${stream.meta.streamName} under account ${stream.meta.account} not ACTIVE, instead in state ${stream.meta.status}`);
      }
      if (stream.meta.consumers.some((c) => c.consumerName === consumerName)) {
        throw inUse(`Consumer ${consumerName} under stream ${stream.meta.streamName} already exists for account ${stream.meta.account}.`);
      }
      if (stream.meta.consumers.length >= CONSUMERS_PER_STREAM_MAX) {
        throw limitExceeded(`Consumer limit of ${CONSUMERS_PER_STREAM_MAX} for stream ${stream.meta.streamName} under account ${stream.meta.account} has been reached.`);
      }
      this.guards.checkRegisterConsumer(stream, this.listStreams(stream.meta.account, stream.meta.region));
      const nowMs = this.clock.now();
      const consumer: ConsumerMeta = {
        consumerName,
        consumerArn: consumerArn(stream.meta, consumerName, Math.floor(nowMs / 1000)),
        createdMs: nowMs,
        status: "CREATING",
        statusUntilMs: nowMs + this.durations.registerConsumerMs,
        tags: { ...tags },
      };
      await this.change(stream, (m) => m.consumers.push(consumer));
      if (this.durations.registerConsumerMs <= 0) await this.completeConsumerTransition(stream, consumer.consumerArn);
      else this.scheduleConsumerTransition(stream, consumer);
      return consumer;
    });
  }

  async deregisterConsumer(stream: StreamRuntime, consumer: ConsumerMeta): Promise<void> {
    await this.locked(stream.meta, async () => {
      await this.changeConsumer(stream, consumer.consumerArn, (c) => {
        c.status = "DELETING";
        c.statusUntilMs = this.clock.now() + this.durations.deregisterConsumerMs;
      });
      if (this.durations.deregisterConsumerMs <= 0) await this.completeConsumerTransition(stream, consumer.consumerArn);
      else this.scheduleConsumerTransition(stream, consumer);
    });
  }

  private scheduleConsumerTransition(stream: StreamRuntime, consumer: ConsumerMeta): void {
    const current = stream.meta.consumers.find((c) => c.consumerArn === consumer.consumerArn);
    if (!current || current.status === "ACTIVE" || current.statusUntilMs === undefined) return;
    this.timer(current.statusUntilMs - this.clock.now(), () =>
      this.locked(stream.meta, () => this.completeConsumerTransition(stream, consumer.consumerArn)),
    );
  }

  /** Listeners told when a consumer is deregistered, so its subscriptions end. */
  readonly consumerRemovedListeners = new Set<(consumerArn: string) => void>();

  private async completeConsumerTransition(stream: StreamRuntime, arn: string): Promise<void> {
    if (this.streams.get(streamKeyString(stream.meta)) !== stream) return;
    const consumer = stream.meta.consumers.find((c) => c.consumerArn === arn);
    if (!consumer) return;
    if (consumer.status === "CREATING") {
      await this.changeConsumer(stream, arn, (c) => {
        c.status = "ACTIVE";
        c.statusUntilMs = undefined;
      });
    } else if (consumer.status === "DELETING") {
      await this.change(stream, (m) => (m.consumers = m.consumers.filter((c) => c.consumerArn !== arn)));
      for (const listener of this.consumerRemovedListeners) listener(arn);
    }
  }

  // ---------------------------------------------------------------- retention

  private scheduleRetentionSweep(): void {
    this.timer(this.options.retentionSweepIntervalMs, async () => {
      for (const stream of [...this.streams.values()]) {
        await this.sweepStream(stream).catch((error: unknown) => this.logger.warn("retention sweep failed", { stream: stream.meta.streamName, error }));
      }
      this.scheduleRetentionSweep();
    });
  }

  /** Deletes segments past retention, and the logs and metadata of shards that have EXPIRED. */
  async sweepStream(stream: StreamRuntime): Promise<void> {
    const cutoffMs = this.clock.now() - stream.retentionMs;
    for (const shard of stream.shardsById.values()) {
      if (shard.log) await shard.log.trimOlderThan(cutoffMs);
    }
  }
}

export { StreamsError };
