/**
 * The engine's public face: compile an application's SQL against its input schemas and reference tables,
 * then push decoded rows in, advance time, and receive rows of in-application streams.
 *
 * Time: every row entering an input stream gets ROWTIME = max(given time, engine time) so that ROWTIME never
 * goes back. `advanceTime` moves the engine's clock without data, closing windows whose end has passed, which
 * stands in for the service's periodic rowtime bounds. Emissions of all operators are interleaved in
 * ROWTIME order.
 */
import { compileError, RowError, SqlCompileError } from "./errors.js";
import type { BuildEnv } from "./functions.js";
import { parseProgram } from "./parser.js";
import { OutOfOrderRowtime, Planner, type Graph, type GraphNode, type PlanOptions } from "./planner.js";
import type { ColumnInfo, Row } from "./scope.js";
import { InAppStream } from "./stream.js";
import { T, typeToString, varchar, type SqlType } from "./types.js";
import { parseDataType } from "./type-text.js";
import { SQL_CODE_CHARS_MAX } from "./limits.js";

export { SqlCompileError } from "./errors.js";
export type { Row } from "./scope.js";
export type { SqlType } from "./types.js";

export const ERROR_STREAM_NAME = "error_stream";
export const ERROR_MESSAGE_CHARS_MAX = 4096;
export const ERROR_DATA_ROW_CHARS_MAX = 49152;

export interface ColumnDescriptor {
  /** Exact (case-sensitive) column name. */
  name: string;
  /** A SqlType, or its SQL text such as "VARCHAR(16)" or "DECIMAL(10,2)". */
  type: SqlType | string;
  /** Readable by name but left out of `SELECT *` (the implicit source columns; inputs only). */
  hidden?: boolean;
}

export interface InputSchemaDescriptor {
  /** In-application stream name, e.g. "SOURCE_SQL_STREAM_001" (exact case). */
  name: string;
  columns: ColumnDescriptor[];
}

export interface ReferenceTableDescriptor {
  name: string;
  columns: ColumnDescriptor[];
  /** Rows as arrays of typed values in column order. */
  rows: unknown[][];
}

export interface CompileOptions {
  /** Engine time before the first row, in epoch ms (default 0). */
  startTimeMs?: number;
  /** Re-emit matched outer-join rows as unmatched at window end, as the AWS reference's examples show. */
  outerJoinEmitsMatchedRows?: boolean;
  /** Seed of RANDOM_CUT_FOREST's pseudo-random numbers. */
  randomSeed?: number;
}

export interface StreamDescription {
  name: string;
  kind: "input" | "app" | "error";
  columns: { name: string; type: SqlType; sqlType: string; hidden: boolean }[];
}

export interface PumpDescription {
  name: string;
  target: string;
  sources: string[];
}

/**
 * The implicit columns of an in-application stream fed by a Kinesis stream (reference §1 "Implicit
 * columns"): the record's ApproximateArrivalTimestamp and the shard it was read from. They are hidden
 * (not in `SELECT *`); the runtime appends their values after the configured columns of every row.
 * Partition key and sequence number columns are not documented by AWS, so there are none.
 */
export const APPROXIMATE_ARRIVAL_TIME_COLUMN = "APPROXIMATE_ARRIVAL_TIME";
export const SHARD_ID_COLUMN = "SHARD_ID";
/** Kinesis shard ids are at most 128 characters (the API model's ShardId). */
export const SHARD_ID_CHARS_MAX = 128;
export const KINESIS_SOURCE_IMPLICIT_COLUMNS: readonly ColumnDescriptor[] = [
  { name: APPROXIMATE_ARRIVAL_TIME_COLUMN, type: T.TIMESTAMP, hidden: true },
  { name: SHARD_ID_COLUMN, type: varchar(SHARD_ID_CHARS_MAX), hidden: true },
];

/**
 * An input stream's columns with the implicit source columns appended, unless the configuration already
 * has a column of that name (the configured column wins). SHARD_ID exists only for Kinesis stream sources.
 */
export function withImplicitSourceColumns(columns: readonly ColumnDescriptor[], source: "kinesis" | "firehose" = "kinesis"): ColumnDescriptor[] {
  const names = new Set(columns.map((c) => c.name));
  const implicit = KINESIS_SOURCE_IMPLICIT_COLUMNS.filter((c) => source === "kinesis" || c.name !== SHARD_ID_COLUMN);
  return [...columns, ...implicit.filter((c) => !names.has(c.name))];
}

export const ERROR_STREAM_COLUMNS: ColumnInfo[] = [
  { name: "ERROR_TIME", type: T.TIMESTAMP },
  { name: "ERROR_LEVEL", type: varchar(10) },
  { name: "ERROR_NAME", type: varchar(32) },
  { name: "MESSAGE", type: varchar(ERROR_MESSAGE_CHARS_MAX) },
  { name: "DATA_ROWTIME", type: T.TIMESTAMP },
  { name: "DATA_ROW", type: varchar(ERROR_DATA_ROW_CHARS_MAX) },
  { name: "PUMP_NAME", type: varchar(128) },
];

/** Output rows are arrays of column values in the stream's column order, followed by ROWTIME (epoch ms). */
export type OutputListener = (rows: Row[]) => void;

export function compileApplication(
  sqlCode: string,
  inputs: InputSchemaDescriptor[],
  referenceTables: ReferenceTableDescriptor[] = [],
  options: CompileOptions = {},
): CompiledApplication {
  return new CompiledApplication(sqlCode, inputs, referenceTables, options);
}

function toColumns(cols: ColumnDescriptor[], where: string): ColumnInfo[] {
  return cols.map((c) => {
    const hidden = c.hidden === true ? { hidden: true } : {};
    if (typeof c.type !== "string") return { name: c.name, type: c.type, ...hidden };
    try {
      return { name: c.name, type: parseDataType(c.type), ...hidden };
    } catch (err) {
      throw new SqlCompileError(`Invalid type '${c.type}' for column "${c.name}" of ${where}: ${(err as Error).message}`, { line: 1, column: 1 });
    }
  });
}

export class CompiledApplication {
  private readonly graph: Graph;
  private readonly order: GraphNode[];
  private nowMs: number;
  private readonly errorStream: InAppStream;

  constructor(sqlCode: string, inputs: InputSchemaDescriptor[], referenceTables: ReferenceTableDescriptor[], options: CompileOptions) {
    this.nowMs = options.startTimeMs ?? 0;
    const streams = new Map<string, InAppStream>();
    for (const i of inputs) {
      if (streams.has(i.name)) throw compileError(`Input stream "${i.name}" is defined twice`, { line: 1, column: 1 });
      streams.set(i.name, new InAppStream(i.name, toColumns(i.columns, `input "${i.name}"`), "input"));
    }
    this.errorStream = new InAppStream(ERROR_STREAM_NAME, ERROR_STREAM_COLUMNS, "error");
    streams.set(ERROR_STREAM_NAME, this.errorStream);
    this.graph = { streams, tables: new Map(), nodes: [], pumps: [] };
    for (const t of referenceTables) {
      const columns = toColumns(t.columns, `reference table "${t.name}"`);
      this.graph.tables.set(t.name, { name: t.name, columns, rows: t.rows.map((r) => withNullRowtime(r, columns.length)), joins: [] });
    }
    const env: BuildEnv = { now: () => this.nowMs };
    const planOptions: PlanOptions = {
      outerJoinEmitsMatchedRows: options.outerJoinEmitsMatchedRows ?? false,
      randomSeed: options.randomSeed ?? 42,
    };
    if (sqlCode.length > SQL_CODE_CHARS_MAX) {
      throw compileError(`The application code is ${sqlCode.length} characters; at most ${SQL_CODE_CHARS_MAX} are allowed`, { line: 1, column: 1 });
    }
    const planner = new Planner(this.graph, env, planOptions, (pump, err, row) => this.rowError(pump, err, row));
    planner.plan(parseProgram(sqlCode));
    this.order = topologicalOrder(this.graph.nodes);
    for (const node of this.graph.nodes) {
      node.inputs.forEach((s, port) => s.subscribe((rows) => node.op.push(port, rows)));
    }
  }

  /** The application's in-application streams (inputs, streams created by the code, error_stream). */
  get streams(): StreamDescription[] {
    return [...this.graph.streams.values()]
      .filter((s) => s.kind !== "internal")
      .map((s) => ({
        name: s.name,
        kind: s.kind as StreamDescription["kind"],
        columns: s.columns.map((c) => ({ name: c.name, type: c.type, sqlType: typeToString(c.type), hidden: c.hidden === true })),
      }));
  }

  get pumps(): PumpDescription[] {
    return this.graph.pumps.map((p) => ({ ...p, sources: [...new Set(p.sources)] }));
  }

  /** Engine time in epoch ms. */
  now(): number {
    return this.nowMs;
  }

  /**
   * Inserts rows into an input stream at `rowtimeMs` (raised to the engine time if earlier). Each row is an
   * array of typed values in the stream's column order; the engine takes ownership of the arrays and
   * appends ROWTIME to them.
   */
  push(streamName: string, rows: unknown[][], rowtimeMs: number = this.nowMs): void {
    const stream = this.graph.streams.get(streamName);
    if (!stream || stream.kind !== "input") throw new Error(`"${streamName}" is not an input stream of this application`);
    if (!Number.isFinite(rowtimeMs)) throw new Error(`ROWTIME must be a finite number of epoch milliseconds, not ${rowtimeMs}`);
    const t = Math.max(rowtimeMs, this.nowMs);
    this.advanceTime(t);
    const n = stream.columns.length;
    for (const r of rows) {
      if (r.length > n + 1) r.length = n + 1;
      r[n] = t;
    }
    stream.lastRowtimeMs = t;
    stream.emit(rows as Row[]);
  }

  /** Moves engine time forward to `ms`, emitting every window result that falls due on the way, in order. */
  advanceTime(ms: number): void {
    if (!Number.isFinite(ms)) throw new Error(`Engine time must be a finite number of epoch milliseconds, not ${ms}`);
    if (ms < this.nowMs) return;
    let previousDue = -Infinity;
    for (;;) {
      let due = Infinity;
      for (const node of this.order) due = Math.min(due, node.op.nextDeadline());
      if (due > ms) break;
      // Every advance must clear the deadlines it was called for; a repeat means an operator is stuck.
      if (due <= previousDue) throw new Error(`Analytics SQL engine: an operator did not move past its deadline ${due}`);
      previousDue = due;
      this.nowMs = Math.max(this.nowMs, due);
      for (const node of this.order) node.op.advance(due);
    }
    this.nowMs = ms;
    for (const node of this.order) node.op.advance(ms);
  }

  /** Subscribes to an in-application stream (including error_stream); returns an unsubscribe function. */
  onOutput(streamName: string, listener: OutputListener): () => void {
    const stream = this.graph.streams.get(streamName);
    if (!stream || stream.kind === "internal") throw new Error(`No in-application stream "${streamName}"`);
    return stream.subscribe(listener);
  }

  /** Replaces a reference table's rows (UpdateApplication refreshes reference data). */
  updateReferenceTable(name: string, rows: unknown[][]): void {
    const table = this.graph.tables.get(name);
    if (!table) throw new Error(`No reference table "${name}"`);
    table.rows = rows.map((r) => withNullRowtime(r, table.columns.length));
    for (const j of table.joins) j.setRows(table.rows);
  }

  /**
   * Records a row the runtime could not decode (schema mismatch, coercion error) in error_stream.
   * `data` is the raw record; it is written hex-encoded, as AWS does.
   */
  reportInputError(streamName: string, errorName: string, message: string, data: Uint8Array | string, rowtimeMs: number = this.nowMs): void {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
    this.emitError(errorName, message, rowtimeMs, bytes.toString("hex").slice(0, ERROR_DATA_ROW_CHARS_MAX), streamName);
  }

  private rowError(pumpName: string, err: unknown, row: Row | undefined): void {
    let name: string;
    let message: string;
    if (err instanceof RowError) {
      name = err.errorName;
      message = err.message;
    } else if (err instanceof OutOfOrderRowtime) {
      name = "OUT_OF_ORDER_ROWTIME";
      message = err.message;
    } else {
      // Not a data error: still keep the application running, but say so plainly.
      name = "INTERNAL_ERROR";
      message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    const rowtime = row && typeof row[row.length - 1] === "number" ? (row[row.length - 1] as number) : null;
    const values = row ? row.slice(0, row.length - 1) : [];
    const text = JSON.stringify(values, (_k, v: unknown) =>
      typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
    );
    this.emitError(name, message, rowtime, Buffer.from(text, "utf8").toString("hex").slice(0, ERROR_DATA_ROW_CHARS_MAX), pumpName);
  }

  private emitError(name: string, message: string, rowtime: number | null, dataHex: string, pumpName: string): void {
    const t = this.nowMs;
    this.errorStream.emit([[t, "ERROR", name.slice(0, 32), message.slice(0, ERROR_MESSAGE_CHARS_MAX), rowtime, dataHex, pumpName, t]]);
  }
}

function withNullRowtime(r: unknown[], n: number): Row {
  const out = r.slice(0, n);
  while (out.length < n) out.push(null);
  out.push(null);
  return out;
}

/** Operators ordered so that every producer comes before its consumers (declaration order breaks ties). */
function topologicalOrder(nodes: GraphNode[]): GraphNode[] {
  const producers = new Map<InAppStream, GraphNode[]>();
  for (const n of nodes) {
    if (n.output) producers.set(n.output, [...(producers.get(n.output) ?? []), n]);
  }
  const out: GraphNode[] = [];
  const state = new Map<GraphNode, "visiting" | "done">();
  const visit = (n: GraphNode): void => {
    if (state.get(n)) return;
    state.set(n, "visiting");
    for (const s of n.inputs) for (const p of producers.get(s) ?? []) visit(p);
    state.set(n, "done");
    out.push(n);
  };
  for (const n of nodes) visit(n);
  return out;
}
