import { streamArn } from "../../core/arn.js";
import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { DescribeStreamSummaryInput, DescribeStreamSummaryOutput } from "./generated/types.js";

export const DescribeStreamSummary = kinesisOperation<DescribeStreamSummaryInput>(
  "DescribeStreamSummary",
  (input, ctx, deps): DescribeStreamSummaryOutput => {
    const stream = streamOf(deps, ctx, input);
    const meta = stream.meta;
    const summary: DescribeStreamSummaryOutput["StreamDescriptionSummary"] = {
      StreamName: meta.streamName,
      StreamARN: streamArn(meta),
      StreamStatus: meta.status,
      StreamModeDetails: { StreamMode: meta.mode },
      RetentionPeriodHours: meta.retentionHours,
      StreamCreationTimestamp: new Date(meta.createdMs),
      EnhancedMonitoring: [{ ShardLevelMetrics: meta.shardLevelMetrics }],
      EncryptionType: meta.encryptionType,
      OpenShardCount: meta.status === "CREATING" ? 0 : stream.openShardCount,
      ConsumerCount: meta.consumers.length,
      MaxRecordSizeInKiB: meta.maxRecordSizeKiB,
    };
    if (meta.keyId !== undefined) summary.KeyId = meta.keyId;
    if (meta.warmThroughputMiBps !== undefined) {
      summary.WarmThroughput = { TargetMiBps: meta.warmThroughputMiBps, CurrentMiBps: meta.status === "UPDATING" ? 0 : meta.warmThroughputMiBps };
    }
    return { StreamDescriptionSummary: summary };
  },
);
