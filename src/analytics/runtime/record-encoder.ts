/**
 * Serializes rows of an in-application stream for an output destination: one JSON object or one CSV
 * line (newline-terminated) per row, as Kinesis Data Analytics writes them. ROWTIME is not written
 * unless the application selected it into a column (AWS documents no implicit ROWTIME in outputs).
 */
import { formatDecimal, valueToText } from "../sql/values.js";
import type { SqlType } from "../sql/types.js";

export interface OutputColumn {
  name: string;
  type: SqlType;
}

export type RowEncoder = (row: readonly unknown[]) => string;

function jsonValue(type: SqlType): (v: unknown) => string {
  switch (type.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INTEGER":
    case "BIGINT":
    case "REAL":
    case "DOUBLE":
      return (v) => (typeof v === "number" && Number.isFinite(v) ? String(v) : "null");
    case "DECIMAL": {
      const scale = type.scale ?? 0;
      return (v) => formatDecimal(v as bigint, scale);
    }
    case "BOOLEAN":
      return (v) => (v ? "true" : "false");
    case "CHAR":
    case "VARCHAR":
      return (v) => JSON.stringify(v);
    default:
      return (v) => JSON.stringify(valueToText(v, type));
  }
}

function csvValue(type: SqlType): (v: unknown) => string {
  if (type.kind === "CHAR" || type.kind === "VARCHAR") {
    return (v) => {
      const s = v as string;
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
  }
  if (type.kind === "BOOLEAN") return (v) => (v ? "true" : "false");
  if (type.kind === "DECIMAL") {
    const scale = type.scale ?? 0;
    return (v) => formatDecimal(v as bigint, scale);
  }
  if (type.kind === "REAL" || type.kind === "DOUBLE" || type.kind === "INTEGER" || type.kind === "BIGINT" || type.kind === "SMALLINT" || type.kind === "TINYINT") {
    return (v) => String(v);
  }
  return (v) => valueToText(v, type);
}

export function compileEncoder(format: "JSON" | "CSV", columns: readonly OutputColumn[]): RowEncoder {
  if (format === "JSON") {
    const prefixes = columns.map((c, i) => `${i === 0 ? "{" : ","}${JSON.stringify(c.name)}:`);
    const values = columns.map((c) => jsonValue(c.type));
    const n = columns.length;
    return (row) => {
      let out = "";
      for (let i = 0; i < n; i++) {
        const v = row[i];
        out += prefixes[i]! + (v === null || v === undefined ? "null" : values[i]!(v));
      }
      return n === 0 ? "{}" : `${out}}`;
    };
  }
  const values = columns.map((c) => csvValue(c.type));
  const n = columns.length;
  return (row) => {
    let out = "";
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (i > 0) out += ",";
      if (v !== null && v !== undefined) out += values[i]!(v);
    }
    return `${out}\n`;
  };
}
