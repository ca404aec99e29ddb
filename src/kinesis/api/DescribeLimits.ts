import { kinesisOperation } from "./kinesis-operation.js";
import type { DescribeLimitsInput, DescribeLimitsOutput } from "./generated/types.js";

export const DescribeLimits = kinesisOperation<DescribeLimitsInput>("DescribeLimits", (_input, ctx, { streams }): DescribeLimitsOutput => {
  const limits = streams.control.describeLimits(ctx.account, ctx.region);
  return {
    ShardLimit: limits.shardLimit,
    OpenShardCount: limits.openShardCount,
    OnDemandStreamCount: limits.onDemandStreamCount,
    OnDemandStreamCountLimit: limits.onDemandStreamCountLimit,
  };
});
