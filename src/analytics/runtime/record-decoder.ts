/**
 * Turns source records (JSON documents or CSV text) into typed rows of an in-application stream, with
 * the column mappings and the JSON-to-SQL coercions the developer guide documents ("Mapping Streaming
 * Source Elements to SQL Input Columns"). Pure functions; used by the application worker, by reference
 * data loading and by schema discovery.
 */
import { parseDecimalText, checkDecimalPrecision, fitString } from "../sql/values.js";
import { parseDate, parseTime, parseTimestamp } from "../sql/datetime.js";
import { parseDataType } from "../sql/type-text.js";
import type { SqlType } from "../sql/types.js";
import type { ColumnSpec, RecordFormatSpec } from "./run-spec.js";

/** A record or value that does not fit the schema; the runtime sends it to error_stream. */
export class DecodeError extends Error {
  override name = "DecodeError";
  constructor(
    /** error_stream's ERROR_NAME. */
    readonly errorName: "COERCION_ERROR" | "SCHEMA_MISMATCH",
    message: string,
  ) {
    super(message);
  }
}

type Coerce = (value: unknown) => unknown;

const INTEGER_BOUNDS: Record<string, [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function fail(value: unknown, type: SqlType, column: string): never {
  const text = typeof value === "string" ? `'${value}'` : JSON.stringify(value);
  throw new DecodeError("COERCION_ERROR", `Cannot coerce ${text} to ${type.kind} for column "${column}"`);
}

/** The coercion of one column's source value (JSON value or CSV text) to its SQL type; null stays null. */
export function coercion(type: SqlType, column: string): Coerce {
  switch (type.kind) {
    case "BOOLEAN":
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === "boolean") return v;
        if (typeof v === "number") return v !== 0;
        if (typeof v === "string") return v.trim().toLowerCase() === "true";
        return fail(v, type, column);
      };
    case "TINYINT":
    case "SMALLINT":
    case "INTEGER":
    case "BIGINT": {
      const [low, high] = INTEGER_BOUNDS[type.kind]!;
      return (v) => {
        if (v === null || v === undefined) return null;
        let n: number;
        if (typeof v === "number") n = v;
        else if (typeof v === "boolean") n = v ? 1 : 0;
        else if (typeof v === "string") {
          if (v.trim() === "") return null;
          n = Number(v);
        } else return fail(v, type, column);
        // Precision loss (123.4 into INTEGER) and overflow are coercion errors, as AWS documents.
        if (!Number.isInteger(n) || n < low || n > high) return fail(v, type, column);
        return n;
      };
    }
    case "REAL":
    case "DOUBLE":
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === "number") return v;
        if (typeof v === "boolean") return v ? 1 : 0;
        if (typeof v === "string") {
          if (v.trim() === "") return null;
          const n = Number(v);
          return Number.isNaN(n) ? fail(v, type, column) : n;
        }
        return fail(v, type, column);
      };
    case "DECIMAL": {
      const scale = type.scale ?? 0;
      const precision = type.precision ?? 19;
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === "boolean") return v ? 10n ** BigInt(scale) : 0n;
        if (typeof v !== "number" && typeof v !== "string") return fail(v, type, column);
        if (typeof v === "string" && v.trim() === "") return null;
        const scaled = parseDecimalText(String(v), scale);
        if (scaled === null) return fail(v, type, column);
        try {
          return checkDecimalPrecision(scaled, precision);
        } catch {
          return fail(v, type, column);
        }
      };
    }
    case "CHAR":
    case "VARCHAR":
      return (v) => {
        if (v === null || v === undefined) return null;
        // Over-long strings are truncated silently, as AWS documents for input columns.
        if (typeof v === "string") return fitString(v, type);
        if (typeof v === "object") return fitString(JSON.stringify(v), type);
        return fitString(String(v), type);
      };
    case "BINARY":
    case "VARBINARY":
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === "string") return new Uint8Array(Buffer.from(v, "utf8"));
        return fail(v, type, column);
      };
    case "DATE":
    case "TIME":
    case "TIMESTAMP": {
      const parse = type.kind === "DATE" ? parseDate : type.kind === "TIME" ? parseTime : parseTimestamp;
      return (v) => {
        if (v === null || v === undefined) return null;
        // Numbers are taken as epoch milliseconds (AWS leaves this case undocumented).
        if (typeof v === "number" && Number.isFinite(v)) return type.kind === "TIMESTAMP" ? v : parse(new Date(v).toISOString()) ?? fail(v, type, column);
        if (typeof v === "string") {
          if (v.trim() === "") return null;
          return parse(v) ?? fail(v, type, column);
        }
        return fail(v, type, column);
      };
    }
    default:
      return (v) => (v === null || v === undefined ? null : fail(v, type, column));
  }
}

// ---------------------------------------------------------------- JSONPath subset

/** One parsed column mapping: `$.a.b`, `$.arr[0:]` (whole array as text), `$.arr[0:].field` (flattened). */
interface JsonPath {
  keys: string[];
  /** `[0:]` after `keys`: the array itself (wholeArray) or, with `elementKeys`, one row per element. */
  arrayAt?: { elementKeys: string[] | undefined } | undefined;
}

const PATH_SEGMENT = /^(?:\.([^.[\]]+)|\["([^"]*)"\]|\['([^']*)'\])/;

export function parseJsonPath(path: string): JsonPath | undefined {
  if (!path.startsWith("$")) return undefined;
  let rest = path.slice(1);
  const keys: string[] = [];
  let arrayAt: JsonPath["arrayAt"];
  let target = keys;
  while (rest.length > 0) {
    if (rest.startsWith("[0:]")) {
      if (arrayAt) return undefined; // only one flattened array per path
      arrayAt = { elementKeys: undefined };
      target = [];
      rest = rest.slice(4);
      if (rest.length > 0) arrayAt.elementKeys = target;
      continue;
    }
    const m = PATH_SEGMENT.exec(rest);
    if (!m) return undefined;
    target.push((m[1] ?? m[2] ?? m[3])!);
    rest = rest.slice(m[0].length);
  }
  return { keys, arrayAt };
}

function dig(value: unknown, keys: readonly string[]): unknown {
  let v = value;
  for (let i = 0; i < keys.length; i++) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[keys[i]!];
  }
  return v;
}

export type RowDecoder = (text: string) => unknown[][];

/**
 * A decoder of one record's text into zero or more typed rows (JSON arrays at the row path and CSV lines
 * give several). Rows are allocated with `spareSlots` more slots than columns, left for the caller to fill
 * (the implicit source columns and ROWTIME), so that they never grow afterwards.
 */
export function compileDecoder(format: RecordFormatSpec, columns: readonly ColumnSpec[], spareSlots = 0): RowDecoder {
  const coerces = columns.map((c) => coercion(parseDataType(c.sqlType), c.name));
  return format.kind === "JSON" ? jsonDecoder(format.rowPath, columns, coerces, spareSlots) : csvDecoder(format, coerces, spareSlots);
}

function jsonDecoder(rowPath: string, columns: readonly ColumnSpec[], coerces: Coerce[], spareSlots: number): RowDecoder {
  const rowKeys = parseJsonPath(rowPath)?.keys ?? [];
  const paths = columns.map((c) => {
    const p = parseJsonPath(c.mapping ?? `$.${c.name}`);
    if (!p) throw new DecodeError("SCHEMA_MISMATCH", `Invalid mapping ${c.mapping ?? ""} for column "${c.name}"`);
    return p;
  });
  const flattenAt = paths.findIndex((p) => p.arrayAt?.elementKeys !== undefined);
  const flattenKeys = flattenAt >= 0 ? paths[flattenAt]!.keys : undefined;
  const n = columns.length;
  const simple = flattenAt < 0 && paths.every((p) => p.arrayAt === undefined && p.keys.length === 1);
  const firstKeys = paths.map((p) => p.keys[0] ?? "");

  const width = n + spareSlots;
  const rowOf = (doc: unknown, element: unknown): unknown[] => {
    const row = new Array<unknown>(width);
    if (simple && doc !== null && typeof doc === "object") {
      const o = doc as Record<string, unknown>;
      for (let i = 0; i < n; i++) row[i] = coerces[i]!(o[firstKeys[i]!]);
      return row;
    }
    for (let i = 0; i < n; i++) {
      const p = paths[i]!;
      let v = dig(doc, p.keys);
      if (p.arrayAt) v = p.arrayAt.elementKeys === undefined ? (Array.isArray(v) ? v : undefined) : dig(element, p.arrayAt.elementKeys);
      row[i] = coerces[i]!(v);
    }
    return row;
  };

  return (text) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new DecodeError("SCHEMA_MISMATCH", "Record is not valid JSON");
    }
    const at = rowKeys.length === 0 ? parsed : dig(parsed, rowKeys);
    const docs = Array.isArray(at) ? at : [at];
    const rows: unknown[][] = [];
    for (const doc of docs) {
      if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new DecodeError("SCHEMA_MISMATCH", "Record row is not a JSON object");
      if (flattenKeys === undefined) {
        rows.push(rowOf(doc, undefined));
        continue;
      }
      const elements = dig(doc, flattenKeys);
      // An empty or missing array still gives one row, its element columns NULL.
      if (!Array.isArray(elements) || elements.length === 0) rows.push(rowOf(doc, undefined));
      else for (const element of elements) rows.push(rowOf(doc, element));
    }
    return rows;
  };
}

/** Delimiters arrive as typed in JSON ("\n" is a newline); a literal backslash-n is accepted too. */
export function unescapeDelimiter(d: string): string {
  return d.replace(/\\n/g, "\n").replace(/\\r/g, "\r").replace(/\\t/g, "\t");
}

function csvDecoder(format: Extract<RecordFormatSpec, { kind: "CSV" }>, coerces: Coerce[], spareSlots: number): RowDecoder {
  const rowDelimiter = unescapeDelimiter(format.rowDelimiter);
  const columnDelimiter = unescapeDelimiter(format.columnDelimiter);
  const n = coerces.length;
  return (text) => {
    const rows: unknown[][] = [];
    for (const line of text.split(rowDelimiter)) {
      if (line.length === 0 || line === "\r") continue;
      const fields = line.endsWith("\r") && rowDelimiter === "\n" ? line.slice(0, -1).split(columnDelimiter) : line.split(columnDelimiter);
      if (fields.length < n) throw new DecodeError("SCHEMA_MISMATCH", `Record has ${fields.length} columns, the schema ${n}`);
      const row = new Array<unknown>(n + spareSlots);
      for (let i = 0; i < n; i++) row[i] = coerces[i]!(fields[i]);
      rows.push(row);
    }
    return rows;
  };
}
