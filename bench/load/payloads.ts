/** Request bodies, built once per job. */

/** Deterministic, incompressible-looking record data of the given size. */
export function recordData(recordBytes: number, seed: number): Buffer {
  const data = Buffer.allocUnsafe(recordBytes);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < recordBytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return data;
}

/** A PutRecords body whose partition keys spread the records over every shard. */
export function putRecordsBody(streamName: string, recordBytes: number, records: number): Buffer {
  const entries = Array.from({ length: records }, (_, i) => ({
    Data: recordData(recordBytes, i).toString("base64"),
    PartitionKey: `partition-${i}`,
  }));
  return Buffer.from(JSON.stringify({ StreamName: streamName, Records: entries }), "utf8");
}

export function putRecordBody(streamName: string, recordBytes: number, seed: number, explicitHashKey?: string): Buffer {
  const input: Record<string, string> = {
    StreamName: streamName,
    Data: recordData(recordBytes, seed).toString("base64"),
    PartitionKey: `partition-${seed}`,
  };
  if (explicitHashKey !== undefined) input.ExplicitHashKey = explicitHashKey;
  return Buffer.from(JSON.stringify(input), "utf8");
}

const SEQUENCE_NUMBER_FIELD = Buffer.from('"SequenceNumber":"', "latin1");
const NEXT_ITERATOR_FIELD = Buffer.from('"NextShardIterator":"', "latin1");
const FAILED_COUNT_FIELD = Buffer.from('"FailedRecordCount":', "latin1");
const QUOTE = 0x22;

const OPEN_BRACE = 0x7b;
const CHILD_SHARDS_FIELD = Buffer.from('"ChildShards"', "latin1");
/** ChildShards (two children at most, after the records) fits well inside this. */
const CHILD_SHARDS_TAIL_BYTES = 4096;

/**
 * Records in a GetRecords response, counted without parsing the JSON. Each record is one JSON object
 * and nothing else in the body is, except the body itself and ChildShards (only at a closed shard's
 * end), while the benchmark's data (base64) and partition keys never hold a `{`: so counting that byte
 * (memchr) is exact, and five to ten times cheaper than searching for a field name — this process shares
 * the machine's two cores with the server. With ChildShards present, the field search is used.
 */
export function countRecords(body: Buffer): number {
  // Tributary writes ChildShards after the records (kinesalite 3.3.3 never does): only the end needs a look.
  if (body.indexOf(CHILD_SHARDS_FIELD, Math.max(0, body.length - CHILD_SHARDS_TAIL_BYTES)) >= 0) return countRecordsByField(body);
  let braces = 0;
  for (let at = body.indexOf(OPEN_BRACE); at >= 0; at = body.indexOf(OPEN_BRACE, at + 1)) braces++;
  return Math.max(0, braces - 1);
}

function countRecordsByField(body: Buffer): number {
  let count = 0;
  for (let at = body.indexOf(SEQUENCE_NUMBER_FIELD); at >= 0; at = body.indexOf(SEQUENCE_NUMBER_FIELD, at + SEQUENCE_NUMBER_FIELD.length)) count++;
  return count;
}

/** NextShardIterator of a GetRecords response, or undefined at the end of a closed shard. */
export function nextShardIterator(body: Buffer): string | undefined {
  const at = body.lastIndexOf(NEXT_ITERATOR_FIELD);
  if (at < 0) return undefined;
  const start = at + NEXT_ITERATOR_FIELD.length;
  return body.toString("latin1", start, body.indexOf(QUOTE, start));
}

export function failedRecordCount(body: Buffer): number {
  const at = body.indexOf(FAILED_COUNT_FIELD);
  if (at < 0) return Number.NaN;
  let value = 0;
  for (let i = at + FAILED_COUNT_FIELD.length; i < body.length; i++) {
    const digit = body[i]! - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}
