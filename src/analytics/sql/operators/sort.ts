/**
 * Streaming ORDER BY on a query without aggregation: rows are held while the leading (monotonic) key
 * stays the same, then released sorted by the remaining keys — e.g.
 * `ORDER BY FLOOR(s.ROWTIME TO SECOND), ANOMALY_SCORE DESC` sorts each second's rows by score.
 * Released rows carry the end of their bucket as ROWTIME (or the time the bucket was seen to end), so the
 * stream stays in ROWTIME order even though the rows inside a bucket are reordered.
 */
import type { Mono } from "../compile-expr.js";
import type { Eval, Row } from "../scope.js";
import { forEachRow, type Emit, type ErrorSink, type Operator } from "./operator.js";

interface Held {
  out: Row;
  keys: unknown[];
}

export class StreamSort implements Operator {
  private held: Held[] = [];
  private cur: unknown = undefined;
  private readonly synthetic: Row;

  constructor(
    private readonly where: Eval | undefined,
    private readonly project: (r: Row) => Row,
    private readonly leading: Eval,
    private readonly mono: Mono,
    private readonly rest: { fn: Eval; desc: boolean }[],
    private readonly rowtimeSlot: number,
    inputWidth: number,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {
    this.synthetic = new Array<unknown>(inputWidth).fill(null);
  }

  push(_port: number, rows: Row[]): void {
    forEachRow(
      rows,
      (r) => {
        if (this.where && this.where(r) !== true) return;
        const k = this.leading(r);
        if (this.cur !== undefined && k !== this.cur) this.flush(this.mono.groupEnd ? this.mono.groupEnd(this.cur) : (r[this.rowtimeSlot] as number));
        this.cur = k;
        this.held.push({ out: this.project(r), keys: this.rest.map((o) => o.fn(r)) });
      },
      this.onError,
    );
  }

  private flush(stamp: number): void {
    const held = this.held;
    this.held = [];
    this.cur = undefined;
    const rest = this.rest;
    held.sort((a, b) => {
      for (let k = 0; k < rest.length; k++) {
        const x = a.keys[k] as number;
        const y = b.keys[k] as number;
        if (x === y) continue;
        const c = x == null ? -1 : y == null ? 1 : x < y ? -1 : 1;
        return rest[k]!.desc ? -c : c;
      }
      return 0;
    });
    const out = held.map((h) => {
      h.out[h.out.length - 1] = stamp;
      return h.out;
    });
    if (out.length > 0) this.emit(out);
  }

  nextDeadline(): number {
    if (this.held.length === 0 || !this.mono.groupEnd) return Infinity;
    return this.mono.groupEnd(this.cur);
  }

  advance(nowMs: number): void {
    if (this.held.length === 0) return;
    if (this.mono.groupEnd) {
      const end = this.mono.groupEnd(this.cur);
      if (end <= nowMs) this.flush(end);
      return;
    }
    if (!this.mono.rowtimeOnly) return;
    this.synthetic[this.rowtimeSlot] = nowMs;
    let atBound: unknown;
    try {
      atBound = this.leading(this.synthetic);
    } catch {
      return;
    }
    if (atBound != null && atBound !== this.cur) this.flush(nowMs);
  }
}
