import { kinesisOperation } from "./kinesis-operation.js";
import type { GetRecordsInput, GetRecordsOutput } from "./generated/types.js";
import { toWireChildShard, toWireRecord } from "./wire-shapes.js";

export const GetRecords = kinesisOperation<GetRecordsInput>("GetRecords", async (input, ctx, { streams }): Promise<GetRecordsOutput> => {
  const result = await streams.records.getRecords(input.ShardIterator, input.Limit, ctx);
  const output: GetRecordsOutput = {
    Records: result.records.map(toWireRecord),
    MillisBehindLatest: result.millisBehindLatest,
  };
  if (result.nextShardIterator !== undefined) output.NextShardIterator = result.nextShardIterator;
  if (result.childShards) output.ChildShards = result.childShards.map(toWireChildShard);
  return output;
});
