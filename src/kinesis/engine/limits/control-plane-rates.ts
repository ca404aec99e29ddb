/**
 * Calls per second AWS allows each control-plane operation (the "limit" sentence of each operation's
 * API reference page). Excess calls get LimitExceededException. Data-plane operations are limited per
 * shard elsewhere (aws-guards.ts) and are absent here; so are operations AWS documents no rate for.
 */
export type RateScope = "account" | "stream";

export interface CallRate {
  callsPerSecond: number;
  /** Whether the budget is the account's (per region) or each stream's. */
  scope: RateScope;
}

const account = (callsPerSecond: number): CallRate => ({ callsPerSecond, scope: "account" });
const stream = (callsPerSecond: number): CallRate => ({ callsPerSecond, scope: "stream" });

export const CONTROL_PLANE_CALL_RATES: Readonly<Record<string, CallRate>> = {
  CreateStream: account(5),
  DeleteStream: account(5),
  ListStreams: account(5),
  MergeShards: account(5),
  SplitShard: account(5),
  AddTagsToStream: account(5),
  RemoveTagsFromStream: account(5),
  ListTagsForStream: account(5),
  RegisterStreamConsumer: account(5),
  DescribeAccountSettings: account(5),
  UpdateAccountSettings: account(5),
  UpdateStreamWarmThroughput: account(5),
  DescribeStream: account(10),
  DescribeStreamSummary: account(20),
  DescribeLimits: account(1),
  // AWS documents 10 TPS without naming the scope; the account is the stricter reading.
  UpdateShardCount: account(10),
  ListShards: stream(1000),
  ListStreamConsumers: stream(5),
  DeregisterStreamConsumer: stream(5),
  DescribeStreamConsumer: stream(20),
};
