import type { EventStreamResult, EventStreamSink } from "../../server/service.js";
import { StreamsError } from "../engine/errors.js";
import type { SubscriptionEvent } from "../engine/subscriptions.js";
import { kinesisOperation } from "./kinesis-operation.js";
import type { SubscribeToShardEvent, SubscribeToShardInput } from "./generated/types.js";
import { startingPositionOf } from "./GetShardIterator.js";
import { awsTypeOf } from "./map-error.js";
import { toWireChildShard, toWireRecord } from "./wire-shapes.js";

function toWireEvent(event: SubscriptionEvent): SubscribeToShardEvent {
  const wire: SubscribeToShardEvent = {
    Records: event.records.map(toWireRecord),
    ContinuationSequenceNumber: event.continuationSequenceNumber,
    MillisBehindLatest: event.millisBehindLatest,
  };
  if (event.childShards) wire.ChildShards = event.childShards.map(toWireChildShard);
  return wire;
}

/**
 * Enhanced fan-out: failures found before streaming (unknown consumer or shard, a repeat call within
 * 5 seconds, bad positions) are ordinary error responses; once streaming, errors end the stream as
 * modelled exception events.
 */
export const SubscribeToShard = kinesisOperation<SubscribeToShardInput>("SubscribeToShard", async (input, ctx, { streams }): Promise<EventStreamResult> => {
  const { stream, consumer } = streams.control.consumerByArn(input.ConsumerARN);
  const start = input.StartingPosition;
  const position = startingPositionOf(start.Type, start.SequenceNumber, start.Timestamp, streams.control.clock.now());
  const subscription = await streams.subscriptions.open(stream, consumer, input.ShardId, position);
  return {
    kind: "event-stream",
    async run(sink: EventStreamSink) {
      sink.event("initial-response", {});
      const stop = new AbortController();
      void sink.closedPromise.then(() => stop.abort());
      try {
        for await (const event of subscription.events(AbortSignal.any([stop.signal, ctx.signal]))) {
          if (sink.closed) break;
          sink.event("SubscribeToShardEvent", toWireEvent(event));
          await sink.drained();
        }
      } catch (error) {
        if (error instanceof StreamsError) sink.exception(awsTypeOf(error.kind), error.message);
        else sink.exception("InternalFailureException", "Internal service failure.");
        if (!(error instanceof StreamsError)) throw error;
      } finally {
        stop.abort();
      }
    },
  };
});
