/** Name resolution: the relations visible to an expression and where their columns sit in a row. */
import type { SqlType } from "./types.js";

/** Rows are arrays indexed by column position; the last slot of every stream row is its ROWTIME. */
export type Row = unknown[];
export type Eval = (r: Row) => unknown;

export interface ColumnInfo {
  name: string;
  type: SqlType;
  /**
   * An implicit column of a source stream (APPROXIMATE_ARRIVAL_TIME, SHARD_ID): readable by name, but
   * not part of `SELECT *`, so that programs written against the configured columns keep their shape.
   */
  hidden?: boolean;
}

export interface Relation {
  /** Alias, or the stream's own name. */
  name: string;
  columns: ColumnInfo[];
  /** Slot of the relation's first column in the combined row. */
  offset: number;
  rowtimeSlot: number;
}

export interface Scope {
  relations: Relation[];
  /** Slot that an unqualified ROWTIME reads (in a join: the output row's time). */
  rowtimeSlot: number;
  /** Number of slots in a row of this scope. */
  width: number;
}

export function singleRelationScope(name: string, columns: ColumnInfo[]): Scope {
  return {
    relations: [{ name, columns, offset: 0, rowtimeSlot: columns.length }],
    rowtimeSlot: columns.length,
    width: columns.length + 1,
  };
}
