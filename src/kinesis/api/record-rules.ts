import { PUT_RECORDS_REQUEST_BYTES_MAX } from "../../core/limits.js";
import { HASH_KEY_MAX } from "../engine/hash-key.js";
import { invalidArgument } from "../engine/errors.js";
import type { RecordEntry } from "../engine/model.js";
import type { StreamRuntime } from "../engine/stream-runtime.js";

/** ExplicitHashKey passed the model's pattern; AWS still refuses values of 2^128 and above. */
export function checkExplicitHashKey(explicitHashKey: string | undefined): void {
  if (explicitHashKey !== undefined && BigInt(explicitHashKey) > HASH_KEY_MAX) {
    throw invalidArgument(
      `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicitHashKey}`,
    );
  }
}

/** A record's size is its data plus its partition key's UTF-8 bytes, against the stream's maximum. */
export function recordBytes(entry: RecordEntry): number {
  return entry.data.length + Buffer.byteLength(entry.partitionKey, "utf8");
}

export function checkRecordSize(stream: StreamRuntime, entry: RecordEntry, bytes = recordBytes(entry)): void {
  const max = stream.meta.maxRecordSizeKiB * 1024;
  if (bytes > max) {
    throw invalidArgument(
      `Record size of ${bytes} bytes (data plus partition key) exceeds the maximum record size of ${max} bytes for stream ${stream.meta.streamName} under account ${stream.meta.account}.`,
    );
  }
}

export function checkRequestSize(totalBytes: number): void {
  if (totalBytes > PUT_RECORDS_REQUEST_BYTES_MAX) {
    throw invalidArgument(`Records size exceeds ${PUT_RECORDS_REQUEST_BYTES_MAX / (1024 * 1024)} MB limit`);
  }
}
