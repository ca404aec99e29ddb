import { LIST_SHARDS_RESULTS_DEFAULT, NEXT_TOKEN_AGE_MS_MAX } from "../../core/limits.js";
import { StreamsError, invalidArgument, notFound } from "../engine/errors.js";
import { shardIndexOf, type ShardMeta } from "../engine/model.js";
import type { StreamRuntime } from "../engine/stream-runtime.js";
import { kinesisOperation, streamOf, type KinesisDeps } from "./kinesis-operation.js";
import type { ListShardsInput, ListShardsOutput, ShardFilter } from "./generated/types.js";
import { toWireShard } from "./wire-shapes.js";

interface ListShardsToken {
  kind: "ListShards";
  account: string;
  region: string;
  streamName: string;
  streamCreatedMs: number;
  afterIndex: number;
  filter?: { type: string; shardId?: string | undefined; timestampMs?: number | undefined } | undefined;
  issuedMs: number;
}

/** Which shards a ShardFilter selects (AWS's definitions in API_ShardFilter). */
function filterShards(shards: ShardMeta[], filter: ListShardsToken["filter"], stream: StreamRuntime, nowMs: number): ShardMeta[] {
  if (!filter) return shards;
  const openAt = (s: ShardMeta, t: number) => s.createdMs <= t && (s.closedMs === undefined || s.closedMs > t);
  switch (filter.type) {
    case "AFTER_SHARD_ID": {
      const after = shardIndexOf(filter.shardId ?? "") ?? -1;
      return shards.filter((s) => s.index > after);
    }
    case "AT_TRIM_HORIZON": {
      const horizon = Math.max(nowMs - stream.retentionMs, stream.meta.createdMs);
      return shards.filter((s) => openAt(s, horizon));
    }
    case "FROM_TRIM_HORIZON":
      return shards;
    case "AT_LATEST":
      return shards.filter((s) => s.closedMs === undefined);
    case "AT_TIMESTAMP": {
      const t = Math.max(filter.timestampMs ?? nowMs, stream.meta.createdMs);
      return shards.filter((s) => openAt(s, t));
    }
    case "FROM_TIMESTAMP": {
      const t = filter.timestampMs ?? nowMs;
      return shards.filter((s) => s.closedMs === undefined || s.closedMs >= t);
    }
    default:
      return shards;
  }
}

function checkFilter(filter: ShardFilter | undefined): ListShardsToken["filter"] {
  if (!filter) return undefined;
  if (filter.Type === "AFTER_SHARD_ID" && filter.ShardId === undefined) {
    throw invalidArgument("Must specify ShardId for ShardFilter of type AFTER_SHARD_ID.");
  }
  if ((filter.Type === "AT_TIMESTAMP" || filter.Type === "FROM_TIMESTAMP") && filter.Timestamp === undefined) {
    throw invalidArgument(`Must specify Timestamp for ShardFilter of type ${filter.Type}.`);
  }
  return { type: filter.Type, shardId: filter.ShardId, timestampMs: filter.Timestamp?.getTime() };
}

function fromToken(deps: KinesisDeps, text: string, ctx: { account: string; region: string }): { stream: StreamRuntime; token: ListShardsToken } {
  const control = deps.streams.control;
  const token = control.tokens.open(text) as ListShardsToken | undefined;
  if (!token || token.kind !== "ListShards" || token.account !== ctx.account || token.region !== ctx.region) {
    throw invalidArgument(`Invalid ListShards NextToken: ${text}`);
  }
  if (control.clock.now() - token.issuedMs > NEXT_TOKEN_AGE_MS_MAX) {
    throw new StreamsError("expired-next-token", "The timestamp in the NextToken has expired.");
  }
  const stream = control.stream(token);
  if (stream.meta.createdMs !== token.streamCreatedMs) throw notFound(`Stream ${token.streamName} under account ${token.account} not found.`);
  return { stream, token };
}

export const ListShards = kinesisOperation<ListShardsInput>("ListShards", (input, ctx, deps): ListShardsOutput => {
  const control = deps.streams.control;
  const named = input.StreamName !== undefined || input.StreamARN !== undefined;
  if (!named && input.NextToken === undefined) throw invalidArgument("Either NextToken or StreamName should be provided.");
  if (input.StreamName !== undefined && input.NextToken !== undefined) throw invalidArgument("NextToken and StreamName cannot be provided together.");
  if (input.NextToken !== undefined && input.ExclusiveStartShardId !== undefined) {
    throw invalidArgument("NextToken and ExclusiveStartShardId cannot be provided together.");
  }

  let stream: StreamRuntime;
  let afterIndex = -1;
  let filter: ListShardsToken["filter"];
  if (input.NextToken !== undefined) {
    ({ stream, token: { afterIndex, filter } } = fromToken(deps, input.NextToken, ctx));
  } else {
    stream = streamOf(deps, ctx, input);
    if (input.StreamCreationTimestamp !== undefined && Math.floor(input.StreamCreationTimestamp.getTime() / 1000) !== Math.floor(stream.meta.createdMs / 1000)) {
      throw notFound(`Stream ${stream.meta.streamName} under account ${stream.meta.account} not found.`);
    }
    if (input.ExclusiveStartShardId !== undefined) afterIndex = shardIndexOf(input.ExclusiveStartShardId) ?? -1;
    filter = checkFilter(input.ShardFilter);
  }

  const nowMs = control.clock.now();
  const candidates = filterShards(control.visibleShards(stream), filter, stream, nowMs).filter((s) => s.index > afterIndex);
  const limit = input.MaxResults ?? LIST_SHARDS_RESULTS_DEFAULT;
  const page = candidates.slice(0, limit);
  const output: ListShardsOutput = { Shards: page.map(toWireShard) };
  const last = page[page.length - 1];
  if (candidates.length > limit && last) {
    const token: ListShardsToken = {
      kind: "ListShards",
      account: stream.meta.account,
      region: stream.meta.region,
      streamName: stream.meta.streamName,
      streamCreatedMs: stream.meta.createdMs,
      afterIndex: last.index,
      filter,
      issuedMs: nowMs,
    };
    output.NextToken = control.tokens.seal(token);
  }
  return output;
});
