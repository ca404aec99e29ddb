/**
 * A fast path for large, simply shaped JSON request bodies (PutRecords): the body is scanned as bytes,
 * without turning it into one big string for JSON.parse (for 500 × 1 KiB records that string, the parse
 * and the base64 strings it yields were a third of the CPU), and blob members are base64-decoded
 * straight from the body's bytes.
 *
 * The scanner accepts only a narrow, unambiguous subset: an object whose members are strings or one list
 * of objects whose members are strings, every member name known, no member twice, every string printable
 * ASCII without escapes, every blob strict base64. Anything else (escapes, unicode, numbers, nulls,
 * unknown or repeated members, sloppy base64, trailing bytes) returns undefined and the caller takes the
 * ordinary route (JSON.parse, then the deserializer), so every error keeps AWS's exact wording. What it
 * returns equals JSON.parse's value with each blob string replaced by its bytes (which the deserializer
 * accepts as already decoded, as it does CBOR byte strings).
 */
import type { RequestAllocator } from "../request-buffers.js";

export interface FlatJsonShape {
  /** Top-level members holding strings. */
  readonly strings: ReadonlySet<string>;
  /** The top-level member holding a list of flat objects. */
  readonly listName: string;
  /** Members of the list's objects holding strings. */
  readonly itemStrings: ReadonlySet<string>;
  /** Members of the list's objects holding base64 blobs (decoded to Buffers). */
  readonly itemBlobs: ReadonlySet<string>;
}

/** An Operation (src/server/service.ts) that accepts JSON bodies in this subset through the scanner. */
export interface FlatJsonOperation {
  readonly flatJsonShape: FlatJsonShape;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const PAD = 0x3d;

/** Base64 alphabet values by byte, -1 elsewhere ('=' included: padding is handled apart). */
const BASE64_VALUE = (() => {
  const table = new Int8Array(256).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

interface KnownName {
  name: string;
  bytes: Buffer;
}

const knownNames = (names: Iterable<string>): KnownName[] => [...names].map((name) => ({ name, bytes: Buffer.from(name, "latin1") }));
const topNames = new WeakMap<FlatJsonShape, KnownName[]>();
const itemNames = new WeakMap<FlatJsonShape, KnownName[]>();

/** Thrown inside the scanner to bail out; never escapes scanFlatJson. */
const BAIL = Symbol("bail");

class Scanner {
  p = 0;
  /**
   * Every blob of the body is decoded into this one buffer (allocated at the first blob; its size, 3/4 of
   * the body, bounds them all): one allocation per request instead of one per record, from the
   * request's allocator when there is one. Storage copies what it keeps (frames, tail cache, the memory
   * backend), so nothing holds on to the arena once the request is done.
   */
  private arena: Buffer | undefined;
  private arenaUsed = 0;
  constructor(
    readonly bytes: Buffer,
    private readonly alloc: RequestAllocator | undefined,
  ) {}

  skipSpace(): number {
    const bytes = this.bytes;
    let p = this.p;
    let c = bytes[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++p];
    this.p = p;
    if (c === undefined) throw BAIL;
    return c;
  }

  expect(byte: number): void {
    if (this.skipSpace() !== byte) throw BAIL;
    this.p++;
  }

  /** After `"`: the end of a plain string (printable ASCII, no escapes); `p` moves past the closing quote. */
  stringEnd(): number {
    const bytes = this.bytes;
    let p = this.p;
    for (;;) {
      const c = bytes[p];
      if (c === QUOTE) break;
      if (c === undefined || c < 0x20 || c > 0x7e || c === BACKSLASH) throw BAIL;
      p++;
    }
    this.p = p + 1;
    return p;
  }

  string(): string {
    this.expect(QUOTE);
    const start = this.p;
    const end = this.stringEnd();
    return this.bytes.toString("latin1", start, end);
  }

  /** A member name, which must be one of `names` (returned as that constant, so no string is made). */
  name(names: readonly KnownName[]): string {
    this.expect(QUOTE);
    const start = this.p;
    const end = this.stringEnd();
    const bytes = this.bytes;
    const length = end - start;
    for (const known of names) {
      if (known.bytes.length !== length) continue;
      let i = 0;
      while (i < length && bytes[start + i] === known.bytes[i]) i++;
      if (i === length) return known.name;
    }
    throw BAIL;
  }

  /** A base64 string decoded strictly (as the deserializer's decodeBase64 accepts it) into a new Buffer. */
  blob(): Buffer {
    this.expect(QUOTE);
    const start = this.p;
    // memchr for the closing quote: the decoder rejects every byte outside the base64 alphabet (a
    // backslash or control character included), so the bytes in between need no check of their own.
    const end = this.bytes.indexOf(QUOTE, start);
    if (end < 0) throw BAIL;
    this.p = end + 1;
    const arena = (this.arena ??= this.arenaOf(Math.floor((this.bytes.length * 3) / 4)));
    const data = decodeStrictBase64(this.bytes, start, end, arena, this.arenaUsed);
    this.arenaUsed += data.length;
    return data;
  }

  private arenaOf(bytes: number): Buffer {
    return this.alloc?.(bytes) ?? Buffer.allocUnsafeSlow(bytes);
  }

  /** `,` then true, or `close` then false. */
  more(close: number): boolean {
    const c = this.skipSpace();
    this.p++;
    if (c === COMMA) return true;
    if (c === close) return false;
    throw BAIL;
  }
}

/**
 * The deserializer's strict base64 (deserialize.ts decodeBase64) on the raw bytes of a JSON string:
 * Node's native decoder (several times faster than a JavaScript loop, even with the short string it
 * needs), accepted only under the same conditions (length a multiple of 4, nothing skipped by the
 * lenient decoder, no base64url characters, no stray bits before the padding). A backslash, which JSON
 * would have unescaped, is refused outright.
 */
function decodeStrictBase64(bytes: Buffer, start: number, end: number, arena: Buffer, at: number): Buffer {
  const length = end - start;
  if (length % 4 !== 0) throw BAIL;
  if (length === 0) return arena.subarray(at, at);
  const text = bytes.toString("latin1", start, end);
  if (text.indexOf("-") !== -1 || text.indexOf("_") !== -1 || text.indexOf("\\") !== -1) throw BAIL;
  const padding = bytes[end - 1] === PAD ? (bytes[end - 2] === PAD ? 2 : 1) : 0;
  // The arena has room for the whole text's worth of bytes (3/4 of its length), so nothing is cut off.
  const written = arena.write(text, at, "base64");
  if (written !== (length / 4) * 3 - padding) throw BAIL;
  const out = arena.subarray(at, at + written);
  if (padding > 0) {
    // The last character before the padding may only use the bits that carry data.
    const last = BASE64_VALUE[bytes[end - 1 - padding]!]!;
    if (last < 0 || (last & (padding === 2 ? 0b1111 : 0b11)) !== 0) throw BAIL;
  }
  return out;
}

/** The body's value, or undefined when it is outside the subset this scanner takes (see above). */
export function scanFlatJson(body: Buffer, shape: FlatJsonShape, alloc?: RequestAllocator): Record<string, unknown> | undefined {
  const s = new Scanner(body, alloc);
  try {
    let names = topNames.get(shape);
    if (names === undefined) {
      names = knownNames([...shape.strings, shape.listName]);
      topNames.set(shape, names);
    }
    const out: Record<string, unknown> = {};
    s.expect(OPEN_OBJECT);
    if (s.skipSpace() === CLOSE_OBJECT) s.p++;
    else {
      do {
        const name = s.name(names);
        s.expect(COLON);
        if (out[name] !== undefined) throw BAIL;
        out[name] = name === shape.listName ? scanList(s, shape) : s.string();
      } while (s.more(CLOSE_OBJECT));
    }
    // Nothing but whitespace may follow.
    const bytes = body;
    for (let p = s.p; p < bytes.length; p++) {
      const c = bytes[p];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return undefined;
    }
    return out;
  } catch (error) {
    if (error === BAIL) return undefined;
    throw error;
  }
}

function scanList(s: Scanner, shape: FlatJsonShape): unknown[] {
  let names = itemNames.get(shape);
  if (names === undefined) {
    names = knownNames([...shape.itemBlobs, ...shape.itemStrings]);
    itemNames.set(shape, names);
  }
  const items: unknown[] = [];
  s.expect(OPEN_LIST);
  if (s.skipSpace() === CLOSE_LIST) {
    s.p++;
    return items;
  }
  do {
    const item: Record<string, unknown> = {};
    s.expect(OPEN_OBJECT);
    if (s.skipSpace() === CLOSE_OBJECT) s.p++;
    else {
      do {
        const name = s.name(names);
        s.expect(COLON);
        if (item[name] !== undefined) throw BAIL;
        item[name] = shape.itemBlobs.has(name) ? s.blob() : s.string();
      } while (s.more(CLOSE_OBJECT));
    }
    items.push(item);
  } while (s.more(CLOSE_LIST));
  return items;
}
