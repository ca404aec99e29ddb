/**
 * Infers an input schema from sample records, as DiscoverInputSchema does: JSON objects give one column
 * per leaf (JSONPath mapping, nested objects flattened, arrays imported whole as text); anything else is
 * tried as CSV with the delimiter that splits every line into the same number of fields (columns
 * COL1..COLn, as AWS names them). Types: BOOLEAN, INTEGER, BIGINT, DOUBLE, TIMESTAMP, else VARCHAR(n)
 * with n the longest value rounded up to a power of two.
 */
import { parseTimestamp } from "../sql/datetime.js";
import type { ColumnSpec, RecordFormatSpec } from "./run-spec.js";

export interface DiscoveredSchema {
  format: RecordFormatSpec;
  columns: ColumnSpec[];
  /** Each sample row's column values as text, in column order. */
  parsed: string[][];
}

const CSV_DELIMITERS = [",", "\t", "|", ";"] as const;
const INTEGER_MAX = 2_147_483_647;
const INTEGER_MIN = -2_147_483_648;
/** Length of a VARCHAR column whose samples are all NULL or empty. */
const VARCHAR_EMPTY_SAMPLE_LENGTH = 16;

type Kind = "BOOLEAN" | "INTEGER" | "BIGINT" | "DOUBLE" | "TIMESTAMP" | "VARCHAR";

/** Joins two observed kinds into the narrowest kind that holds both. */
function widen(a: Kind | undefined, b: Kind): Kind {
  if (a === undefined || a === b) return b;
  const numeric: Kind[] = ["INTEGER", "BIGINT", "DOUBLE"];
  if (numeric.includes(a) && numeric.includes(b)) return numeric[Math.max(numeric.indexOf(a), numeric.indexOf(b))]!;
  return "VARCHAR";
}

function kindOfNumber(n: number): Kind {
  if (!Number.isInteger(n)) return "DOUBLE";
  return n >= INTEGER_MIN && n <= INTEGER_MAX ? "INTEGER" : "BIGINT";
}

function kindOfText(text: string): Kind {
  const t = text.trim();
  if (t === "") return "VARCHAR";
  if (/^(true|false)$/i.test(t)) return "BOOLEAN";
  if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t)) return kindOfNumber(Number(t));
  if (/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?Z?$/.test(t) && parseTimestamp(t) !== null) return "TIMESTAMP";
  return "VARCHAR";
}

class ColumnStats {
  kind: Kind | undefined;
  longest = 0;

  observe(kind: Kind, text: string): void {
    this.kind = widen(this.kind, kind);
    this.longest = Math.max(this.longest, text.length);
  }

  sqlType(): string {
    const kind = this.kind ?? "VARCHAR";
    if (kind === "TIMESTAMP" || kind === "VARCHAR") {
      if (kind === "TIMESTAMP") return kind;
      const n = this.longest === 0 ? VARCHAR_EMPTY_SAMPLE_LENGTH : 2 ** Math.ceil(Math.log2(this.longest));
      return `VARCHAR(${n})`;
    }
    return kind;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function discoverJson(samples: string[]): DiscoveredSchema | undefined {
  const docs: Record<string, unknown>[] = [];
  for (const s of samples) {
    try {
      const v: unknown = JSON.parse(s);
      if (!isObject(v)) return undefined;
      docs.push(v);
    } catch {
      return undefined;
    }
  }
  const paths = new Map<string, { keys: string[]; stats: ColumnStats }>();
  const walk = (value: Record<string, unknown>, keys: string[]): void => {
    for (const [key, v] of Object.entries(value)) {
      const at = [...keys, key];
      if (isObject(v)) {
        walk(v, at);
        continue;
      }
      const mapping = `$.${at.join(".")}${Array.isArray(v) ? "[0:]" : ""}`;
      let entry = paths.get(mapping);
      if (!entry) {
        entry = { keys: at, stats: new ColumnStats() };
        paths.set(mapping, entry);
      }
      if (v === null) continue;
      if (typeof v === "boolean") entry.stats.observe("BOOLEAN", String(v));
      else if (typeof v === "number") entry.stats.observe(kindOfNumber(v), String(v));
      else if (typeof v === "string") entry.stats.observe(kindOfText(v), v);
      else entry.stats.observe("VARCHAR", JSON.stringify(v));
    }
  };
  for (const doc of docs) walk(doc, []);
  if (paths.size === 0) return undefined;
  const names = new Set<string>();
  const columns: ColumnSpec[] = [];
  for (const [mapping, { keys, stats }] of paths) {
    // The leaf's own name, qualified by its parents only when two leaves share it.
    let name = keys[keys.length - 1]!;
    if (names.has(name)) name = keys.join("_");
    names.add(name);
    columns.push({ name, sqlType: stats.sqlType(), mapping });
  }
  const keyLists = [...paths.values()].map((p) => p.keys);
  const parsed = docs.map((doc) =>
    keyLists.map((keys) => {
      let v: unknown = doc;
      for (const k of keys) v = isObject(v) ? v[k] : undefined;
      return v === undefined || v === null ? "" : typeof v === "string" ? v : JSON.stringify(v);
    }),
  );
  return { format: { kind: "JSON", rowPath: "$" }, columns, parsed };
}

function discoverCsv(samples: string[]): DiscoveredSchema | undefined {
  const lines = samples.flatMap((s) => s.split("\n")).map((l) => l.replace(/\r$/, "")).filter((l) => l.length > 0);
  if (lines.length === 0) return undefined;
  for (const delimiter of CSV_DELIMITERS) {
    const rows = lines.map((l) => l.split(delimiter));
    const width = rows[0]!.length;
    if (width < 2 || rows.some((r) => r.length !== width)) continue;
    const stats = Array.from({ length: width }, () => new ColumnStats());
    for (const row of rows) row.forEach((field, i) => stats[i]!.observe(kindOfText(field), field));
    return {
      format: { kind: "CSV", rowDelimiter: "\n", columnDelimiter: delimiter },
      columns: stats.map((s, i) => ({ name: `COL${i + 1}`, sqlType: s.sqlType() })),
      parsed: rows,
    };
  }
  return undefined;
}

/** The inferred schema, or undefined when the samples are neither JSON objects nor consistent CSV. */
export function discoverSchema(samples: readonly string[]): DiscoveredSchema | undefined {
  const texts = samples.filter((s) => s.trim().length > 0);
  if (texts.length === 0) return undefined;
  return discoverJson(texts.map((t) => t.trim())) ?? discoverCsv(texts);
}
