/**
 * Phase one of input validation: turn the decoded request body (JSON or CBOR values) into the typed
 * values of the server/service seam, or fail with SerializationException as AWS's deserializer does.
 * Blobs become bytes (base64 in JSON), timestamps become Dates, numbers are truncated to their Java
 * type, members the model does not know and null members are dropped.
 *
 * Messages are AWS's (Coral's) own, as kinesalite recorded them; they carry no member path.
 */
import { serializationException } from "../../core/errors.js";
import type { Codec } from "../service.js";
import type { Shape, ShapeTable, StructureShape } from "./shape-table.js";

/** Reads one non-null value of a shape; throws SerializationException when it has the wrong type. */
export type Reader = (value: unknown, codec: Codec) => unknown;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const MS_PER_SECOND = 1000;

const START_OF_LIST = "Start of list found where not expected";
const START_OF_STRUCTURE = "Start of structure or map found where not expected.";

/** How AWS names the Java class it was given, for "class X can not be converted to Y". */
function javaClassOf(value: unknown): string {
  switch (typeof value) {
    case "boolean":
      return "class java.lang.Boolean";
    case "string":
      return "class java.lang.String";
    case "number":
    case "bigint":
      return "class com.amazon.coral.value.json.numbers.TruncatingBigNumber";
    default:
      // Only CBOR can produce these; AWS's wording for them is not known, so name the Java type
      // Coral would have built.
      if (value instanceof Uint8Array) return "class java.nio.HeapByteBuffer";
      if (value instanceof Date) return "class java.util.Date";
      return "class java.lang.Object";
  }
}

/** The error for a value of the wrong kind where a scalar was expected. */
function scalarMismatch(value: unknown, target: string): Error {
  if (Array.isArray(value)) return serializationException(START_OF_LIST);
  if (typeof value === "object" && value !== null && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    return serializationException(START_OF_STRUCTURE);
  }
  return serializationException(`${javaClassOf(value)} can not be converted to ${target}`);
}

function readString(value: unknown): unknown {
  if (typeof value === "string") return value;
  throw scalarMismatch(value, "an String");
}

// AWS accepts these strings for booleans and rejects any other string, printing it upper-cased.
const BOOLEAN_STRINGS: ReadonlyMap<string, boolean> = new Map([
  ["TRUE", true],
  ["FALSE", false],
  ["YES", true],
  ["NO", false],
  ["1", true],
  ["0", false],
]);

function readBoolean(value: unknown): unknown {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const upper = value.toUpperCase();
    const parsed = BOOLEAN_STRINGS.get(upper);
    if (parsed !== undefined) return parsed;
    throw serializationException(`'${upper}' can not be converted to an Boolean`);
  }
  throw scalarMismatch(value, "an Boolean");
}

function numberOf(value: unknown, target: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "bigint") return Number(value);
  throw scalarMismatch(value, target);
}

// Coral truncates JSON numbers to the member's Java type: fractions are dropped and ints saturate.
const readInteger: Reader = (value) => {
  const n = Math.trunc(numberOf(value, "an Integer"));
  return n > INT32_MAX ? INT32_MAX : n < INT32_MIN ? INT32_MIN : n;
};
const readLong: Reader = (value) => Math.trunc(numberOf(value, "an Long"));
const readDouble: Reader = (value) => numberOf(value, "an Double");
const readFloat: Reader = (value) => numberOf(value, "an Float");

function isCborTag(value: object): value is { tag: number | bigint; value: unknown } {
  return "tag" in value && "value" in value && (typeof value.tag === "number" || typeof value.tag === "bigint");
}

/** JSON: epoch seconds (fractions allowed). CBOR: epoch milliseconds, or tag 1 (epoch seconds). */
const readTimestamp: Reader = (value, codec) => {
  if (typeof value === "number" && Number.isFinite(value)) {
    return new Date(codec === "json" ? value * MS_PER_SECOND : value);
  }
  if (codec === "cbor") {
    if (typeof value === "bigint") return new Date(Number(value));
    if (value instanceof Date) return value;
    if (typeof value === "object" && value !== null && isCborTag(value) && Number(value.tag) === 1) {
      const seconds = value.value;
      if (typeof seconds === "number" || typeof seconds === "bigint") return new Date(Number(seconds) * MS_PER_SECOND);
    }
  }
  throw scalarMismatch(value, "milliseconds since epoch");
};

const BASE64_ALPHABET_OFFENDER = /[^A-Za-z0-9+/=]|=[^=]/;
const BASE64_GROUP_CHARS = 4;
const BASE64_BYTES_PER_GROUP = 3;

function blobError(text: string, reason: string): Error {
  return serializationException(`'${text}' can not be converted to a Blob: ${reason}`);
}

/**
 * Strict base64 as AWS's decoder applies it. The common case (valid input) costs one decode plus two
 * character searches; the reasons for a failure are only worked out once one is detected.
 */
export function decodeBase64(text: string): Buffer {
  if (text.length % BASE64_GROUP_CHARS !== 0) {
    throw blobError(text, `Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`);
  }
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const bytes = Buffer.from(text, "base64");
  const expectedBytes = (text.length / BASE64_GROUP_CHARS) * BASE64_BYTES_PER_GROUP - padding;
  // Node's decoder skips characters outside the alphabet and also accepts base64url's '-' and '_'.
  if (bytes.length === expectedBytes && text.indexOf("-") === -1 && text.indexOf("_") === -1) {
    if (padding === 0 || lastCharBitsAreZero(text, padding)) return bytes;
  }
  const offender = BASE64_ALPHABET_OFFENDER.exec(text);
  if (offender !== null) throw blobError(text, `Invalid Base64 character: '${offender[0][0] ?? ""}'`);
  // AWS's own misspelling.
  throw blobError(text, "Invalid last non-pad Base64 character dectected");
}

const BASE64_VALUES = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The last character before the padding may only use the bits that carry data. */
function lastCharBitsAreZero(text: string, padding: number): boolean {
  const lastValue = BASE64_VALUES.indexOf(text[text.length - 1 - padding] ?? "");
  const unusedBitsMask = padding === 2 ? 0b1111 : 0b11;
  return lastValue >= 0 && (lastValue & unusedBitsMask) === 0;
}

const readBlob: Reader = (value) => {
  if (typeof value === "string") return decodeBase64(value);
  if (value instanceof Uint8Array) return value;
  throw scalarMismatch(value, "a Blob");
};

function listMismatch(value: unknown): Error {
  if (typeof value === "object" && value !== null) return serializationException(START_OF_STRUCTURE);
  return serializationException("Expected list or null");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function mapOrStructureMismatch(value: unknown, primitiveMessage: string): Error {
  if (Array.isArray(value)) return serializationException(START_OF_LIST);
  return serializationException(primitiveMessage);
}

/** Members in the order AWS checks them: the recorded AWS order first, then the rest in model order. */
export function memberOrder(shape: StructureShape): string[] {
  const first = shape.validationOrder ?? [];
  return [...first, ...Object.keys(shape.members).filter((m) => !first.includes(m))];
}

interface FieldReader {
  readonly name: string;
  read: Reader;
}

/** Compiles readers for a table's shapes, sharing one reader per shape (and allowing recursion). */
export function createReaderCompiler(table: ShapeTable): (shapeName: string) => Reader {
  const compiled = new Map<string, Reader>();

  const readerFor = (shapeName: string): Reader => {
    const existing = compiled.get(shapeName);
    if (existing !== undefined) return existing;
    const shape = table.shapes[shapeName];
    if (shape === undefined) throw new Error(`shape table has no shape ${shapeName}`);
    // A forwarder first, so that a shape that contains itself refers to the finished reader.
    let target: Reader | undefined;
    compiled.set(shapeName, (value, codec) => (target as Reader)(value, codec));
    target = build(shape);
    compiled.set(shapeName, target);
    return target;
  };

  const build = (shape: Shape): Reader => {
    switch (shape.type) {
      case "string":
        return readString;
      case "boolean":
        return readBoolean;
      case "integer":
        return readInteger;
      case "long":
        return readLong;
      case "double":
        return readDouble;
      case "float":
        return readFloat;
      case "timestamp":
        return readTimestamp;
      case "blob":
        return readBlob;
      case "list": {
        const member = readerFor(shape.member);
        return (value, codec) => {
          if (!Array.isArray(value)) throw listMismatch(value);
          const out: unknown[] = new Array(value.length);
          for (let i = 0; i < value.length; i++) {
            const item: unknown = value[i];
            // Null items stay null: the constraint phase reports them.
            out[i] = item === null || item === undefined ? null : member(item, codec);
          }
          return out;
        };
      }
      case "map": {
        const mapValue = readerFor(shape.value);
        return (value, codec) => {
          if (!isPlainObject(value)) throw mapOrStructureMismatch(value, "Expected map or null");
          // No prototype, so that a "__proto__" key is just a key.
          const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
          for (const key of Object.keys(value)) {
            const item = value[key];
            if (item !== null && item !== undefined) out[key] = mapValue(item, codec);
          }
          return out;
        };
      }
      case "structure": {
        const fields: FieldReader[] = memberOrder(shape).map((name) => ({ name, read: identity }));
        // Resolved after registration so that recursive shapes work.
        for (const field of fields) field.read = readerFor(shape.members[field.name] as string);
        return (value, codec) => {
          if (!isPlainObject(value)) throw mapOrStructureMismatch(value, "Expected null");
          const out: Record<string, unknown> = {};
          for (let i = 0; i < fields.length; i++) {
            const field = fields[i] as FieldReader;
            const item = value[field.name];
            if (item !== null && item !== undefined) out[field.name] = field.read(item, codec);
          }
          return out;
        };
      }
    }
  };

  return readerFor;
}

const identity: Reader = (value) => value;
