/**
 * PutRecords' JSON response written straight into one Buffer: the generic encoder built a string per
 * member and per record and then encoded the whole to UTF-8 (12% of a 100-byte PutRecords profile).
 * The bytes are exactly the generic encoder's for `{ FailedRecordCount, Records, EncryptionType }`.
 */
import type { PutEntryResult } from "../engine/model.js";
import { AcceptedRecord, writeSequenceNumber } from "../engine/sequence-number.js";

const SEQUENCE_DIGITS_MAX = 57;

const OPEN = '{"FailedRecordCount":';
const RECORDS = ',"Records":[';
const SEQUENCE = '{"SequenceNumber":"';
const SHARD = '","ShardId":';
const ERROR_CODE = '{"ErrorCode":';
const ERROR_MESSAGE = ',"ErrorMessage":';
const CLOSE_RECORDS = "]";
const ENCRYPTION = ',"EncryptionType":';
const COMMA = 0x2c;
const CLOSE_OBJECT = 0x7d;
const WRITE_LOOP_CHARS_MAX = 64;
const SEQUENCE_BYTES = Buffer.from(SEQUENCE, "latin1");

/** `","ShardId":"shardId-…"}` per shard id, as bytes (shard ids are few; cleared when many). */
const shardSuffixes = new Map<string, Buffer>();
const SHARD_SUFFIXES_MAX = 4096;

function shardSuffix(shardId: string): Buffer {
  let suffix = shardSuffixes.get(shardId);
  if (suffix === undefined) {
    if (shardSuffixes.size >= SHARD_SUFFIXES_MAX) shardSuffixes.clear();
    suffix = Buffer.from(SHARD + JSON.stringify(shardId) + "}", "utf8");
    shardSuffixes.set(shardId, suffix);
  }
  return suffix;
}

export function encodePutRecordsJson(failedRecordCount: number, results: readonly PutEntryResult[], encryptionType: string | undefined): Buffer {
  // Pass 1: the size (exact but for sequence numbers still to be formatted, counted at their maximum).
  const failed = String(failedRecordCount);
  let size = OPEN.length + failed.length + RECORDS.length + CLOSE_RECORDS.length + 1;
  let escaped: (string | undefined)[] | undefined;
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    if (result.ok) {
      // A sequence number is digits only; AcceptedRecords have not formatted theirs yet (at most 57 digits).
      const digits = result instanceof AcceptedRecord ? SEQUENCE_DIGITS_MAX : result.sequenceNumber.length;
      size += SEQUENCE.length + digits + shardSuffix(result.shardId).length;
    } else {
      const json = ERROR_CODE + JSON.stringify(result.errorCode) + ERROR_MESSAGE + JSON.stringify(result.errorMessage) + "}";
      (escaped ??= new Array<string | undefined>(results.length))[i] = json;
      size += Buffer.byteLength(json, "utf8");
    }
  }
  size += results.length > 0 ? results.length - 1 : 0;
  const encryption = encryptionType == null ? "" : ENCRYPTION + JSON.stringify(encryptionType);
  size += Buffer.byteLength(encryption, "utf8");

  // Pass 2: write.
  const out = Buffer.allocUnsafe(size);
  let p = writeAscii(out, 0, OPEN);
  p = writeAscii(out, p, failed);
  p = writeAscii(out, p, RECORDS);
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    if (i > 0) out[p++] = COMMA;
    if (result.ok) {
      p = copy(SEQUENCE_BYTES, out, p);
      p = result instanceof AcceptedRecord ? writeSequenceNumber(out, p, result.digits, result.offset) : writeAscii(out, p, result.sequenceNumber);
      p = copy(shardSuffix(result.shardId), out, p);
    } else {
      p += out.write(escaped![i]!, p, "utf8");
    }
  }
  p = writeAscii(out, p, CLOSE_RECORDS);
  if (encryption !== "") p += out.write(encryption, p, "utf8");
  out[p++] = CLOSE_OBJECT;
  return p === out.length ? out : out.subarray(0, p);
}

function copy(source: Uint8Array, target: Buffer, at: number): number {
  const n = source.length;
  for (let i = 0; i < n; i++) target[at + i] = source[i]!;
  return at + n;
}

function writeAscii(target: Buffer, at: number, text: string): number {
  const n = text.length;
  if (n < WRITE_LOOP_CHARS_MAX) {
    for (let i = 0; i < n; i++) target[at + i] = text.charCodeAt(i);
    return at + n;
  }
  return at + target.write(text, at, "latin1");
}
