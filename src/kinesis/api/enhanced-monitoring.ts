import { streamArn } from "../../core/arn.js";
import type { RequestContext } from "../../server/service.js";
import { streamOf, type KinesisDeps } from "./kinesis-operation.js";
import type { EnableEnhancedMonitoringInput, EnhancedMonitoringOutput } from "./generated/types.js";

/** Enable and Disable differ only in direction; both report the metrics before and after. */
export async function changeEnhancedMonitoring(
  input: EnableEnhancedMonitoringInput,
  ctx: RequestContext,
  deps: KinesisDeps,
  enable: boolean,
): Promise<EnhancedMonitoringOutput> {
  const stream = streamOf(deps, ctx, input);
  const { current, desired } = await deps.streams.control.setShardLevelMetrics(stream, input.ShardLevelMetrics, enable);
  return {
    StreamName: stream.meta.streamName,
    StreamARN: streamArn(stream.meta),
    CurrentShardLevelMetrics: current,
    DesiredShardLevelMetrics: desired,
  };
}
