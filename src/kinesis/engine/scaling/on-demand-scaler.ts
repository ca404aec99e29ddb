import {
  ON_DEMAND_INITIAL_SHARDS,
  ON_DEMAND_PEAK_CAPACITY_FACTOR,
  ON_DEMAND_PEAK_MEMORY_MS,
  ON_DEMAND_SCALE_WINDOW_MS_DEFAULT,
  ON_DEMAND_SHARD_SPLIT_BYTES_PER_SECOND,
  SHARD_WRITE_BYTES_PER_SECOND_MAX,
  WARM_THROUGHPUT_SHARDS_PER_MIBPS,
} from "../../../core/limits.js";
import { streamKeyString } from "../model.js";
import type { ShardRuntime } from "../shard-runtime.js";
import type { StreamRuntime } from "../stream-runtime.js";
import type { StreamsEngine } from "../streams-engine.js";
import type { ShardWriteMeter } from "./write-meter.js";

export interface OnDemandScalingOptions {
  /** How often on-demand streams are evaluated; rates are averages over this window. */
  windowMs: number;
  /** A shard writing more than this (bytes per second, averaged over the window) is split. */
  splitBytesPerSecond: number;
  /** How long a peak write rate is remembered (capacity stays at twice it). */
  peakMemoryMs: number;
}

export const DEFAULT_ON_DEMAND_SCALING: OnDemandScalingOptions = {
  windowMs: ON_DEMAND_SCALE_WINDOW_MS_DEFAULT,
  splitBytesPerSecond: ON_DEMAND_SHARD_SPLIT_BYTES_PER_SECOND,
  peakMemoryMs: ON_DEMAND_PEAK_MEMORY_MS,
};

/** Shards a warm throughput of `mibps` needs (one shard writes 1 MiB/s). */
export function warmThroughputShards(mibps: number | undefined): number {
  return mibps === undefined ? 0 : Math.ceil(mibps * WARM_THROUGHPUT_SHARDS_PER_MIBPS);
}

/** A new on-demand stream's shards: AWS's 4 (4 MB/s), or more when warm throughput asks for more. */
export function onDemandInitialShardCount(warmThroughputMiBps: number | undefined): number {
  return Math.max(ON_DEMAND_INITIAL_SHARDS, warmThroughputShards(warmThroughputMiBps));
}

/** Shards needed to carry `factor` times the peak write rate. */
function capacityShards(peakBytesPerSecond: number): number {
  return Math.ceil((ON_DEMAND_PEAK_CAPACITY_FACTOR * peakBytesPerSecond) / SHARD_WRITE_BYTES_PER_SECOND_MAX);
}

interface PeakSample {
  atMs: number;
  bytesPerSecond: number;
}

/** Splits are done in rounds; each at most doubles the open shards, so this bounds one evaluation. */
const SPLIT_ROUNDS_MAX = 16;

/**
 * Scales on-demand streams as AWS describes: every window, a shard that wrote more than its share
 * (about 500 KB/s) is split, and the stream grows to carry twice the peak write rate it has seen
 * (remembered for 30 days) and at least its warm throughput. Splits go through the engine's own
 * resharding, so lineage, ChildShards and per-key order are those of SplitShard. Streams never
 * shrink (AWS documents no scale-down).
 */
export class OnDemandScaler {
  private lastEvaluationMs: number;
  private readonly peaks = new Map<string, PeakSample[]>();
  private queue: Promise<void> = Promise.resolve();
  private cancelTimer: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly engine: StreamsEngine,
    private readonly meter: ShardWriteMeter,
    readonly options: OnDemandScalingOptions,
  ) {
    this.lastEvaluationMs = engine.clock.now();
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  /** Resolves once every evaluation and provisioning started so far has finished. */
  settled(): Promise<void> {
    return this.queue;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancelTimer = this.engine.clock.setTimer(this.options.windowMs, () => {
      const nowMs = this.engine.clock.now();
      this.enqueue(() => this.evaluate(nowMs));
      this.schedule();
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    if (this.stopped) return this.queue;
    this.queue = this.queue.then(work).catch((error: unknown) => this.engine.logger.error("on-demand scaling failed", { error }));
    return this.queue;
  }

  /** Evaluates every on-demand stream over the time since the last evaluation (called by the timer). */
  async evaluate(nowMs = this.engine.clock.now()): Promise<void> {
    const elapsedMs = nowMs - this.lastEvaluationMs;
    this.lastEvaluationMs = nowMs;
    if (elapsedMs <= 0) return;
    for (const stream of this.engine.allStreams()) {
      const rates = new Map<ShardRuntime, number>();
      for (const shard of stream.shardsById.values()) {
        const bytes = this.meter.take(shard);
        if (shard.isOpen) rates.set(shard, (bytes * 1000) / elapsedMs);
      }
      if (stream.meta.mode !== "ON_DEMAND" || stream.meta.status !== "ACTIVE") continue;
      const peak = this.rememberPeak(stream, nowMs, [...rates.values()].reduce((a, b) => a + b, 0));
      const target = Math.max(capacityShards(peak), warmThroughputShards(stream.meta.warmThroughputMiBps));
      const hot = [...rates].filter(([, rate]) => rate > this.options.splitBytesPerSecond).sort((a, b) => b[1] - a[1]);
      await this.grow(stream, target, hot.map(([shard]) => shard), rates);
    }
  }

  /**
   * Provisions a stream's warm throughput (UpdateStreamWarmThroughput, UpdateStreamMode): at once when
   * the stream is ACTIVE, else as soon as its UPDATING state ends.
   */
  provisionWarmThroughput(stream: StreamRuntime): Promise<void> {
    const untilMs = stream.meta.statusUntilMs;
    if (stream.meta.status !== "ACTIVE" && untilMs !== undefined && !this.stopped) {
      this.engine.clock.setTimer(untilMs - this.engine.clock.now(), () => void this.provisionWarmThroughput(stream));
      return this.queue;
    }
    return this.enqueue(async () => {
      if (stream.meta.mode !== "ON_DEMAND") return;
      await this.grow(stream, warmThroughputShards(stream.meta.warmThroughputMiBps), [], new Map());
    });
  }

  private rememberPeak(stream: StreamRuntime, nowMs: number, bytesPerSecond: number): number {
    const key = `${streamKeyString(stream.meta)}/${stream.meta.createdMs}`;
    const samples = (this.peaks.get(key) ?? []).filter((s) => s.atMs > nowMs - this.options.peakMemoryMs);
    // Only samples that could be the peak are kept: a later, higher one makes earlier ones moot.
    while (samples.length > 0 && samples[samples.length - 1]!.bytesPerSecond <= bytesPerSecond) samples.pop();
    samples.push({ atMs: nowMs, bytesPerSecond });
    this.peaks.set(key, samples);
    return samples[0]!.bytesPerSecond;
  }

  /** Splits the hot shards, then the busiest (and widest) others until `target` shards are open. */
  private async grow(stream: StreamRuntime, target: number, hot: readonly ShardRuntime[], rates: ReadonlyMap<ShardRuntime, number>): Promise<void> {
    let mustSplit = hot.filter((s) => s.isOpen).map((s) => s.shardId);
    for (let round = 0; round < SPLIT_ROUNDS_MAX; round++) {
      const open = stream.openShardsInKeyOrder();
      const extra = Math.max(0, target - open.length - mustSplit.length);
      if (mustSplit.length === 0 && extra === 0) return;
      const candidates = open
        .filter((s) => !mustSplit.includes(s.shardId))
        .sort((a, b) => (rates.get(b) ?? 0) - (rates.get(a) ?? 0) || compareBigint(b.endingHashKey - b.startingHashKey, a.endingHashKey - a.startingHashKey))
        .slice(0, extra)
        .map((s) => s.shardId);
      const splits = [...mustSplit, ...candidates];
      const done = await this.engine.splitForScaling(stream, splits);
      if (done === 0) return;
      if (done < splits.length) {
        this.engine.logger.warn("on-demand scaling stopped at a shard limit", { stream: stream.meta.streamName, split: done, wanted: splits.length });
        return;
      }
      mustSplit = [];
    }
  }
}

function compareBigint(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
