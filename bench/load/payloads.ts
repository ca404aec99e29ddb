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

/** Records in a GetRecords response, counted without parsing the JSON. */
export function countRecords(body: Buffer): number {
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
