import { streamArn } from "../../core/arn.js";
import { invalidArgument } from "../engine/errors.js";
import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { UpdateStreamWarmThroughputInput, UpdateStreamWarmThroughputOutput } from "./generated/types.js";

export const UpdateStreamWarmThroughput = kinesisOperation<UpdateStreamWarmThroughputInput>(
  "UpdateStreamWarmThroughput",
  async (input, ctx, deps): Promise<UpdateStreamWarmThroughputOutput> => {
    const stream = streamOf(deps, ctx, input);
    const commitment = deps.streams.control.getAccountSettings(stream.meta.account).minimumThroughputBillingCommitment;
    if (commitment?.status !== "ENABLED") {
      throw invalidArgument(
        `Warm throughput requires the account ${stream.meta.account} to have MinimumThroughputBillingCommitment enabled (UpdateAccountSettings).`,
      );
    }
    const { previous } = await deps.streams.control.updateWarmThroughput(stream, input.WarmThroughputMiBps);
    // Provisions the shards ahead of load (scaling/).
    await deps.streams.scaling.provisionWarmThroughput(stream);
    return {
      StreamARN: streamArn(stream.meta),
      StreamName: stream.meta.streamName,
      WarmThroughput: { TargetMiBps: input.WarmThroughputMiBps, CurrentMiBps: previous ?? 0 },
    };
  },
);
