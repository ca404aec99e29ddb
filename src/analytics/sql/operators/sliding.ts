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

interface Entry {
  rt: number;
  vals: unknown[];
}

interface Partition {
  buf: Deque<Entry>;
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

  evict(p: Partition, oldestKeptRt: number): void {
    const buf = p.buf;
    for (;;) {
      const e = buf.first();
      if (!e || e.rt >= oldestKeptRt) return;
      buf.shift();
      for (let k = 0; k < p.accs.length; k++) (p.accs[k] as Accumulator).remove(e.vals[k]);
    }
  }

  apply(r: Row, rt: number, post: Row): void {
    const key = this.hashKey(r);
    let p = this.parts.get(key);
    if (!p) {
      p = { buf: new Deque(), accs: this.plan.aggs.map(createAccumulator) };
      this.parts.set(key, p);
    }
    const frame = this.plan.frame;
    if (frame.kind === "RANGE") this.evict(p, rt - frame.ms);
    const n = this.argFns.length;
    const vals = new Array<unknown>(n);
    for (let k = 0; k < n; k++) {
      const v = (this.argFns[k] as Eval)(r);
      vals[k] = v;
      (p.accs[k] as Accumulator).add(v, rt);
    }
    if (frame.kind !== "UNBOUNDED") {
      p.buf.push({ rt, vals });
      if (frame.kind === "ROWS") {
        while (p.buf.length > frame.n + 1) {
          const e = p.buf.shift() as Entry;
          for (let k = 0; k < n; k++) (p.accs[k] as Accumulator).remove(e.vals[k]);
        }
      }
    }
    for (let k = 0; k < n; k++) post[this.slots[k] as number] = (p.accs[k] as Accumulator).result();
  }

  /** Drops expired rows of idle partitions so that their memory is returned. */
  sweep(nowMs: number): void {
    const frame = this.plan.frame;
    if (frame.kind !== "RANGE") return;
    for (const [key, p] of this.parts) {
      this.evict(p, nowMs - frame.ms);
      if (p.buf.length === 0) this.parts.delete(key);
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
