/**
 * What a running application needs to know, in the domain's own camelCase terms. The API layer builds
 * it from the stored application (`api/run-spec-builder.ts`); the runtime never sees wire shapes.
 */
import type { StreamRef } from "../../core/arn.js";

export type RecordFormatSpec =
  | { kind: "JSON"; rowPath: string }
  | { kind: "CSV"; rowDelimiter: string; columnDelimiter: string };

export interface ColumnSpec {
  /** Exact (case-sensitive) in-application column name. */
  name: string;
  /** SQL type text as configured, e.g. "VARCHAR(8)". */
  sqlType: string;
  /** JSONPath for JSON records (`$.ticker`); unused for CSV, whose columns are positional. */
  mapping?: string | undefined;
}

export interface InputSpec {
  /** In-application streams fed by this input, `<prefix>_001 ...`; shards are shared out among them. */
  inAppStreams: string[];
  source: StreamRef;
  format: RecordFormatSpec;
  columns: ColumnSpec[];
}

export interface OutputSpec {
  /** In-application stream whose rows are written out. */
  inAppStream: string;
  destination: StreamRef;
  format: "JSON" | "CSV";
}

export interface ReferenceSpec {
  tableName: string;
  /** Absolute path of the file holding the table's data. */
  path: string;
  format: RecordFormatSpec;
  columns: ColumnSpec[];
}

export interface RunSpec {
  /** Unique key of the application (account/region/name), used for checkpoints and logs. */
  key: string;
  code: string;
  inputs: InputSpec[];
  outputs: OutputSpec[];
  references: ReferenceSpec[];
}

export type StartingPosition = "NOW" | "TRIM_HORIZON" | "LAST_STOPPED_POINT";

/** Where reading stopped, per source shard: the next offset to read and whether the shard was read to its end. */
export interface ShardPosition {
  offset: number;
  done: boolean;
}

/** Positions of every input, keyed by `<stream key>/<stream creation ms>` so a recreated stream starts afresh. */
export type InputPositions = Record<string, Record<string, ShardPosition>>;
