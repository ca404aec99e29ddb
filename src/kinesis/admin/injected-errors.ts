import { parseConsumerArn, parseStreamArn } from "../../core/arn.js";
import { AwsError, limitExceeded, provisionedThroughputExceeded } from "../../core/errors.js";
import type { RequestContext } from "../../server/service.js";
import { accountRateExceeded, shardRateExceeded, streamRateExceeded } from "../engine/limits/messages.js";
import type { Streams } from "../engine/mod.js";
import type { StreamRuntime } from "../engine/stream-runtime.js";

/** Operations AWS throttles per shard, with ProvisionedThroughputExceededException. */
const DATA_PLANE = new Set(["PutRecord", "PutRecords", "GetRecords", "GetShardIterator"]);

interface NamedInput {
  StreamName?: unknown;
  StreamARN?: unknown;
  ConsumerARN?: unknown;
  ResourceARN?: unknown;
  ShardId?: unknown;
  ShardIterator?: unknown;
  PartitionKey?: unknown;
  ExplicitHashKey?: unknown;
}

function streamNameOf(input: NamedInput): string | undefined {
  if (typeof input.StreamName === "string") return input.StreamName;
  for (const arn of [input.StreamARN, input.ConsumerARN, input.ResourceARN]) {
    if (typeof arn !== "string") continue;
    const ref = parseStreamArn(arn) ?? parseConsumerArn(arn);
    if (ref) return ref.streamName;
  }
  return undefined;
}

/** The shard a data-plane call would touch, when it can be told without side effects. */
function shardOf(operation: string, input: NamedInput, ctx: RequestContext, streams: Streams): { shardId: string; streamName: string } | undefined {
  if (operation === "GetRecords" && typeof input.ShardIterator === "string") {
    try {
      const position = streams.records.decodeIterator(input.ShardIterator);
      return { shardId: position.shardId, streamName: position.streamName };
    } catch {
      return undefined;
    }
  }
  const streamName = streamNameOf(input);
  if (streamName === undefined) return undefined;
  if (operation === "GetShardIterator" && typeof input.ShardId === "string") return { shardId: input.ShardId, streamName };
  if (operation === "PutRecord" && typeof input.PartitionKey === "string") {
    const stream = streams.control.findStream({ account: ctx.account, region: ctx.region, streamName });
    if (!stream || stream.openShardCount === 0) return undefined;
    return { shardId: routeOf(stream, input.PartitionKey, typeof input.ExplicitHashKey === "string" ? input.ExplicitHashKey : undefined), streamName };
  }
  return undefined;
}

export function routeOf(stream: StreamRuntime, partitionKey: string, explicitHashKey: string | undefined): string {
  return stream.route(explicitHashKey !== undefined ? BigInt(explicitHashKey) : stream.hashCache.hash(partitionKey)).shardId;
}

/** The error AWS sends when it throttles `operation`: what an injected throttle fault returns. */
export function injectedThrottle(operation: string, input: unknown, ctx: RequestContext, streams: Streams): AwsError {
  const named = (typeof input === "object" && input !== null ? input : {}) as NamedInput;
  if (DATA_PLANE.has(operation)) {
    const shard = shardOf(operation, named, ctx, streams);
    if (shard) return provisionedThroughputExceeded(shardRateExceeded(shard.shardId, shard.streamName, ctx.account));
    const streamName = streamNameOf(named);
    return provisionedThroughputExceeded(streamName !== undefined ? streamRateExceeded(streamName, ctx.account) : accountRateExceeded(ctx.account));
  }
  const streamName = streamNameOf(named);
  return limitExceeded(streamName !== undefined ? streamRateExceeded(streamName, ctx.account) : accountRateExceeded(ctx.account));
}
