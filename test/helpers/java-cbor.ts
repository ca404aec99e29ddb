/**
 * A small CBOR encoder and decoder written for the tests, independent of the server's codec, that
 * encodes requests as the Java SDKs do (Jackson's CBORGenerator): maps and arrays of indefinite length
 * (0xbf ... 0xff), text strings for strings, byte strings for blobs, and timestamps as tag 1 around an
 * integer of epoch milliseconds (SdkCborGenerator.writeValue(Date) in Java SDK v1: writeTag(1) then
 * writeNumber(date.getTime()), milliseconds despite RFC 8949's seconds). `definite: true` writes
 * definite-length containers instead.
 */

export class CborTimestamp {
  /** `tagged: false` sends the bare integer of milliseconds, as some other encoders do. */
  constructor(
    readonly epochMs: number,
    readonly tagged = true,
  ) {}
}

function head(major: number, value: number | bigint): Buffer {
  const n = BigInt(value);
  if (n < 24n) return Buffer.from([(major << 5) | Number(n)]);
  if (n < 0x100n) return Buffer.from([(major << 5) | 24, Number(n)]);
  if (n < 0x10000n) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(Number(n), 1);
    return b;
  }
  if (n < 0x100000000n) {
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(Number(n), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = (major << 5) | 27;
  b.writeBigUInt64BE(n, 1);
  return b;
}

export function encodeJavaCbor(value: unknown, options: { definite?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const write = (v: unknown): void => {
    if (v === null || v === undefined) parts.push(Buffer.from([0xf6]));
    else if (v === true) parts.push(Buffer.from([0xf5]));
    else if (v === false) parts.push(Buffer.from([0xf4]));
    else if (v instanceof CborTimestamp) parts.push(...(v.tagged ? [head(6, 1)] : []), head(0, v.epochMs));
    else if (v instanceof Date) parts.push(head(6, 1), head(0, v.getTime()));
    else if (v instanceof Uint8Array) parts.push(head(2, v.length), Buffer.from(v));
    else if (typeof v === "string") {
      const bytes = Buffer.from(v, "utf8");
      parts.push(head(3, bytes.length), bytes);
    } else if (typeof v === "number") {
      if (!Number.isInteger(v)) {
        const b = Buffer.alloc(9);
        b[0] = 0xfb;
        b.writeDoubleBE(v, 1);
        parts.push(b);
      } else parts.push(v >= 0 ? head(0, v) : head(1, -1 - v));
    } else if (Array.isArray(v)) {
      parts.push(options.definite ? head(4, v.length) : Buffer.from([0x9f]));
      for (const item of v) write(item);
      if (!options.definite) parts.push(Buffer.from([0xff]));
    } else if (typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      parts.push(options.definite ? head(5, entries.length) : Buffer.from([0xbf]));
      for (const [k, x] of entries) {
        write(k);
        write(x);
      }
      if (!options.definite) parts.push(Buffer.from([0xff]));
    } else throw new Error(`cannot encode ${typeof v}`);
  };
  write(value);
  return Buffer.concat(parts);
}

/** Decodes a CBOR document: byte strings as Buffers, tag 1 as Date, other tags as their content. */
export function decodeCbor(bytes: Buffer): unknown {
  let pos = 0;
  const BREAK = Symbol("break");
  const argument = (info: number): number | bigint => {
    if (info < 24) return info;
    if (info === 24) return bytes[pos++]!;
    if (info === 25) return (pos += 2), bytes.readUInt16BE(pos - 2);
    if (info === 26) return (pos += 4), bytes.readUInt32BE(pos - 4);
    if (info === 27) {
      pos += 8;
      const n = bytes.readBigUInt64BE(pos - 8);
      return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    throw new Error(`unsupported additional info ${info}`);
  };
  const read = (): unknown => {
    const initial = bytes[pos++];
    if (initial === undefined) throw new Error("truncated CBOR");
    if (initial === 0xff) return BREAK;
    const major = initial >> 5;
    const info = initial & 0x1f;
    const indefinite = info === 31;
    switch (major) {
      case 0:
        return argument(info);
      case 1: {
        const n = argument(info);
        return typeof n === "bigint" ? -1n - n : -1 - n;
      }
      case 2:
      case 3: {
        let chunk: Buffer;
        if (indefinite) {
          const chunks: Buffer[] = [];
          for (let part = read(); part !== BREAK; part = read()) chunks.push(typeof part === "string" ? Buffer.from(part) : (part as Buffer));
          chunk = Buffer.concat(chunks);
        } else {
          const length = Number(argument(info));
          chunk = bytes.subarray(pos, pos + length);
          pos += length;
        }
        return major === 2 ? Buffer.from(chunk) : chunk.toString("utf8");
      }
      case 4: {
        const items: unknown[] = [];
        if (indefinite) for (let item = read(); item !== BREAK; item = read()) items.push(item);
        else for (let i = Number(argument(info)); i > 0; i--) items.push(read());
        return items;
      }
      case 5: {
        const map: Record<string, unknown> = {};
        if (indefinite) for (let key = read(); key !== BREAK; key = read()) map[String(key)] = read();
        else for (let i = Number(argument(info)); i > 0; i--) map[String(read())] = read();
        return map;
      }
      case 6: {
        const tag = Number(argument(info));
        const content = read();
        return tag === 1 && typeof content === "number" ? new Date(content * 1000) : content;
      }
      default: {
        if (info === 20) return false;
        if (info === 21) return true;
        if (info === 22 || info === 23) return null;
        if (info === 25) return (pos += 2), halfToNumber(bytes.readUInt16BE(pos - 2));
        if (info === 26) return (pos += 4), bytes.readFloatBE(pos - 4);
        if (info === 27) return (pos += 8), bytes.readDoubleBE(pos - 8);
        throw new Error(`unsupported simple value ${info}`);
      }
    }
  };
  const value = read();
  if (pos !== bytes.length) throw new Error(`trailing bytes after CBOR document (${bytes.length - pos})`);
  return value;
}

function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
