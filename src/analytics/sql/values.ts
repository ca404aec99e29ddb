/**
 * Runtime value helpers: exact DECIMAL arithmetic on scaled bigints, SQL-style casts and the text forms of
 * values. Every failure is a RowError so that the pump can route the row to error_stream.
 */
import { RowError } from "./errors.js";
import { formatDate, formatTime, formatTimestamp, parseDate, parseTime, parseTimestamp } from "./datetime.js";
import { parseIntervalText } from "./parser.js";
import { INTEGER_RANGES, UNIT_MS, isApprox, isDecimal, isExactInteger, isInterval, isString, type SqlType } from "./types.js";

const POW10: bigint[] = [];
for (let k = 0n, p = 1n; k <= 40n; k++, p *= 10n) POW10.push(p);
export const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n);

export function rescale(v: bigint, from: number, to: number): bigint {
  if (to === from) return v;
  if (to > from) return v * pow10(to - from);
  // Round half away from zero when dropping digits.
  const d = pow10(from - to);
  const q = v / d;
  const r = v % d;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return v < 0n ? q - 1n : q + 1n;
  return q;
}

export function decimalToNumber(v: bigint, scale: number): number {
  return scale === 0 ? Number(v) : Number(v) / Number(pow10(scale));
}

export function numberToDecimal(n: number, scale: number): bigint {
  if (!Number.isFinite(n)) throw new RowError("CAST_ERROR", `Cannot convert ${n} to DECIMAL`);
  // Go through the shortest decimal text so that 0.1 becomes exactly 1 × 10^-1.
  return parseDecimalText(String(n), scale) ?? BigInt(Math.round(n * 10 ** scale));
}

const DECIMAL_TEXT_RE = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

export function parseDecimalText(text: string, scale: number): bigint | null {
  const m = DECIMAL_TEXT_RE.exec(text);
  if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) return null;
  const sign = m[1] === "-" ? -1n : 1n;
  let digits = (m[2] ?? "") + (m[3] ?? "");
  let fracLen = (m[3] ?? "").length - Number(m[4] ?? 0);
  if (fracLen < 0) {
    digits += "0".repeat(-fracLen);
    fracLen = 0;
  }
  const unscaled = BigInt(digits === "" ? "0" : digits);
  return sign * rescale(unscaled, fracLen, scale);
}

export function formatDecimal(v: bigint, scale: number): string {
  if (scale === 0) return v.toString();
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(scale + 1, "0");
  return `${neg ? "-" : ""}${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
}

export function checkDecimalPrecision(v: bigint, precision: number): bigint {
  const limit = pow10(precision);
  if (v >= limit || v <= -limit) throw new RowError("NUMERIC_OVERFLOW", `Value out of range for DECIMAL(${precision})`);
  return v;
}

function checkIntegerRange(n: number, t: SqlType): number {
  const range = INTEGER_RANGES[t.kind];
  if (range && (n < range[0] || n > range[1] || Number.isNaN(n))) {
    throw new RowError("NUMERIC_OVERFLOW", `Value ${n} out of range for ${t.kind}`);
  }
  return n;
}

/** Converts any numeric value of type `t` to a JavaScript number. */
export function toNumber(v: unknown, t: SqlType): number {
  if (typeof v === "bigint") return decimalToNumber(v, t.scale ?? 0);
  return v as number;
}

/** Text of a value, as CAST(x AS VARCHAR) writes it. */
export function valueToText(v: unknown, t: SqlType): string {
  switch (t.kind) {
    case "DECIMAL":
      return formatDecimal(v as bigint, t.scale ?? 0);
    case "BOOLEAN":
      return v ? "TRUE" : "FALSE";
    case "TIMESTAMP":
      return formatTimestamp(v as number);
    case "DATE":
      return formatDate(v as number);
    case "TIME":
      return formatTime(v as number);
    case "INTERVAL_DAY_TIME":
      return String((v as number) / UNIT_MS[t.endUnit ?? "SECOND"]);
    case "BINARY":
    case "VARBINARY":
      return Buffer.from(v as Uint8Array).toString("hex").toUpperCase();
    case "REAL":
      return formatDouble(v as number, true);
    case "DOUBLE":
      return formatDouble(v as number, false);
    case "ROW":
      return JSON.stringify(v);
    default:
      return String(v);
  }
}

/** Shortest digits that read back as the same 32-bit float (Java's Float.toString digits). */
function shortestFloatDigits(n: number): string {
  for (let p = 1; p <= 9; p++) {
    const t = n.toPrecision(p);
    if (Math.fround(Number(t)) === n) return String(Number(t));
  }
  return String(n);
}

/**
 * Text of a REAL or DOUBLE as Java (and so the SQLstream-derived service) writes it: "1.0", "0.001",
 * "1234567.0", then scientific notation outside [10^-3, 10^7): "1.0E7", "1.234E-5".
 */
export function formatDouble(n: number, real = false): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(n);
  const digits = real ? shortestFloatDigits(n) : String(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = digits.includes("e") ? Number(digits).toFixed(20).replace(/0+$/, "") : digits;
    return plain.includes(".") ? (plain.endsWith(".") ? `${plain}0` : plain) : `${plain}.0`;
  }
  const [mantissa = "", exponent = "0"] = Number(digits).toExponential().split("e");
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

export function fitString(s: string, t: SqlType): string {
  const n = t.precision;
  if (n === undefined) return s;
  if (s.length > n) return s.slice(0, n);
  if (t.kind === "CHAR" && s.length < n) return s.padEnd(n, " ");
  return s;
}

function castFailure(v: unknown, to: SqlType): RowError {
  return new RowError("CAST_ERROR", `Cannot cast '${String(v)}' to ${to.kind}`);
}

/**
 * A converter from `from` to `to`, or undefined when the value needs no change. Used by CAST and by
 * INSERT into a stream column (assignment), which also truncates strings silently as KDA's input does.
 */
export function converter(from: SqlType, to: SqlType): ((v: unknown) => unknown) | undefined {
  const f = from.kind;
  const k = to.kind;
  if (f === "NULL" || f === "ANY") return undefined;
  if (isExactInteger(to)) {
    if (isExactInteger(from)) {
      return INTEGER_RANGES[f]![1] <= INTEGER_RANGES[k]![1] ? undefined : (v) => checkIntegerRange(v as number, to);
    }
    if (isApprox(from)) return (v) => checkIntegerRange(Math.trunc(v as number), to);
    if (isDecimal(from)) {
      const s = from.scale ?? 0;
      return (v) => checkIntegerRange(Number((v as bigint) / pow10(s)), to);
    }
    if (isString(from)) {
      return (v) => {
        const text = (v as string).trim();
        if (!/^[+-]?\d+(\.\d*)?$/.test(text)) throw castFailure(v, to);
        return checkIntegerRange(Math.trunc(Number(text)), to);
      };
    }
    if (f === "BOOLEAN") return (v) => (v ? 1 : 0);
    if (f === "INTERVAL_DAY_TIME") {
      const unit = UNIT_MS[from.endUnit ?? "SECOND"];
      return (v) => Math.trunc((v as number) / unit);
    }
    if (f === "INTERVAL_YEAR_MONTH") return (v) => (from.endUnit === "YEAR" ? Math.trunc((v as number) / 12) : v);
    if (f === "TIMESTAMP" || f === "DATE" || f === "TIME") return undefined;
  }
  if (k === "REAL" || k === "DOUBLE") {
    const round = k === "REAL" ? Math.fround : undefined;
    if (isExactInteger(from) || isApprox(from)) return round && f !== "REAL" ? (v) => round(v as number) : undefined;
    if (isDecimal(from)) {
      const s = from.scale ?? 0;
      return (v) => decimalToNumber(v as bigint, s);
    }
    if (isString(from)) {
      return (v) => {
        const n = Number((v as string).trim());
        if ((v as string).trim() === "" || Number.isNaN(n)) throw castFailure(v, to);
        return round ? round(n) : n;
      };
    }
    if (f === "BOOLEAN") return (v) => (v ? 1 : 0);
    if (isInterval(from)) {
      const unit = f === "INTERVAL_DAY_TIME" ? UNIT_MS[from.endUnit ?? "SECOND"] : 1;
      return (v) => (v as number) / unit;
    }
  }
  if (k === "DECIMAL") {
    const s = to.scale ?? 0;
    const p = to.precision ?? 19;
    if (isDecimal(from)) {
      const fs = from.scale ?? 0;
      if (fs === s && (from.precision ?? 19) <= p) return undefined;
      return (v) => checkDecimalPrecision(rescale(v as bigint, fs, s), p);
    }
    if (isExactInteger(from)) return (v) => checkDecimalPrecision(BigInt(v as number) * pow10(s), p);
    if (isApprox(from)) return (v) => checkDecimalPrecision(numberToDecimal(v as number, s), p);
    if (isString(from)) {
      return (v) => {
        const d = parseDecimalText(v as string, s);
        if (d === null) throw castFailure(v, to);
        return checkDecimalPrecision(d, p);
      };
    }
    if (f === "INTERVAL_DAY_TIME") {
      const unit = UNIT_MS[from.endUnit ?? "SECOND"];
      return (v) => numberToDecimal((v as number) / unit, s);
    }
    if (f === "BOOLEAN") return (v) => (v ? pow10(s) : 0n);
  }
  if (k === "CHAR" || k === "VARCHAR") {
    if (isString(from)) {
      if (k === "VARCHAR" && (from.precision ?? Infinity) <= (to.precision ?? Infinity) && f === "VARCHAR") return undefined;
      return (v) => fitString(v as string, to);
    }
    return (v) => fitString(valueToText(v, from), to);
  }
  if (k === "BOOLEAN") {
    if (f === "BOOLEAN") return undefined;
    if (isString(from)) {
      return (v) => {
        const s = (v as string).trim().toUpperCase();
        if (s === "TRUE") return true;
        if (s === "FALSE") return false;
        throw castFailure(v, to);
      };
    }
    if (isDecimal(from)) return (v) => (v as bigint) !== 0n;
    if (isExactInteger(from) || isApprox(from)) return (v) => (v as number) !== 0;
    return undefined;
  }
  if (k === "TIMESTAMP" || k === "DATE" || k === "TIME") {
    if (isString(from)) {
      const parse = k === "TIMESTAMP" ? parseTimestamp : k === "DATE" ? parseDate : parseTime;
      return (v) => {
        const r = parse(v as string);
        if (r === null) throw castFailure(v, to);
        return r;
      };
    }
    if (k === "DATE" && f === "TIMESTAMP") return (v) => Math.floor((v as number) / 86_400_000) * 86_400_000;
    if (k === "TIME" && f === "TIMESTAMP") return (v) => (((v as number) % 86_400_000) + 86_400_000) % 86_400_000;
    return undefined;
  }
  if (isInterval(to)) {
    if (isString(from)) {
      return (v) => {
        const r = parseIntervalText(v as string, to.startUnit ?? "SECOND", to.endUnit ?? "SECOND");
        if (r === null) throw castFailure(v, to);
        return r;
      };
    }
    if (isExactInteger(from) || isApprox(from)) {
      const unit = k === "INTERVAL_DAY_TIME" ? UNIT_MS[to.endUnit ?? "SECOND"] : 1;
      return (v) => (v as number) * unit;
    }
    return undefined;
  }
  if (k === "BINARY" || k === "VARBINARY") {
    if (isString(from)) return (v) => Buffer.from(v as string, "utf8");
    return undefined;
  }
  return undefined;
}

/** Whether CAST from `from` to `to` is allowed at all (checked at compile time). */
export function castAllowed(from: SqlType, to: SqlType): boolean {
  if (from.kind === "NULL" || from.kind === "ANY" || from.kind === to.kind) return true;
  if (to.kind === "CHAR" || to.kind === "VARCHAR") return from.kind !== "ROW";
  return converter(from, to) !== undefined || sameFamily(from, to);
}

function sameFamily(a: SqlType, b: SqlType): boolean {
  const fam = (t: SqlType): string =>
    isExactInteger(t) || isApprox(t) || isDecimal(t) ? "num" : isString(t) ? "str" : t.kind === "DATE" || t.kind === "TIMESTAMP" ? "dt" : t.kind;
  return fam(a) === fam(b);
}
