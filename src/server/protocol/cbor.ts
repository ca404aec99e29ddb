/**
 * CBOR (RFC 8949) as AWS's `application/x-amz-cbor-1.1` uses it: maps with text keys, byte strings for
 * blobs, integers and floats, and timestamps. Written here rather than taken from `@smithy/core/cbor`
 * because that codec does not check map key types, returns tag-1 timestamps as tag objects (a second
 * pass to convert them) and has no encoding for Date; this one does the Kinesis conversions in the same
 * single pass.
 *
 * Decoding: byte strings become Buffers that view the request body (no copy); tag 1 becomes a Date;
 * indefinite-length strings, arrays and maps are accepted (kinesalite's canned errors use them).
 * Encoding: Uint8Array -> byte string, Date -> epoch milliseconds integer, null/undefined members are
 * omitted as AWS's serializers omit them.
 */
import { CBOR_NESTING_DEPTH_MAX } from "../../core/limits.js";

export class CborDecodeError extends Error {
  override name = "CborDecodeError";
}

const MAJOR_UINT = 0;
const MAJOR_NEGINT = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
const MINOR_INDEFINITE = 31;
const BREAK = 0xff;
const TAG_EPOCH_TIME = 1;
/** Tag-1 values at or above this are epoch milliseconds (what the AWS Java SDKs send), below it seconds
 * (RFC 8949); 1e11 seconds is the year 5138 and 1e11 milliseconds is 1973, so the two never overlap. */
const EPOCH_MS_THRESHOLD = 1e11;

// ---------------------------------------------------------------------------------------------------
// Decoding. Module state is safe: decoding is synchronous and never re-entered.

let input: Buffer = Buffer.alloc(0);
let pos = 0;
let end = 0;

/** Decodes exactly one CBOR item that spans the whole of `bytes`. Throws CborDecodeError if malformed. */
export function decodeCbor(bytes: Buffer): unknown {
  input = bytes;
  pos = 0;
  end = bytes.length;
  try {
    const value = readItem(0);
    if (pos !== end) throw new CborDecodeError(`unexpected data after the item at offset ${pos}`);
    return value;
  } finally {
    input = EMPTY;
  }
}
const EMPTY = Buffer.alloc(0);

function need(n: number): void {
  if (end - pos < n) throw new CborDecodeError("unexpected end of input");
}

/** Reads the argument of an initial byte whose minor value is `minor` (not 31). */
function readArgument(minor: number): number {
  if (minor < 24) return minor;
  switch (minor) {
    case 24:
      need(1);
      return input[pos++]!;
    case 25: {
      need(2);
      const v = input.readUInt16BE(pos);
      pos += 2;
      return v;
    }
    case 26: {
      need(4);
      const v = input.readUInt32BE(pos);
      pos += 4;
      return v;
    }
    case 27: {
      need(8);
      const hi = input.readUInt32BE(pos);
      const lo = input.readUInt32BE(pos + 4);
      pos += 8;
      // Beyond 2^53 precision is lost; no Kinesis member carries such an integer.
      return hi * 0x1_0000_0000 + lo;
    }
    default:
      throw new CborDecodeError(`invalid additional information ${minor}`);
  }
}

function readItem(depth: number): unknown {
  need(1);
  const initial = input[pos++]!;
  const major = initial >> 5;
  const minor = initial & 0x1f;
  switch (major) {
    case MAJOR_UINT:
      return readArgument(minor);
    case MAJOR_NEGINT:
      return -1 - readArgument(minor);
    case MAJOR_BYTES:
      return minor === MINOR_INDEFINITE ? readIndefiniteBytes() : readBytes(readArgument(minor));
    case MAJOR_TEXT:
      return minor === MINOR_INDEFINITE ? readIndefiniteText() : readText(readArgument(minor));
    case MAJOR_ARRAY:
      if (depth >= CBOR_NESTING_DEPTH_MAX) throw new CborDecodeError("nesting too deep");
      return minor === MINOR_INDEFINITE ? readIndefiniteArray(depth + 1) : readArray(readArgument(minor), depth + 1);
    case MAJOR_MAP:
      if (depth >= CBOR_NESTING_DEPTH_MAX) throw new CborDecodeError("nesting too deep");
      return readMap(minor === MINOR_INDEFINITE ? -1 : readArgument(minor), depth + 1);
    case MAJOR_TAG:
      return readTagged(readArgument(minor), depth);
    default:
      return readSimple(minor);
  }
}

function readBytes(length: number): Buffer {
  need(length);
  const value = input.subarray(pos, pos + length);
  pos += length;
  return value;
}

/** Below this many bytes, ASCII text is decoded by hand: Buffer#toString's fixed cost dominates short keys. */
const SHORT_TEXT_BYTES = 48;

function readText(length: number): string {
  need(length);
  const start = pos;
  pos += length;
  if (length < SHORT_TEXT_BYTES) {
    let text = "";
    for (let i = start; i < pos; i++) {
      const byte = input[i]!;
      if (byte >= 0x80) return input.toString("utf8", start, pos);
      text += String.fromCharCode(byte);
    }
    return text;
  }
  return input.toString("utf8", start, pos);
}

/** Chunks of an indefinite string must be definite strings of the same major type (RFC 8949 3.2.3). */
function readChunks(major: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (;;) {
    need(1);
    const initial = input[pos++]!;
    if (initial === BREAK) return chunks;
    if (initial >> 5 !== major || (initial & 0x1f) === MINOR_INDEFINITE) {
      throw new CborDecodeError("invalid chunk in an indefinite-length string");
    }
    chunks.push(readBytes(readArgument(initial & 0x1f)));
  }
}

function readIndefiniteBytes(): Buffer {
  return Buffer.concat(readChunks(MAJOR_BYTES));
}

function readIndefiniteText(): string {
  return Buffer.concat(readChunks(MAJOR_TEXT)).toString("utf8");
}

function readArray(length: number, depth: number): unknown[] {
  // Every item takes at least one byte: refuse counts the input cannot hold before allocating.
  if (length > end - pos) throw new CborDecodeError("array longer than the input");
  const out = new Array<unknown>(length);
  for (let i = 0; i < length; i++) out[i] = readItem(depth);
  return out;
}

function readIndefiniteArray(depth: number): unknown[] {
  const out: unknown[] = [];
  for (;;) {
    need(1);
    if (input[pos] === BREAK) {
      pos++;
      return out;
    }
    out.push(readItem(depth));
  }
}

/** `length` -1 means indefinite. */
function readMap(length: number, depth: number): Record<string, unknown> {
  if (length > (end - pos) / 2) throw new CborDecodeError("map longer than the input");
  const out: Record<string, unknown> = {};
  for (let i = 0; length < 0 || i < length; i++) {
    need(1);
    const initial = input[pos]!;
    if (length < 0 && initial === BREAK) {
      pos++;
      return out;
    }
    if (initial >> 5 !== MAJOR_TEXT) throw new CborDecodeError("map key is not a text string");
    pos++;
    const minor = initial & 0x1f;
    const key = minor === MINOR_INDEFINITE ? readIndefiniteText() : readText(readArgument(minor));
    const value = readItem(depth);
    // Same semantics as JSON.parse: "__proto__" becomes an own property, never the prototype.
    if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

function readTagged(tag: number, depth: number): unknown {
  const value = readItem(depth);
  if (tag !== TAG_EPOCH_TIME) return value; // Other tags carry nothing Kinesis needs; keep the content.
  if (typeof value !== "number" || !Number.isFinite(value)) throw new CborDecodeError("tag 1 must wrap a number");
  return new Date(Math.abs(value) >= EPOCH_MS_THRESHOLD ? value : value * 1000);
}

function readSimple(minor: number): unknown {
  switch (minor) {
    case 20:
      return false;
    case 21:
      return true;
    case 22:
    case 23:
      return null;
    case 25: {
      need(2);
      const v = decodeFloat16(input.readUInt16BE(pos));
      pos += 2;
      return v;
    }
    case 26: {
      need(4);
      const v = input.readFloatBE(pos);
      pos += 4;
      return v;
    }
    case 27: {
      need(8);
      const v = input.readDoubleBE(pos);
      pos += 8;
      return v;
    }
    default:
      throw new CborDecodeError(minor === MINOR_INDEFINITE ? "unexpected break" : `unsupported simple value ${minor}`);
  }
}

function decodeFloat16(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

// ---------------------------------------------------------------------------------------------------
// Encoding into one growing scratch buffer, copied out once at the end.

const SCRATCH_BYTES_INITIAL = 64 * 1024;
/** A scratch buffer grown beyond this by a large response is released afterwards, not kept. */
const SCRATCH_BYTES_KEPT_MAX = 1024 * 1024;
let out: Buffer = Buffer.allocUnsafe(SCRATCH_BYTES_INITIAL);
let at = 0;

export function encodeCbor(value: unknown): Buffer {
  at = 0;
  writeItem(value);
  const result = Buffer.allocUnsafe(at);
  out.copy(result, 0, 0, at);
  if (out.length > SCRATCH_BYTES_KEPT_MAX) out = Buffer.allocUnsafe(SCRATCH_BYTES_INITIAL);
  return result;
}

function reserve(n: number): void {
  if (at + n <= out.length) return;
  let size = out.length * 2;
  while (size < at + n) size *= 2;
  const grown = Buffer.allocUnsafe(size);
  out.copy(grown, 0, 0, at);
  out = grown;
}

function writeHead(major: number, n: number): void {
  reserve(9);
  const m = major << 5;
  if (n < 24) out[at++] = m | n;
  else if (n < 0x100) {
    out[at++] = m | 24;
    out[at++] = n;
  } else if (n < 0x1_0000) {
    out[at++] = m | 25;
    out.writeUInt16BE(n, at);
    at += 2;
  } else if (n < 0x1_0000_0000) {
    out[at++] = m | 26;
    out.writeUInt32BE(n, at);
    at += 4;
  } else {
    out[at++] = m | 27;
    out.writeUInt32BE(Math.floor(n / 0x1_0000_0000), at);
    out.writeUInt32BE(n >>> 0, at + 4);
    at += 8;
  }
}

function writeNumber(n: number): void {
  if (Number.isSafeInteger(n)) {
    if (n >= 0) writeHead(MAJOR_UINT, n);
    else writeHead(MAJOR_NEGINT, -1 - n);
    return;
  }
  reserve(9);
  out[at++] = 0xfb;
  out.writeDoubleBE(n, at);
  at += 8;
}

function writeString(s: string): void {
  const n = s.length;
  if (n < SHORT_TEXT_BYTES) {
    // Short ASCII strings (member names, keys, sequence numbers) are copied by hand.
    reserve(2 + n);
    const start = at;
    at += n < 24 ? 1 : 2;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      const code = s.charCodeAt(i);
      if (code >= 0x80) {
        ascii = false;
        break;
      }
      out[at++] = code;
    }
    if (ascii) {
      if (n < 24) out[start] = (MAJOR_TEXT << 5) | n;
      else {
        out[start] = (MAJOR_TEXT << 5) | 24;
        out[start + 1] = n;
      }
      return;
    }
    at = start;
  }
  const len = Buffer.byteLength(s, "utf8");
  writeHead(MAJOR_TEXT, len);
  reserve(len);
  at += out.write(s, at, "utf8");
}

function writeBytes(bytes: Uint8Array): void {
  const n = bytes.byteLength;
  writeHead(MAJOR_BYTES, n);
  reserve(n);
  if (n < SHORT_TEXT_BYTES) for (let i = 0; i < n; i++) out[at++] = bytes[i]!;
  else {
    out.set(bytes, at);
    at += n;
  }
}

function writeItem(value: unknown): void {
  switch (typeof value) {
    case "string":
      return writeString(value);
    case "number":
      return writeNumber(value);
    case "boolean":
      reserve(1);
      out[at++] = value ? 0xf5 : 0xf4;
      return;
    case "bigint":
      if (value >= 0n && value < 0x1_0000_0000_0000_0000n) {
        reserve(9);
        out[at++] = 0x1b;
        out.writeBigUInt64BE(value, at);
        at += 8;
        return;
      }
      return writeNumber(Number(value));
    case "object":
      if (value === null) break;
      if (Array.isArray(value)) {
        writeHead(MAJOR_ARRAY, value.length);
        for (const item of value) writeItem(item ?? null);
        return;
      }
      if (value instanceof Uint8Array) return writeBytes(value);
      if (value instanceof Date) return writeNumber(value.getTime());
      return writeMap(value as Record<string, unknown>);
    default:
      break;
  }
  reserve(1);
  out[at++] = 0xf6; // null
}

function writeMap(map: Record<string, unknown>): void {
  const keys = Object.keys(map);
  let count = 0;
  for (const key of keys) if (map[key] != null) count++;
  writeHead(MAJOR_MAP, count);
  for (const key of keys) {
    const member = map[key];
    if (member == null) continue;
    writeString(key);
    writeItem(member);
  }
}
