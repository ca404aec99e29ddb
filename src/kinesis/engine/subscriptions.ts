import {
  SUBSCRIPTION_DURATION_MS_MAX,
  SUBSCRIPTION_EVENT_BYTES_MAX,
  SUBSCRIPTION_EVENT_RECORDS_MAX,
  SUBSCRIPTION_HEARTBEAT_MS,
  SUBSCRIPTION_TAKEOVER_MS_MIN,
} from "../../core/limits.js";
import { inUse, notFound, StreamsError } from "./errors.js";
import { recordsBytes } from "./limits/engine-guards.js";
import type { ChildShard, ConsumerMeta, ReadRecord, StartingPosition } from "./model.js";
import type { RecordsPlane } from "./records.js";
import type { StreamRuntime } from "./stream-runtime.js";
import type { StreamsEngine } from "./streams-engine.js";

export interface SubscriptionEvent {
  records: ReadRecord[];
  continuationSequenceNumber: string;
  millisBehindLatest: number;
  /** Present on the last event of a closed shard. */
  childShards?: ChildShard[] | undefined;
}

interface Session {
  startedMs: number;
  /** Ends the session with the given error (takeover, deregistration, stream deletion). */
  end: (error: StreamsError) => void;
}

export interface OpenedSubscription {
  /** Events until the shard ends, the session times out, or the signal aborts; errors end it with a thrown StreamsError. */
  events(signal: AbortSignal): AsyncGenerator<SubscriptionEvent, void, void>;
}

/**
 * Enhanced fan-out sessions (SubscribeToShard). One session per consumer and shard: a new call
 * within 5 seconds is refused, a later one takes over and the old session ends with
 * ResourceInUseException. Events are pushed when records become durable (append notifications),
 * with a heartbeat event when nothing arrives, and the session ends after 5 minutes.
 */
export class Subscriptions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly engine: StreamsEngine,
    private readonly records: RecordsPlane,
  ) {
    engine.consumerRemovedListeners.add((arn) => {
      for (const [key, session] of this.sessions) {
        if (key.startsWith(`${arn}|`)) session.end(inUse(`Consumer ${arn} was deregistered.`));
      }
    });
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  async open(stream: StreamRuntime, consumer: ConsumerMeta, shardId: string, position: StartingPosition): Promise<OpenedSubscription> {
    const engine = this.engine;
    if (consumer.status !== "ACTIVE") {
      throw inUse(`Consumer ${consumer.consumerArn} is not in ACTIVE state.`);
    }
    const shard = engine.shard(stream, shardId);
    // One call per second per consumer and shard (LimitExceeded), before the takeover rule (limits/).
    engine.guards.admitSubscribe(stream, consumer.consumerArn, shardId);
    const key = `${consumer.consumerArn}|${shardId}`;
    const nowMs = engine.clock.now();
    const existing = this.sessions.get(key);
    if (existing && nowMs - existing.startedMs < SUBSCRIPTION_TAKEOVER_MS_MIN) {
      throw inUse(
        `Another active subscription exists for this consumer: ${stream.meta.account}:${stream.meta.streamName}:${shardId}:${consumer.consumerName}`,
      );
    }
    const startOffset = await this.records.startingOffset(stream, shard, position, "SubscribeToShard");
    existing?.end(inUse(`Another active subscription exists for this consumer: ${stream.meta.account}:${stream.meta.streamName}:${shardId}:${consumer.consumerName}`));

    let endedWith: StreamsError | undefined;
    const ended = new AbortController();
    const session: Session = {
      startedMs: nowMs,
      end: (error) => {
        endedWith = error;
        ended.abort();
      },
    };
    this.sessions.set(key, session);
    const release = () => {
      if (this.sessions.get(key) === session) this.sessions.delete(key);
    };
    const deadlineMs = nowMs + SUBSCRIPTION_DURATION_MS_MAX;
    const self = this;
    // Paces events to the consumer's per-shard read budget; undefined without limits (limits/).
    const pacer = engine.guards.subscriptionPacer(stream, consumer.consumerArn, shardId);

    return {
      async *events(signal: AbortSignal) {
        const stop = AbortSignal.any([signal, ended.signal]);
        let offset = startOffset;
        let lastArrivalMs = engine.clock.now();
        try {
          for (;;) {
            if (stop.aborted) break;
            if (engine.findStream(stream.meta) !== stream) {
              throw notFound(`Stream ${stream.meta.streamName} under account ${stream.meta.account} not found.`);
            }
            const read = await self.records.readShard(stream, shard, offset, SUBSCRIPTION_EVENT_RECORDS_MAX, SUBSCRIPTION_EVENT_BYTES_MAX);
            if (stop.aborted) break;
            offset = read.nextOffset;
            const last = read.records[read.records.length - 1];
            if (last) lastArrivalMs = last.arrivalMs;
            if (read.records.length > 0 || read.childShards) {
              yield {
                records: read.records,
                continuationSequenceNumber: self.records.continuationSequenceNumber(stream, shard, offset, lastArrivalMs),
                millisBehindLatest: read.millisBehindLatest,
                childShards: read.childShards,
              };
              if (read.childShards) return;
              if (pacer) await pacer.pace(recordsBytes(read.records), stop);
            }
            // Records may have become durable while we read: check before sleeping (no lost wake-up).
            if (offset < shard.visibleEnd || (!shard.isOpen && !shard.hasPendingAppends)) continue;
            const remainingMs = deadlineMs - engine.clock.now();
            if (remainingMs <= 0) return;
            const before = offset;
            await engine.notifier.waitForAppend(engine.notificationKey(stream, shard.shardId), Math.min(SUBSCRIPTION_HEARTBEAT_MS, remainingMs), stop);
            if (stop.aborted) break;
            if (shard.visibleEnd <= before && shard.isOpen && engine.clock.now() < deadlineMs) {
              // Nothing new: a heartbeat event keeps the continuation and MillisBehindLatest moving.
              yield {
                records: [],
                continuationSequenceNumber: self.records.continuationSequenceNumber(stream, shard, offset, lastArrivalMs),
                millisBehindLatest: 0,
              };
            }
            if (engine.clock.now() >= deadlineMs) return;
          }
          if (endedWith) throw endedWith;
        } finally {
          release();
        }
      },
    };
  }
}
