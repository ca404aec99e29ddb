import { parseConsumerArn, parseStreamArn } from "../../../core/arn.js";
import type { Clock } from "../../../core/clock.js";
import {
  CONSUMERS_CREATING_MAX,
  EFO_READ_BYTES_PER_SECOND_MAX,
  MODE_SWITCHES_PER_DAY_MAX,
  RATE_BUCKETS_TRACKED_MAX,
  SHARDS_PER_STREAM_MAX,
  SHARD_GET_RECORDS_CALLS_PER_SECOND_MAX,
  SHARD_GET_SHARD_ITERATOR_CALLS_PER_SECOND_MAX,
  SHARD_READ_BYTES_PER_SECOND_MAX,
  SHARD_WRITE_BURST_SECONDS,
  SHARD_WRITE_BYTES_PER_SECOND_MAX,
  SHARD_WRITE_RECORDS_PER_SECOND_MAX,
  STREAMS_IN_TRANSITION_MAX,
  SUBSCRIBE_TO_SHARD_CALLS_PER_SECOND_MAX,
  UPDATE_SHARD_COUNT_CALLS_PER_DAY_MAX,
} from "../../../core/limits.js";
import { StreamsError, limitExceeded } from "../errors.js";
import type { StreamKey } from "../model.js";
import type { ShardWriteMeter } from "../scaling/write-meter.js";
import type { ShardRuntime } from "../shard-runtime.js";
import type { StreamRuntime } from "../stream-runtime.js";
import { CONTROL_PLANE_CALL_RATES } from "./control-plane-rates.js";
import type { EngineGuards, SubscriptionPacer, WriteGate } from "./engine-guards.js";
import { accountRateExceeded, consumerRateExceeded, shardRateExceeded, streamRateExceeded } from "./messages.js";
import { DebtBudget, TokenBucket } from "./token-bucket.js";

const DAY_MS = 24 * 3_600_000;

/** Every budget one shard has. */
class ShardBudgets {
  readonly writeBytes: TokenBucket;
  readonly writeRecords: TokenBucket;
  readonly getRecordsCalls: TokenBucket;
  readonly readBytes = new DebtBudget(SHARD_READ_BYTES_PER_SECOND_MAX);
  readonly iteratorCalls: TokenBucket;

  constructor(nowMs: number) {
    this.writeBytes = new TokenBucket(SHARD_WRITE_BYTES_PER_SECOND_MAX * SHARD_WRITE_BURST_SECONDS, SHARD_WRITE_BYTES_PER_SECOND_MAX, nowMs);
    this.writeRecords = new TokenBucket(SHARD_WRITE_RECORDS_PER_SECOND_MAX * SHARD_WRITE_BURST_SECONDS, SHARD_WRITE_RECORDS_PER_SECOND_MAX, nowMs);
    this.getRecordsCalls = new TokenBucket(SHARD_GET_RECORDS_CALLS_PER_SECOND_MAX, SHARD_GET_RECORDS_CALLS_PER_SECOND_MAX, nowMs);
    this.iteratorCalls = new TokenBucket(SHARD_GET_SHARD_ITERATOR_CALLS_PER_SECOND_MAX, SHARD_GET_SHARD_ITERATOR_CALLS_PER_SECOND_MAX, nowMs);
  }
}

const throughputExceeded = (message: string) => new StreamsError("throughput-exceeded", message);

/** A map that forgets its oldest entries beyond a bound, so unbounded key sets cannot grow memory. */
class BoundedMap<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    if (!this.has(key) && this.size >= RATE_BUCKETS_TRACKED_MAX) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

/** The stream a control-plane request names, if any (by name, stream ARN or consumer ARN). */
function streamNamed(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const fields = input as { StreamName?: unknown; StreamARN?: unknown; ConsumerARN?: unknown; ResourceARN?: unknown };
  if (typeof fields.StreamName === "string") return fields.StreamName;
  for (const arn of [fields.StreamARN, fields.ConsumerARN, fields.ResourceARN]) {
    if (typeof arn !== "string") continue;
    const ref = parseStreamArn(arn) ?? parseConsumerArn(arn);
    if (ref) return ref.streamName;
  }
  return undefined;
}

/** AWS's limits (`--limits aws`): per-shard throughput, per-operation call rates, control-plane quotas. */
export class AwsGuards implements EngineGuards {
  readonly mode = "aws" as const;
  private readonly shards = new WeakMap<ShardRuntime, ShardBudgets>();
  private readonly callBuckets = new BoundedMap<TokenBucket>();
  private readonly subscribeBuckets = new BoundedMap<TokenBucket>();
  private readonly efoBudgets = new BoundedMap<DebtBudget>();

  constructor(
    private readonly clock: Clock,
    private readonly meter: ShardWriteMeter,
  ) {}

  private budgets(shard: ShardRuntime, nowMs: number): ShardBudgets {
    let budgets = this.shards.get(shard);
    if (!budgets) {
      budgets = new ShardBudgets(nowMs);
      this.shards.set(shard, budgets);
    }
    return budgets;
  }

  writeGate(stream: StreamRuntime): WriteGate {
    const nowMs = this.clock.now();
    const meter = stream.meta.mode === "ON_DEMAND" ? this.meter : undefined;
    return {
      admit: (shard, bytes) => {
        const budgets = this.budgets(shard, nowMs);
        if (!budgets.writeRecords.canTake(1, nowMs) || !budgets.writeBytes.canTake(bytes, nowMs)) {
          return shardRateExceeded(shard.shardId, stream.meta.streamName, stream.meta.account);
        }
        budgets.writeRecords.take(1, nowMs);
        budgets.writeBytes.take(bytes, nowMs);
        meter?.add(shard, bytes);
        return undefined;
      },
    };
  }

  admitGetRecords(stream: StreamRuntime, shard: ShardRuntime): (bytes: number) => void {
    const nowMs = this.clock.now();
    const budgets = this.budgets(shard, nowMs);
    // A throttled call returns no data and does not spend a call: the client learns at once.
    if (!budgets.readBytes.isFree(nowMs) || !budgets.getRecordsCalls.tryTake(1, nowMs)) {
      throw throughputExceeded(shardRateExceeded(shard.shardId, stream.meta.streamName, stream.meta.account));
    }
    return (bytes) => budgets.readBytes.charge(bytes, nowMs);
  }

  admitGetShardIterator(stream: StreamRuntime, shard: ShardRuntime): void {
    const nowMs = this.clock.now();
    if (!this.budgets(shard, nowMs).iteratorCalls.tryTake(1, nowMs)) {
      throw throughputExceeded(shardRateExceeded(shard.shardId, stream.meta.streamName, stream.meta.account));
    }
  }

  admitSubscribe(_stream: StreamRuntime, consumerArn: string, shardId: string): void {
    const nowMs = this.clock.now();
    const key = `${consumerArn}|${shardId}`;
    let bucket = this.subscribeBuckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(SUBSCRIBE_TO_SHARD_CALLS_PER_SECOND_MAX, SUBSCRIBE_TO_SHARD_CALLS_PER_SECOND_MAX, nowMs);
      this.subscribeBuckets.set(key, bucket);
    }
    if (!bucket.tryTake(1, nowMs)) throw limitExceeded(consumerRateExceeded(consumerArn, shardId));
  }

  subscriptionPacer(stream: StreamRuntime, consumerArn: string, shardId: string): SubscriptionPacer {
    // Keyed by the stream's creation too: a re-created stream's consumer starts with a fresh budget.
    const key = `${consumerArn}|${stream.meta.createdMs}|${shardId}`;
    let budget = this.efoBudgets.get(key);
    if (!budget) {
      budget = new DebtBudget(EFO_READ_BYTES_PER_SECOND_MAX);
      this.efoBudgets.set(key, budget);
    }
    const owed = budget;
    const clock = this.clock;
    return {
      async pace(bytes, signal) {
        owed.charge(bytes, clock.now());
        const waitMs = owed.freeAt - clock.now();
        if (waitMs <= 0 || signal.aborted) return;
        await new Promise<void>((resolve) => {
          const cancel = clock.setTimer(waitMs, done);
          function done() {
            signal.removeEventListener("abort", aborted);
            resolve();
          }
          function aborted() {
            cancel();
            resolve();
          }
          signal.addEventListener("abort", aborted, { once: true });
        });
      },
    };
  }

  admitCall(operation: string, account: string, region: string, input: unknown): void {
    const rate = CONTROL_PLANE_CALL_RATES[operation];
    if (!rate) return;
    const streamName = streamNamed(input);
    const scopeKey = rate.scope === "stream" && streamName !== undefined ? `${account}/${region}/${streamName}` : `${account}/${region}`;
    const key = `${operation}|${scopeKey}`;
    const nowMs = this.clock.now();
    let bucket = this.callBuckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rate.callsPerSecond, rate.callsPerSecond, nowMs);
      this.callBuckets.set(key, bucket);
    }
    if (!bucket.tryTake(1, nowMs)) {
      throw limitExceeded(streamName !== undefined ? streamRateExceeded(streamName, account) : accountRateExceeded(account));
    }
  }

  checkCreateStream(key: StreamKey, streamsInRegion: readonly StreamRuntime[]): void {
    const inTransition = streamsInRegion.filter((s) => s.meta.status === "CREATING" || s.meta.status === "DELETING").length;
    if (inTransition >= STREAMS_IN_TRANSITION_MAX) {
      throw limitExceeded(
        `This request would exceed the limit on the number of streams that can simultaneously be in CREATING or DELETING for account ${key.account}. Limit: ${STREAMS_IN_TRANSITION_MAX}`,
      );
    }
  }

  checkRegisterConsumer(stream: StreamRuntime, streamsInRegion: readonly StreamRuntime[]): void {
    let creating = 0;
    for (const s of streamsInRegion) for (const c of s.meta.consumers) if (c.status === "CREATING") creating++;
    if (creating >= CONSUMERS_CREATING_MAX) {
      throw limitExceeded(
        `This request would exceed the limit on the number of consumers that can simultaneously be in CREATING state for account ${stream.meta.account}. Limit: ${CONSUMERS_CREATING_MAX}`,
      );
    }
  }

  checkUpdateShardCount(stream: StreamRuntime, targetShardCount: number): void {
    const open = stream.openShardCount;
    const counts = `Current open shard count: ${open}, Target shard count: ${targetShardCount}`;
    // Wording as kinesalite recorded it from AWS.
    if (targetShardCount > SHARDS_PER_STREAM_MAX) {
      throw limitExceeded(`Target shard count or number of open shards cannot be greater than ${SHARDS_PER_STREAM_MAX}. ${counts}`);
    }
    if (targetShardCount > open * 2) {
      throw limitExceeded(`UpdateShardCount cannot scale up over double your current open shard count. ${counts}`);
    }
    if (targetShardCount < open / 2) {
      throw limitExceeded(`UpdateShardCount cannot scale down below half your current open shard count. ${counts}`);
    }
    const nowMs = this.clock.now();
    if (stream.meta.scalingHistoryMs.filter((t) => t > nowMs - DAY_MS).length >= UPDATE_SHARD_COUNT_CALLS_PER_DAY_MAX) {
      throw limitExceeded(streamRateExceeded(stream.meta.streamName, stream.meta.account));
    }
  }

  checkModeSwitch(stream: StreamRuntime): void {
    const nowMs = this.clock.now();
    // AWS answers a third switch within 24 hours with its generic stream throttle.
    if (stream.meta.modeSwitchHistoryMs.filter((t) => t > nowMs - DAY_MS).length >= MODE_SWITCHES_PER_DAY_MAX) {
      throw limitExceeded(streamRateExceeded(stream.meta.streamName, stream.meta.account));
    }
  }
}
