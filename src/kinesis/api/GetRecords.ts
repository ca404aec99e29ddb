import { kinesisOperation } from "./kinesis-operation.js";
import type { GetRecordsInput, GetRecordsOutput } from "./generated/types.js";
import { toReadRecords } from "../engine/records.js";
import type { EncodedResult } from "../../server/service.js";
import { encodeGetRecordsJson } from "./encode-get-records.js";
import { toWireChildShard, toWireRecord } from "./wire-shapes.js";

export const GetRecords = kinesisOperation<GetRecordsInput>("GetRecords", async (input, ctx, { streams }): Promise<GetRecordsOutput | EncodedResult> => {
  const result = await streams.records.getStoredRecords(input.ShardIterator, input.Limit, ctx);
  // JSON (every SDK but the Java SDK's CBOR) is written straight into one buffer; CBOR goes through the generic encoder.
  if (ctx.codec === "json") return { kind: "encoded", codec: "json", body: encodeGetRecordsJson(result) };
  const output: GetRecordsOutput = {
    Records: toReadRecords(result).map(toWireRecord),
    MillisBehindLatest: result.millisBehindLatest,
  };
  if (result.nextShardIterator !== undefined) output.NextShardIterator = result.nextShardIterator;
  if (result.childShards) output.ChildShards = result.childShards.map(toWireChildShard);
  return output;
});
