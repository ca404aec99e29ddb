/**
 * Sliding windows (analytic functions with OVER): one output row per input row, aggregates over the rows
 * of the same partition within the frame. RANGE frames include the row exactly one interval back
 * (`rowtime >= t - interval`); ROWS n frames hold the current row and n preceding rows (SQL's frame).
 * Aggregates are incremental: each row is added once and removed once.
 */
import { createAccumulator, type Accumulator, type AggCall } from "../aggregates.js";
import { Deque } from "../deque.js";
import { keyMaker } from "../keys.js";
import type { Eval, Row } from "../scope.js";
import { forEachRow, type Emit, type ErrorSink, type Operator } from "./operator.js";

export type Frame = { kind: "RANGE"; ms: number } | { kind: "ROWS"; n: number } | { kind: "UNBOUNDED" };

export interface SlidingWindowPlan {
  partitionFns: Eval[];
  frame: Frame;
  aggs: AggCall[];
}

/** A partition's window as parallel deques (ROWTIMEs, and each aggregate's argument values): no object per row. */
interface Partition {
  rts: Deque<number>;
  cols: Deque<unknown>[];
  accs: Accumulator[];
}

class WindowState {
  readonly parts = new Map<unknown, Partition>();
  readonly hashKey: (r: Row) => unknown;
  readonly argFns: Eval[];
  readonly slots: number[];
  constructor(readonly plan: SlidingWindowPlan) {
    this.hashKey = keyMaker(plan.partitionFns);
    this.argFns = plan.aggs.map((a) => (a.args.length === 0 ? () => 1 : (a.args[0] as { fn: Eval }).fn));
    this.slots = plan.aggs.map((a) => a.slot);
  }

  private removeOldest(p: Partition): void {
    p.rts.shift();
    for (let k = 0; k < p.accs.length; k++) (p.accs[k] as Accumulator).remove((p.cols[k] as Deque<unknown>).shift());
  }

  evict(p: Partition, oldestKeptRt: number): void {
    const rts = p.rts;
    while (rts.length > 0 && (rts.first() as number) < oldestKeptRt) this.removeOldest(p);
  }

  apply(r: Row, rt: number, post: Row): void {
    const key = this.hashKey(r);
    const n = this.argFns.length;
    let p = this.parts.get(key);
    if (!p) {
      p = { rts: new Deque(), cols: this.plan.aggs.map(() => new Deque<unknown>()), accs: this.plan.aggs.map(createAccumulator) };
      this.parts.set(key, p);
    }
    const frame = this.plan.frame;
    if (frame.kind === "RANGE") this.evict(p, rt - frame.ms);
    const keep = frame.kind !== "UNBOUNDED";
    for (let k = 0; k < n; k++) {
      const v = (this.argFns[k] as Eval)(r);
      if (keep) (p.cols[k] as Deque<unknown>).push(v);
      (p.accs[k] as Accumulator).add(v, rt);
    }
    if (keep) {
      p.rts.push(rt);
      if (frame.kind === "ROWS") while (p.rts.length > frame.n + 1) this.removeOldest(p);
    }
    for (let k = 0; k < n; k++) post[this.slots[k] as number] = (p.accs[k] as Accumulator).result();
  }

  /** Drops expired rows of idle partitions so that their memory is returned. */
  sweep(nowMs: number): void {
    const frame = this.plan.frame;
    if (frame.kind !== "RANGE") return;
    for (const [key, p] of this.parts) {
      this.evict(p, nowMs - frame.ms);
      if (p.rts.length === 0) this.parts.delete(key);
    }
  }
}

export class SlidingAggregate implements Operator {
  private readonly windows: WindowState[];
  private lastSweepMs = -Infinity;
  private readonly sweepEveryMs: number;

  constructor(
    private readonly where: Eval | undefined,
    plans: SlidingWindowPlan[],
    private readonly inputWidth: number,
    private readonly postWidth: number,
    private readonly rowtimeSlot: number,
    private readonly project: (post: Row) => Row,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {
    this.windows = plans.map((p) => new WindowState(p));
    const ranges = plans.map((p) => (p.frame.kind === "RANGE" ? p.frame.ms : Infinity));
    this.sweepEveryMs = Math.max(1000, Math.min(...ranges));
  }

  push(_port: number, rows: Row[]): void {
    const out: Row[] = [];
    const w = this.inputWidth;
    forEachRow(
      rows,
      (r) => {
        if (this.where && this.where(r) !== true) return;
        const rt = r[this.rowtimeSlot] as number;
        const post = new Array<unknown>(this.postWidth);
        for (let k = 0; k < w; k++) post[k] = r[k];
        for (const win of this.windows) win.apply(r, rt, post);
        out.push(this.project(post));
      },
      this.onError,
    );
    if (out.length > 0) this.emit(out);
  }

  nextDeadline(): number {
    return Infinity;
  }

  advance(nowMs: number): void {
    if (nowMs - this.lastSweepMs < this.sweepEveryMs) return;
    this.lastSweepMs = nowMs;
    for (const win of this.windows) win.sweep(nowMs);
  }
}
