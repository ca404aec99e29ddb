import { internalFailure } from "../../core/errors.js";
import { StreamsError, invalidArgument } from "../engine/errors.js";
import { decodeSequenceNumber } from "../engine/sequence-number.js";
import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { PutRecordInput, PutRecordOutput } from "./generated/types.js";
import { checkExplicitHashKey, checkRecordSize } from "./record-rules.js";

export const PutRecord = kinesisOperation<PutRecordInput>("PutRecord", async (input, ctx, deps): Promise<PutRecordOutput> => {
  const stream = streamOf(deps, ctx, input);
  checkExplicitHashKey(input.ExplicitHashKey);
  if (input.SequenceNumberForOrdering !== undefined) {
    // Every record already gets a number above all earlier ones in its shard; AWS still rejects
    // values that are not sequence numbers it could have issued.
    const fields = decodeSequenceNumber(input.SequenceNumberForOrdering);
    if (!fields || fields.arrivalSeconds * 1000 > deps.streams.control.clock.now() + 1000) {
      throw invalidArgument(
        `ExclusiveMinimumSequenceNumber ${input.SequenceNumberForOrdering} used in PutRecord on stream ${stream.meta.streamName} under account ${stream.meta.account} is invalid.`,
      );
    }
  }
  const entry = { partitionKey: input.PartitionKey, explicitHashKey: input.ExplicitHashKey, data: input.Data };
  checkRecordSize(stream, entry);
  const [result] = await deps.streams.records.putRecords(stream, [entry]);
  if (!result || !result.ok) {
    if (result?.errorCode === "ProvisionedThroughputExceededException") throw new StreamsError("throughput-exceeded", result.errorMessage);
    throw internalFailure();
  }
  return { ShardId: result.shardId, SequenceNumber: result.sequenceNumber, EncryptionType: stream.meta.encryptionType };
});
