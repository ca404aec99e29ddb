import { kinesisOperation, streamOf, type KinesisOperationFactory } from "./kinesis-operation.js";
import type { FlatJsonOperation, FlatJsonShape } from "../../server/protocol/flat-json.js";
import type { PutRecordsInput, PutRecordsOutput, PutRecordsResultEntry } from "./generated/types.js";
import type { RecordEntry } from "../engine/model.js";
import { checkExplicitHashKey, checkRecordSize, checkRequestSize, recordBytes } from "./record-rules.js";
import { putRecordsWithFaults } from "../admin/entry-faults.js";
import type { EncodedResult, Operation } from "../../server/service.js";
import { encodePutRecordsJson } from "./encode-put-records.js";

const putRecords = kinesisOperation<PutRecordsInput>("PutRecords", async (input, ctx, deps): Promise<PutRecordsOutput | EncodedResult> => {
  const stream = streamOf(deps, ctx, input);
  const entries: RecordEntry[] = new Array(input.Records.length);
  let totalBytes = 0;
  for (let i = 0; i < input.Records.length; i++) {
    const record = input.Records[i]!;
    checkExplicitHashKey(record.ExplicitHashKey);
    const entry: RecordEntry = { partitionKey: record.PartitionKey, explicitHashKey: record.ExplicitHashKey, data: record.Data };
    const bytes = recordBytes(entry);
    checkRecordSize(stream, entry, bytes);
    totalBytes += bytes;
    entries[i] = entry;
  }
  checkRequestSize(totalBytes);
  const results = await putRecordsWithFaults(deps.faults, deps.streams.records, stream, entries);
  let failed = 0;
  for (let i = 0; i < results.length; i++) if (!results[i]!.ok) failed++;
  if (ctx.codec === "json") {
    // Written straight into one buffer; the same bytes the generic encoder makes of the output below.
    return { kind: "encoded", codec: "json", body: encodePutRecordsJson(failed, results, stream.meta.encryptionType) };
  }
  const records: PutRecordsResultEntry[] = new Array(results.length);
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    records[i] = result.ok
      ? { SequenceNumber: result.sequenceNumber, ShardId: result.shardId }
      : { ErrorCode: result.errorCode, ErrorMessage: result.errorMessage };
  }
  return { FailedRecordCount: failed, Records: records, EncryptionType: stream.meta.encryptionType };
});

/** The request bodies SDKs send, scanned as bytes (src/server/protocol/flat-json.ts); anything else is parsed as usual. */
const PUT_RECORDS_BODY: FlatJsonShape = {
  strings: new Set(["StreamName", "StreamARN"]),
  listName: "Records",
  itemStrings: new Set(["PartitionKey", "ExplicitHashKey"]),
  itemBlobs: new Set(["Data"]),
};

export const PutRecords: KinesisOperationFactory = (deps) => {
  const operation: Operation & FlatJsonOperation = { ...putRecords(deps), flatJsonShape: PUT_RECORDS_BODY };
  return operation;
};
