/**
 * The operator contract. Operators receive batches of rows (arrays whose last slot is ROWTIME), emit
 * batches downstream, and learn that time has passed through `advance`, which lets windows close without
 * new data. `nextDeadline` tells the engine when an operator would emit on its own, so that emissions
 * from different operators interleave in ROWTIME order.
 */
import type { Row } from "../scope.js";

export type Emit = (rows: Row[]) => void;

/** Reports a row that failed; the engine turns it into an error_stream row. */
export type ErrorSink = (err: unknown, row: Row | undefined) => void;

export interface Operator {
  push(port: number, rows: Row[]): void;
  /** The earliest time at which this operator will emit without new input; Infinity if never. */
  nextDeadline(): number;
  /** Time has reached `nowMs`: emit whatever is due at or before it. */
  advance(nowMs: number): void;
}

/** Runs `f` on each row, sending a failing row to `onError` and carrying on with the next. */
export function forEachRow(rows: Row[], f: (r: Row) => void, onError: ErrorSink): void {
  const n = rows.length;
  let i = 0;
  while (i < n) {
    try {
      for (; i < n; i++) f(rows[i] as Row);
    } catch (err) {
      onError(err, rows[i]);
      i++;
    }
  }
}
