/**
 * TOP_K_ITEMS_TUMBLING and COUNT_DISTINCT_ITEMS_TUMBLING: tumbling windows of whole seconds (aligned to
 * multiples of the window size), emitted at the window's end with that end as ROWTIME.
 * Top-K counts exactly up to a bound on distinct items, then switches to Space-Saving; distinct counts are
 * exact up to 10,000 items (as documented) and HyperLogLog (2^14 registers) beyond.
 */
import type { Eval, Row } from "../scope.js";
import { forEachRow, type Emit, type ErrorSink, type Operator } from "./operator.js";

export const TOP_K_EXACT_ITEMS_MAX = 100_000;
export const COUNT_DISTINCT_EXACT_ITEMS_MAX = 10_000;
const HLL_PRECISION_BITS = 14;

abstract class TumblingWindowOp implements Operator {
  private windowEnd = NaN;

  constructor(
    private readonly windowMs: number,
    private readonly rowtimeSlot: number,
    protected readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {}

  protected abstract add(r: Row): void;
  protected abstract flush(stamp: number): Row[];
  protected abstract get empty(): boolean;

  push(_port: number, rows: Row[]): void {
    forEachRow(
      rows,
      (r) => {
        const rt = r[this.rowtimeSlot] as number;
        this.advance(rt);
        if (Number.isNaN(this.windowEnd)) this.windowEnd = (Math.floor(rt / this.windowMs) + 1) * this.windowMs;
        this.add(r);
      },
      this.onError,
    );
  }

  nextDeadline(): number {
    return Number.isNaN(this.windowEnd) ? Infinity : this.windowEnd;
  }

  advance(nowMs: number): void {
    if (Number.isNaN(this.windowEnd) || this.windowEnd > nowMs) return;
    const stamp = this.windowEnd;
    this.windowEnd = NaN;
    const rows = this.empty ? [] : this.flush(stamp);
    if (rows.length > 0) this.emit(rows);
  }
}

export class TopKTumbling extends TumblingWindowOp {
  private counts = new Map<unknown, number>();

  constructor(
    private readonly item: Eval,
    private readonly k: number,
    windowMs: number,
    rowtimeSlot: number,
    emit: Emit,
    onError: ErrorSink,
  ) {
    super(windowMs, rowtimeSlot, emit, onError);
  }

  protected get empty(): boolean {
    return this.counts.size === 0;
  }

  protected add(r: Row): void {
    const v = this.item(r);
    if (v == null) return;
    const c = this.counts.get(v);
    if (c !== undefined) {
      this.counts.set(v, c + 1);
      return;
    }
    if (this.counts.size < TOP_K_EXACT_ITEMS_MAX) {
      this.counts.set(v, 1);
      return;
    }
    // Space-Saving: the new item takes over the smallest counter (and its count, an upper bound).
    let minKey: unknown;
    let min = Infinity;
    for (const [key, n] of this.counts) {
      if (n < min) {
        min = n;
        minKey = key;
      }
    }
    this.counts.delete(minKey);
    this.counts.set(v, min + 1);
  }

  protected flush(stamp: number): Row[] {
    const top = [...this.counts].sort((a, b) => b[1] - a[1]).slice(0, this.k);
    this.counts = new Map();
    return top.map(([item, n]) => [item, n, stamp]);
  }
}

/** 32-bit FNV-1a followed by a finaliser, for HyperLogLog. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class HyperLogLog {
  private readonly registers = new Uint8Array(1 << HLL_PRECISION_BITS);

  add(s: string): void {
    const h = hash32(s);
    const idx = h >>> (32 - HLL_PRECISION_BITS);
    const rest = (h << HLL_PRECISION_BITS) >>> 0;
    const rank = rest === 0 ? 32 - HLL_PRECISION_BITS + 1 : Math.clz32(rest) + 1;
    if (rank > (this.registers[idx] as number)) this.registers[idx] = rank;
  }

  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const e = (alpha * m * m) / sum;
    if (e <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(e);
  }
}

export class CountDistinctTumbling extends TumblingWindowOp {
  private exact: Set<string> | undefined = new Set();
  private hll: HyperLogLog | undefined;
  private seen = false;

  constructor(
    private readonly item: Eval,
    windowMs: number,
    rowtimeSlot: number,
    emit: Emit,
    onError: ErrorSink,
  ) {
    super(windowMs, rowtimeSlot, emit, onError);
  }

  protected get empty(): boolean {
    return !this.seen;
  }

  protected add(r: Row): void {
    this.seen = true;
    const v = this.item(r);
    if (v == null) return;
    const s = String(v);
    if (this.exact) {
      this.exact.add(s);
      if (this.exact.size > COUNT_DISTINCT_EXACT_ITEMS_MAX) {
        this.hll = new HyperLogLog();
        for (const x of this.exact) this.hll.add(x);
        this.exact = undefined;
      }
    } else this.hll?.add(s);
  }

  protected flush(stamp: number): Row[] {
    const n = this.exact ? this.exact.size : (this.hll as HyperLogLog).estimate();
    this.exact = new Set();
    this.hll = undefined;
    this.seen = false;
    return [[n, stamp]];
  }
}
