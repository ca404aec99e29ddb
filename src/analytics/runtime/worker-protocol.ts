/**
 * Messages between the main thread and an application's worker thread. Record batches travel as one
 * transferred ArrayBuffer plus offsets, never as arrays of objects, so that posting costs a copy of
 * bytes and not a structured clone per record.
 */
import type { ColumnSpec, RecordFormatSpec } from "./run-spec.js";

export interface WorkerInputSpec {
  inAppStreams: string[];
  format: RecordFormatSpec;
  columns: ColumnSpec[];
}

export interface WorkerOutputSpec {
  inAppStream: string;
  format: "JSON" | "CSV";
}

export interface WorkerReferenceTable {
  name: string;
  columns: { name: string; sqlType: string }[];
  rows: unknown[][];
}

export type ToWorker =
  | {
      type: "init";
      code: string;
      inputs: WorkerInputSpec[];
      outputs: WorkerOutputSpec[];
      references: WorkerReferenceTable[];
      startTimeMs: number;
    }
  | {
      type: "records";
      batchId: number;
      input: number;
      /** Index into the input's inAppStreams. */
      stream: number;
      /** The source shard every record of the batch was read from (the implicit SHARD_ID column). */
      shardId: string;
      /** Concatenated record data; record i spans ends[i-1] (or 0) to ends[i]. */
      data: ArrayBuffer;
      ends: Int32Array;
      /** Approximate arrival time of each record, epoch ms. */
      arrivals: Float64Array;
      /** No record posted later will have arrived before this time: rows up to it may enter the engine. */
      watermarkMs: number;
    }
  | { type: "tick"; nowMs: number }
  /** Pushes every buffered row (no more input is coming), writes out, then answers "drained". */
  | { type: "drain"; token: number };

export type FromWorker =
  | { type: "ready" }
  | { type: "init-failed"; message: string }
  | { type: "output"; output: number; data: ArrayBuffer; ends: Int32Array }
  | { type: "ack"; batchId: number; rows: number; errors: number }
  | { type: "drained"; token: number }
  | { type: "failed"; message: string };
