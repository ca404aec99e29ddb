/**
 * GetRecords' JSON response written straight into one Buffer from the stored records: no wire object,
 * Date, sequence-number string or base64 string per record, and no UTF-8 encoding of a multi-megabyte
 * string at the end (together about half of a drain's CPU, most of it garbage collection).
 *
 * The bytes are exactly what the generic encoder (src/server/protocol/json.ts) makes of the same output
 * built with toWireRecord: members in the same order, the timestamp as `String(ms / 1000)`, the
 * partition key through JSON.stringify whenever it holds anything a plain copy could get wrong.
 */
import { isInPlaceRecord, type StoredRecord } from "../../storage/types.js";
import { encodeJson } from "../../server/protocol/json.js";
import { responseBuffer } from "../../server/response-buffers.js";
import { RECORD_FLAG_KMS, type StoredGetRecordsResult } from "../engine/records.js";
import { sequenceBase, sequenceDigits, writeSequenceNumber, type SequenceDigits } from "../engine/sequence-number.js";
import { toWireChildShard } from "./wire-shapes.js";

const OPEN = Buffer.from('{"Records":[', "latin1");
const EMPTY_OPEN = Buffer.from('{"Records":[]', "latin1");
const RECORD_SEQUENCE = Buffer.from('{"SequenceNumber":"', "latin1");
const RECORD_ARRIVAL = Buffer.from('","ApproximateArrivalTimestamp":', "latin1");
const RECORD_DATA = Buffer.from(',"Data":"', "latin1");
const RECORD_KEY = Buffer.from('","PartitionKey":', "latin1");
const RECORD_NONE = Buffer.from(',"EncryptionType":"NONE"}', "latin1");
const RECORD_KMS = Buffer.from(',"EncryptionType":"KMS"}', "latin1");
// The same with the partition key's quotes folded in, for keys copied as they are.
const RECORD_KEY_OPEN = Buffer.from('","PartitionKey":"', "latin1");
const RECORD_NONE_CLOSE = Buffer.from('","EncryptionType":"NONE"}', "latin1");
const RECORD_KMS_CLOSE = Buffer.from('","EncryptionType":"KMS"}', "latin1");
/** Sequence numbers have at most 57 digits; timestamps as seconds with a fraction fit in 32 characters. */
const SEQUENCE_CHARS_MAX = 57;
const TIMESTAMP_CHARS_MAX = 32;
const RECORD_FIXED_BYTES =
  1 + RECORD_SEQUENCE.length + SEQUENCE_CHARS_MAX + RECORD_ARRIVAL.length + TIMESTAMP_CHARS_MAX + RECORD_DATA.length + RECORD_KEY.length + RECORD_NONE.length;
const QUOTE = 0x22;
const COMMA = 0x2c;
const CLOSE_ARRAY = 0x5d;

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Each 12-bit value as its two base64 characters, at [2v] and [2v + 1]. */
const BASE64_PAIRS = (() => {
  const pairs = new Uint8Array(4096 * 2);
  for (let v = 0; v < 4096; v++) {
    pairs[v * 2] = BASE64_ALPHABET.charCodeAt(v >> 6);
    pairs[v * 2 + 1] = BASE64_ALPHABET.charCodeAt(v & 63);
  }
  return pairs;
})();
/** Data at least this long is base64-encoded by Node (native, vectorised) and copied; shorter data in JS. */
const NATIVE_BASE64_BYTES_MIN = 512;

export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** `isPlainKey` on a key's UTF-8 bytes (any byte above 0x7e is part of a non-ASCII character). */
function isPlainKeyBytes(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) return false;
  }
  return true;
}

function copyRange(source: Uint8Array, start: number, end: number, target: Buffer, at: number): number {
  const n = end - start;
  if (n < 32) {
    for (let i = 0; i < n; i++) target[at + i] = source[start + i]!;
    return at + n;
  }
  target.set(start === 0 && end === source.length ? source : source.subarray(start, end), at);
  return at + n;
}

/** A partition key that JSON.stringify would leave as it is between quotes (printable ASCII, no `"` or `\`). */
function isPlainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) return false;
  }
  return true;
}

export function encodeGetRecordsJson(read: StoredGetRecordsResult): Buffer {
  const records = read.records;
  const tail = encodeTail(read);
  if (records.length === 0) return Buffer.concat([EMPTY_OPEN, tail]);

  // Pass 1: an upper bound of the size, and the JSON of any key that needs escaping.
  let size = OPEN.length + 1 + tail.length;
  let lastPlainKey: string | undefined;
  let escapedKeys: (string | undefined)[] | undefined;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    let keyBytes: number;
    let dataBytes: number;
    if (isInPlaceRecord(record) && isPlainKeyBytes(record.source, record.keyStart, record.keyEnd)) {
      // Copied from storage's bytes below, without a key string or a data view.
      keyBytes = record.keyEnd - record.keyStart + 2;
      dataBytes = record.dataEnd - record.dataStart;
    } else {
      const key = record.partitionKey;
      if (key === lastPlainKey || isPlainKey(key)) {
        keyBytes = key.length + 2;
        lastPlainKey = key;
      } else {
        const json = JSON.stringify(key);
        (escapedKeys ??= new Array<string | undefined>(records.length))[i] = json;
        keyBytes = Buffer.byteLength(json, "utf8");
      }
      dataBytes = record.data.length;
    }
    size += RECORD_FIXED_BYTES + base64Length(dataBytes) + keyBytes;
  }

  // Pass 2: write (into a pooled buffer, reused once the response is flushed: src/server/response-buffers.ts).
  const out = responseBuffer(size);
  let p = copy(OPEN, out, 0);
  let baseSecond = -1;
  let digits: SequenceDigits = sequenceDigits(sequenceBase(read.creationSeconds, read.shardIndex, 0));
  let lastArrivalMs = -1;
  let arrival: Buffer = RECORD_ARRIVAL;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (i > 0) out[p++] = COMMA;
    p = copy(RECORD_SEQUENCE, out, p);
    const arrivalMs = record.arrivalMs;
    const second = Math.floor(arrivalMs / 1000);
    if (second !== baseSecond) {
      digits = sequenceDigits(sequenceBase(read.creationSeconds, read.shardIndex, second));
      baseSecond = second;
    }
    p = writeSequenceNumber(out, p, digits, record.offset);
    if (arrivalMs !== lastArrivalMs) {
      // `","ApproximateArrivalTimestamp":<seconds>,"Data":"` once per arrival time (a batch shares one).
      arrival = Buffer.from(`","ApproximateArrivalTimestamp":${String(arrivalMs / 1000)},"Data":"`, "latin1");
      lastArrivalMs = arrivalMs;
    }
    p = copy(arrival, out, p);
    const kms = (record.flags & RECORD_FLAG_KMS) !== 0;
    const escaped = escapedKeys?.[i];
    // An in-place record without an escaped key passed isPlainKeyBytes in pass 1 (one that failed it
    // has a non-ASCII or special character, so its key string was escaped there).
    if (escaped === undefined && isInPlaceRecord(record)) {
      const source = record.source;
      p = writeBase64(out, p, source, record.dataStart, record.dataEnd);
      p = copy(RECORD_KEY_OPEN, out, p);
      p = copyRange(source, record.keyStart, record.keyEnd, out, p);
      p = copy(kms ? RECORD_KMS_CLOSE : RECORD_NONE_CLOSE, out, p);
      continue;
    }
    const data = record.data;
    p = writeBase64(out, p, data, 0, data.length);
    if (escaped !== undefined) {
      p = copy(RECORD_KEY, out, p);
      p += out.write(escaped, p, "utf8");
      p = copy(kms ? RECORD_KMS : RECORD_NONE, out, p);
    } else {
      p = copy(RECORD_KEY_OPEN, out, p);
      p = writeAscii(out, p, record.partitionKey);
      p = copy(kms ? RECORD_KMS_CLOSE : RECORD_NONE_CLOSE, out, p);
    }
  }
  out[p++] = CLOSE_ARRAY;
  p = copy(tail, out, p);
  return p === out.length ? out : out.subarray(0, p);
}

/** `,"MillisBehindLatest":…,"NextShardIterator":…,"ChildShards":…}` from the generic encoder (once per call). */
function encodeTail(read: StoredGetRecordsResult): Buffer {
  const rest: Record<string, unknown> = { MillisBehindLatest: read.millisBehindLatest };
  if (read.nextShardIterator !== undefined) rest.NextShardIterator = read.nextShardIterator;
  if (read.childShards) rest.ChildShards = read.childShards.map(toWireChildShard);
  const json = encodeJson(rest);
  json[0] = COMMA; // `{"MillisBehindLatest"…` continues the Records object
  return json;
}

function copy(source: Uint8Array, target: Buffer, at: number): number {
  return copyRange(source, 0, source.length, target, at);
}

function writeAscii(target: Buffer, at: number, text: string): number {
  const n = text.length;
  if (n < 32) {
    for (let i = 0; i < n; i++) target[at + i] = text.charCodeAt(i);
    return at + n;
  }
  return at + target.write(text, at, "latin1");
}

/** Base64 of `data[start, end)` written at `at`; returns the end. */
function writeBase64(target: Buffer, at: number, data: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n >= NATIVE_BASE64_BYTES_MIN) {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
    return at + target.write(bytes.toString("base64", start, end), at, "latin1");
  }
  let p = at;
  const whole = end - (n % 3);
  const pairs = BASE64_PAIRS;
  for (let i = start; i < whole; i += 3) {
    const v = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    const hi = (v >> 12) << 1;
    const lo = (v & 0xfff) << 1;
    target[p] = pairs[hi]!;
    target[p + 1] = pairs[hi + 1]!;
    target[p + 2] = pairs[lo]!;
    target[p + 3] = pairs[lo + 1]!;
    p += 4;
  }
  const left = end - whole;
  if (left === 1) {
    const v = data[whole]!;
    target[p] = BASE64_ALPHABET.charCodeAt(v >> 2);
    target[p + 1] = BASE64_ALPHABET.charCodeAt((v & 3) << 4);
    target[p + 2] = 0x3d;
    target[p + 3] = 0x3d;
    p += 4;
  } else if (left === 2) {
    const v = (data[whole]! << 8) | data[whole + 1]!;
    target[p] = BASE64_ALPHABET.charCodeAt(v >> 10);
    target[p + 1] = BASE64_ALPHABET.charCodeAt((v >> 4) & 63);
    target[p + 2] = BASE64_ALPHABET.charCodeAt((v & 15) << 2);
    target[p + 3] = 0x3d;
    p += 4;
  }
  return p;
}
