/**
 * GROUP_RANK: gathers the rows that share a ROWTIME, ranks them by one column and emits them (up to
 * `outputMax`) once ROWTIME moves on, stamped with their own ROWTIME. Rows of one ROWTIME always arrive
 * together in this engine, so a group is complete once time moves past it and `maxIdle` changes nothing.
 */
import type { Row } from "../scope.js";
import { type Emit, type ErrorSink, type Operator } from "./operator.js";

export interface GroupRankSpec {
  rankBy: number;
  /** Column that receives the rank; equal to the row width minus one when it is an added column. */
  rankOut: number;
  addsColumn: boolean;
  descending: boolean;
  outputDescending: boolean;
  maxIdleMs: number;
  outputMax: number;
}

export class GroupRank implements Operator {
  private rows: Row[] = [];
  private rt = NaN;

  constructor(
    private readonly spec: GroupRankSpec,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {}

  push(_port: number, rows: Row[]): void {
    for (const r of rows) {
      const rt = r[r.length - 1] as number;
      if (!Number.isNaN(this.rt) && rt !== this.rt) this.flush();
      this.rt = rt;
      this.rows.push(r);
    }
  }

  private flush(): void {
    const { rankBy, descending, outputDescending, outputMax, rankOut, addsColumn } = this.spec;
    const rows = this.rows;
    const stamp = this.rt;
    this.rows = [];
    this.rt = NaN;
    try {
      const cmp = (a: Row, b: Row): number => {
        const x = a[rankBy] as number;
        const y = b[rankBy] as number;
        if (x === y) return 0;
        if (x == null) return 1;
        if (y == null) return -1;
        return (x < y ? -1 : 1) * (descending ? -1 : 1);
      };
      const sorted = rows.slice().sort(cmp);
      const ranked: Row[] = [];
      let rank = 0;
      sorted.forEach((r, i) => {
        // Ties share a rank; the next distinct value skips ahead (1, 1, 3).
        if (i === 0 || cmp(sorted[i - 1] as Row, r) !== 0) rank = i + 1;
        const values = r.slice(0, r.length - 1);
        if (addsColumn) values.push(rank);
        else values[rankOut] = rank;
        values.push(stamp);
        ranked.push(values);
      });
      if (outputDescending) ranked.reverse();
      const out = ranked.slice(0, outputMax);
      if (out.length > 0) this.emit(out);
    } catch (err) {
      this.onError(err, rows[0]);
    }
  }

  nextDeadline(): number {
    // The group is complete as soon as time moves past its ROWTIME.
    return Number.isNaN(this.rt) ? Infinity : this.rt + 1;
  }

  advance(nowMs: number): void {
    if (!Number.isNaN(this.rt) && nowMs > this.rt) this.flush();
  }
}
