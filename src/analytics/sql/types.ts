/**
 * SQL types of the dialect and how their values are held in JavaScript:
 *   BOOLEAN → boolean; TINYINT/SMALLINT/INTEGER/BIGINT/REAL/DOUBLE → number;
 *   DECIMAL(p,s) → bigint holding value × 10^s (exact); CHAR/VARCHAR → string; BINARY/VARBINARY → Uint8Array;
 *   DATE/TIME/TIMESTAMP → epoch milliseconds (number, UTC); day-time INTERVAL → milliseconds (number);
 *   year-month INTERVAL → months (number); ROW (log parsers) → array of field values.
 * NULL is `null` for every type.
 */

export type TypeKind =
  | "BOOLEAN"
  | "TINYINT"
  | "SMALLINT"
  | "INTEGER"
  | "BIGINT"
  | "REAL"
  | "DOUBLE"
  | "DECIMAL"
  | "CHAR"
  | "VARCHAR"
  | "BINARY"
  | "VARBINARY"
  | "DATE"
  | "TIME"
  | "TIMESTAMP"
  | "INTERVAL_DAY_TIME"
  | "INTERVAL_YEAR_MONTH"
  | "ROW"
  | "NULL"
  | "ANY";

export type TimeUnit = "YEAR" | "MONTH" | "DAY" | "HOUR" | "MINUTE" | "SECOND" | "MILLISECOND";

export interface RowField {
  name: string;
  type: SqlType;
}

export interface SqlType {
  kind: TypeKind;
  /** DECIMAL precision, CHAR/VARCHAR/BINARY length. */
  precision?: number;
  /** DECIMAL scale. */
  scale?: number;
  /** INTERVAL qualifier: its leading and trailing units. */
  startUnit?: TimeUnit;
  endUnit?: TimeUnit;
  /** ROW fields. */
  fields?: RowField[];
}

export const DECIMAL_PRECISION_MAX = 19;
export const CHAR_LENGTH_MAX = 65535;

export const T = {
  BOOLEAN: { kind: "BOOLEAN" } as SqlType,
  TINYINT: { kind: "TINYINT" } as SqlType,
  SMALLINT: { kind: "SMALLINT" } as SqlType,
  INTEGER: { kind: "INTEGER" } as SqlType,
  BIGINT: { kind: "BIGINT" } as SqlType,
  REAL: { kind: "REAL" } as SqlType,
  DOUBLE: { kind: "DOUBLE" } as SqlType,
  VARCHAR: { kind: "VARCHAR", precision: CHAR_LENGTH_MAX } as SqlType,
  VARBINARY: { kind: "VARBINARY", precision: CHAR_LENGTH_MAX } as SqlType,
  DATE: { kind: "DATE" } as SqlType,
  TIME: { kind: "TIME" } as SqlType,
  TIMESTAMP: { kind: "TIMESTAMP" } as SqlType,
  INTERVAL_MS: { kind: "INTERVAL_DAY_TIME", startUnit: "DAY", endUnit: "SECOND" } as SqlType,
  NULL: { kind: "NULL" } as SqlType,
  ANY: { kind: "ANY" } as SqlType,
} as const;

export function varchar(n: number): SqlType {
  return { kind: "VARCHAR", precision: n };
}
export function decimal(p: number, s: number): SqlType {
  return { kind: "DECIMAL", precision: p, scale: s };
}

export const isExactInteger = (t: SqlType): boolean =>
  t.kind === "TINYINT" || t.kind === "SMALLINT" || t.kind === "INTEGER" || t.kind === "BIGINT";
export const isApprox = (t: SqlType): boolean => t.kind === "REAL" || t.kind === "DOUBLE";
export const isDecimal = (t: SqlType): boolean => t.kind === "DECIMAL";
export const isNumeric = (t: SqlType): boolean => isExactInteger(t) || isApprox(t) || isDecimal(t);
export const isString = (t: SqlType): boolean => t.kind === "CHAR" || t.kind === "VARCHAR";
export const isBinary = (t: SqlType): boolean => t.kind === "BINARY" || t.kind === "VARBINARY";
export const isDatetime = (t: SqlType): boolean => t.kind === "DATE" || t.kind === "TIME" || t.kind === "TIMESTAMP";
export const isInterval = (t: SqlType): boolean => t.kind === "INTERVAL_DAY_TIME" || t.kind === "INTERVAL_YEAR_MONTH";
export const isNullType = (t: SqlType): boolean => t.kind === "NULL" || t.kind === "ANY";

const INTEGER_RANK: Partial<Record<TypeKind, number>> = { TINYINT: 1, SMALLINT: 2, INTEGER: 3, BIGINT: 4 };

/** Result type of arithmetic between two numeric types (SQL's numeric promotion). */
export function numericResult(a: SqlType, b: SqlType): SqlType {
  if (isNullType(a)) return b;
  if (isNullType(b)) return a;
  if (isApprox(a) || isApprox(b)) return a.kind === "REAL" && b.kind === "REAL" ? T.REAL : T.DOUBLE;
  if (isDecimal(a) || isDecimal(b)) {
    const sa = a.scale ?? 0;
    const sb = b.scale ?? 0;
    return decimal(DECIMAL_PRECISION_MAX, Math.max(sa, sb));
  }
  const ra = INTEGER_RANK[a.kind] ?? 3;
  const rb = INTEGER_RANK[b.kind] ?? 3;
  // INTEGER arithmetic yields at least INTEGER, as in SQL:2008.
  const r = Math.max(ra, rb, 3);
  return r === 4 ? T.BIGINT : T.INTEGER;
}

export const INTEGER_RANGES: Partial<Record<TypeKind, [number, number]>> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
  BIGINT: [-9223372036854775808, 9223372036854775807],
};

export function typeToString(t: SqlType): string {
  switch (t.kind) {
    case "DECIMAL":
      return `DECIMAL(${t.precision ?? DECIMAL_PRECISION_MAX},${t.scale ?? 0})`;
    case "CHAR":
    case "VARCHAR":
    case "BINARY":
    case "VARBINARY":
      return `${t.kind}(${t.precision ?? 1})`;
    case "INTERVAL_DAY_TIME":
    case "INTERVAL_YEAR_MONTH":
      return t.startUnit === t.endUnit ? `INTERVAL ${t.startUnit}` : `INTERVAL ${t.startUnit} TO ${t.endUnit}`;
    case "ROW":
      return `ROW(${(t.fields ?? []).map((f) => `${f.name} ${typeToString(f.type)}`).join(", ")})`;
    default:
      return t.kind;
  }
}

/** Whether a value of type `from` may be inserted or compared with type `to` without an explicit CAST. */
export function assignable(from: SqlType, to: SqlType): boolean {
  if (isNullType(from) || isNullType(to)) return true;
  if (isNumeric(from) && isNumeric(to)) return true;
  if (isString(from) && isString(to)) return true;
  if (isBinary(from) && isBinary(to)) return true;
  if (from.kind === to.kind) return true;
  if (from.kind === "DATE" && to.kind === "TIMESTAMP") return true;
  if (from.kind === "TIMESTAMP" && to.kind === "DATE") return true;
  return false;
}

export const UNIT_MS: Record<TimeUnit, number> = {
  YEAR: NaN,
  MONTH: NaN,
  DAY: 86_400_000,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
  MILLISECOND: 1,
};
