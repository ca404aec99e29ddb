/**
 * Aggregate functions, usable both in a streaming GROUP BY (add only) and over a sliding window
 * (add, then remove the oldest value first). Non-invertible aggregates keep just enough history:
 * MIN/MAX a monotonic deque, FIRST_VALUE/LAG/NTH_VALUE a queue of the window's values.
 */
import type { CallExpr, WindowSpec } from "./ast.js";
import type { Bound } from "./compile-expr.js";
import { compileError, type SourcePos } from "./errors.js";
import { Deque } from "./deque.js";
import { T, decimal, isApprox, isDecimal, isExactInteger, isInterval, isNullType, isNumeric, typeToString, type SqlType } from "./types.js";
import { decimalToNumber } from "./values.js";

export interface AggCall {
  name: string;
  args: Bound[];
  type: SqlType;
  canon: string;
  /** Slot of this aggregate's result in the post-aggregation row. */
  slot: number;
  distinct: boolean;
  ignoreNulls: boolean;
  pos: SourcePos;
  window?: WindowSpec;
}

export interface Accumulator {
  /** Called once per row (NULL values included, so that removal stays in step). */
  add(v: unknown, rowtime: number): void;
  /** Removes the oldest value still in the window (sliding windows only). */
  remove(v: unknown): void;
  result(): unknown;
}

export interface AggregateDef {
  minArgs: number;
  maxArgs: number;
  analyticOnly?: boolean;
  type(args: SqlType[], call: CallExpr): SqlType;
  create(call: AggCall): Accumulator;
}

function numericArg(name: string, t: SqlType | undefined, call: CallExpr): SqlType {
  if (!t || (!isNumeric(t) && !isNullType(t) && !isInterval(t))) {
    throw compileError(`${name} needs a numeric argument, not ${t ? typeToString(t) : "nothing"}`, call.pos);
  }
  return t;
}

const sameAsArg = (args: SqlType[]): SqlType => args[0] ?? T.NULL;

// ---- accumulators ----

class CountAcc implements Accumulator {
  n = 0;
  constructor(private readonly star: boolean) {}
  add(v: unknown): void {
    if (this.star || v != null) this.n++;
  }
  remove(v: unknown): void {
    if (this.star || v != null) this.n--;
  }
  result(): unknown {
    return this.n;
  }
}

class CountDistinctAcc implements Accumulator {
  counts = new Map<unknown, number>();
  add(v: unknown): void {
    if (v != null) this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
  }
  remove(v: unknown): void {
    if (v == null) return;
    const c = (this.counts.get(v) ?? 1) - 1;
    if (c === 0) this.counts.delete(v);
    else this.counts.set(v, c);
  }
  result(): unknown {
    return this.counts.size;
  }
}

/** SUM and AVG over numbers. */
class NumberSumAcc implements Accumulator {
  n = 0;
  sum = 0;
  constructor(
    private readonly avg: boolean,
    private readonly truncate: boolean,
  ) {}
  add(v: unknown): void {
    if (v == null) return;
    this.n++;
    this.sum += v as number;
  }
  remove(v: unknown): void {
    if (v == null) return;
    this.n--;
    this.sum -= v as number;
  }
  result(): unknown {
    if (this.n === 0) return null;
    if (!this.avg) return this.sum;
    const a = this.sum / this.n;
    // AVG over an exact numeric returns that exact type, truncated (the reference's result tables show it).
    return this.truncate ? Math.trunc(a) : a;
  }
}

class DecimalSumAcc implements Accumulator {
  n = 0;
  sum = 0n;
  constructor(private readonly avg: boolean) {}
  add(v: unknown): void {
    if (v == null) return;
    this.n++;
    this.sum += v as bigint;
  }
  remove(v: unknown): void {
    if (v == null) return;
    this.n--;
    this.sum -= v as bigint;
  }
  result(): unknown {
    if (this.n === 0) return null;
    return this.avg ? this.sum / BigInt(this.n) : this.sum;
  }
}

/** Welford's running variance, with the inverse update for removal. */
class VarianceAcc implements Accumulator {
  n = 0;
  mean = 0;
  m2 = 0;
  constructor(
    private readonly kind: "VAR_POP" | "VAR_SAMP" | "STDDEV_POP" | "STDDEV_SAMP",
    private readonly toNum: (v: unknown) => number,
  ) {}
  add(v: unknown): void {
    if (v == null) return;
    const x = this.toNum(v);
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }
  remove(v: unknown): void {
    if (v == null) return;
    const x = this.toNum(v);
    if (this.n <= 1) {
      this.n = 0;
      this.mean = 0;
      this.m2 = 0;
      return;
    }
    const d = x - this.mean;
    this.n--;
    this.mean -= d / this.n;
    this.m2 -= d * (x - this.mean);
    if (this.m2 < 0) this.m2 = 0;
  }
  result(): unknown {
    const pop = this.kind.endsWith("POP");
    if (this.n === 0 || (!pop && this.n < 2)) return null;
    const v = this.m2 / (pop ? this.n : this.n - 1);
    return this.kind.startsWith("STDDEV") ? Math.sqrt(v) : v;
  }
}

/** MIN/MAX with a monotonic deque: values that can never be the answer again are dropped on arrival. */
class MinMaxAcc implements Accumulator {
  // Parallel deques (values and their arrival numbers) rather than one of objects: no allocation per row.
  private vals = new Deque<unknown>();
  private seqs = new Deque<number>();
  private added = 0;
  private removed = 0;
  constructor(private readonly max: boolean) {}
  add(v: unknown): void {
    const seq = this.added++;
    if (v == null) return;
    const vals = this.vals;
    if (this.max) {
      while (vals.length > 0 && (vals.last() as number) < (v as number)) {
        vals.pop();
        this.seqs.pop();
      }
    } else {
      while (vals.length > 0 && (vals.last() as number) > (v as number)) {
        vals.pop();
        this.seqs.pop();
      }
    }
    vals.push(v);
    this.seqs.push(seq);
  }
  remove(): void {
    const seq = this.removed++;
    if (this.seqs.first() === seq) {
      this.seqs.shift();
      this.vals.shift();
    }
  }
  result(): unknown {
    return this.vals.length === 0 ? null : this.vals.first();
  }
}

/** Keeps the window's values: FIRST_VALUE, LAST_VALUE, NTH_VALUE, LAG. */
class ValueQueueAcc implements Accumulator {
  private q = new Deque<unknown>();
  constructor(
    private readonly pick: (q: Deque<unknown>) => unknown,
    private readonly skipNulls: boolean,
  ) {}
  add(v: unknown): void {
    if (v == null && this.skipNulls) return;
    this.q.push(v);
  }
  remove(v: unknown): void {
    if (v == null && this.skipNulls) return;
    this.q.shift();
  }
  result(): unknown {
    const v = this.pick(this.q);
    return v === undefined ? null : v;
  }
}

/** LAG(x, n): the value n rows before the current one; with IGNORE NULLS, n non-NULL values back. */
class LagAcc implements Accumulator {
  private q = new Deque<unknown>();
  /** Whether the current row's value was skipped as NULL (so it is not the queue's last element). */
  private currentSkipped = false;
  constructor(
    private readonly n: number,
    private readonly dflt: unknown,
    private readonly skipNulls: boolean,
    /** Without a window frame, keep only the n + 1 values LAG can reach. */
    private readonly selfTrim: boolean,
  ) {}
  add(v: unknown): void {
    this.currentSkipped = v == null && this.skipNulls;
    if (!this.currentSkipped) this.q.push(v);
    if (this.selfTrim && this.q.length > this.n + 1) this.q.shift();
  }
  remove(v: unknown): void {
    if (v == null && this.skipNulls) return;
    this.q.shift();
  }
  result(): unknown {
    const back = this.currentSkipped ? this.n - 1 : this.n;
    const v = this.q.at(this.q.length - 1 - back);
    return v === undefined ? this.dflt : v;
  }
}

/** EXP_AVG(x, half-life): each value's weight halves every `halfLifeMs` of ROWTIME. */
class ExpAvgAcc implements Accumulator {
  private sum = 0;
  private weight = 0;
  private last = NaN;
  constructor(
    private readonly halfLifeMs: number,
    private readonly toNum: (v: unknown) => number,
  ) {}
  add(v: unknown, rowtime: number): void {
    if (v == null) return;
    if (!Number.isNaN(this.last) && rowtime > this.last) {
      const f = Math.pow(0.5, (rowtime - this.last) / this.halfLifeMs);
      this.sum *= f;
      this.weight *= f;
    }
    if (Number.isNaN(this.last) || rowtime > this.last) this.last = rowtime;
    this.sum += this.toNum(v);
    this.weight += 1;
  }
  remove(): void {
    // Old values have decayed; the window bound does not change the exponential average.
  }
  result(): unknown {
    return this.weight === 0 ? null : this.sum / this.weight;
  }
}

class BoolAcc implements Accumulator {
  t = 0;
  f = 0;
  constructor(private readonly every: boolean) {}
  add(v: unknown): void {
    if (v === true) this.t++;
    else if (v === false) this.f++;
  }
  remove(v: unknown): void {
    if (v === true) this.t--;
    else if (v === false) this.f--;
  }
  result(): unknown {
    if (this.t + this.f === 0) return null;
    return this.every ? this.f === 0 : this.t > 0;
  }
}

function toNumFor(t: SqlType): (v: unknown) => number {
  if (isDecimal(t)) {
    const s = t.scale ?? 0;
    return (v) => decimalToNumber(v as bigint, s);
  }
  return (v) => v as number;
}

function constArg(call: AggCall, i: number, dflt: unknown): unknown {
  const a = call.args[i];
  if (!a) return dflt;
  if (!a.constant) throw compileError(`Argument ${i + 1} of ${call.name} must be a constant`, call.pos);
  return a.fn([]);
}

function sumLike(avg: boolean) {
  return (call: AggCall): Accumulator => {
    const t = call.args[0]?.type ?? T.INTEGER;
    if (isDecimal(t)) return new DecimalSumAcc(avg);
    return new NumberSumAcc(avg, avg && isExactInteger(t));
  };
}

function variance(kind: "VAR_POP" | "VAR_SAMP" | "STDDEV_POP" | "STDDEV_SAMP"): AggregateDef {
  return {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => (numericArg(kind, args[0], call), T.DOUBLE),
    create: (call) => new VarianceAcc(kind, toNumFor(call.args[0]?.type ?? T.DOUBLE)),
  };
}

export const AGGREGATES: Record<string, AggregateDef> = {
  COUNT: {
    minArgs: 0,
    maxArgs: 1,
    type: () => T.BIGINT,
    create: (call) => (call.distinct ? new CountDistinctAcc() : new CountAcc(call.args.length === 0)),
  },
  SUM: {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => {
      const t = numericArg("SUM", args[0], call);
      if (isDecimal(t)) return decimal(19, t.scale ?? 0);
      if (isApprox(t)) return T.DOUBLE;
      if (isInterval(t)) return t;
      return T.BIGINT;
    },
    create: sumLike(false),
  },
  AVG: {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => {
      const t = numericArg("AVG", args[0], call);
      return isApprox(t) ? T.DOUBLE : t;
    },
    create: sumLike(true),
  },
  MIN: { minArgs: 1, maxArgs: 1, type: sameAsArg, create: () => new MinMaxAcc(false) },
  MAX: { minArgs: 1, maxArgs: 1, type: sameAsArg, create: () => new MinMaxAcc(true) },
  VAR_POP: variance("VAR_POP"),
  VAR_SAMP: variance("VAR_SAMP"),
  VARIANCE: variance("VAR_SAMP"),
  STDDEV_POP: variance("STDDEV_POP"),
  STDDEV_SAMP: variance("STDDEV_SAMP"),
  STDDEV: variance("STDDEV_SAMP"),
  FIRST_VALUE: {
    minArgs: 1,
    maxArgs: 1,
    type: sameAsArg,
    create: (call) => new ValueQueueAcc((q) => q.first(), call.ignoreNulls),
  },
  LAST_VALUE: {
    minArgs: 1,
    maxArgs: 1,
    type: sameAsArg,
    create: (call) => new ValueQueueAcc((q) => q.last(), call.ignoreNulls),
  },
  NTH_VALUE: {
    minArgs: 2,
    maxArgs: 2,
    analyticOnly: true,
    type: sameAsArg,
    create: (call) => {
      const n = Number(constArg(call, 1, 1));
      return new ValueQueueAcc((q) => q.at(n - 1), call.ignoreNulls);
    },
  },
  LAG: {
    minArgs: 1,
    maxArgs: 3,
    analyticOnly: true,
    type: sameAsArg,
    create: (call) => {
      const n = Number(constArg(call, 1, 1));
      const dflt = constArg(call, 2, null);
      return new LagAcc(n, dflt, call.ignoreNulls, !call.window?.frame);
    },
  },
  EXP_AVG: {
    minArgs: 2,
    maxArgs: 2,
    type: (args, call) => (numericArg("EXP_AVG", args[0], call), T.DOUBLE),
    create: (call) => {
      const hl = Number(constArg(call, 1, 1000));
      if (!(hl > 0)) throw compileError("EXP_AVG needs a positive interval", call.pos);
      return new ExpAvgAcc(hl, toNumFor(call.args[0]?.type ?? T.DOUBLE));
    },
  },
  ANY: { minArgs: 1, maxArgs: 1, type: () => T.BOOLEAN, create: () => new BoolAcc(false) },
  SOME: { minArgs: 1, maxArgs: 1, type: () => T.BOOLEAN, create: () => new BoolAcc(false) },
  EVERY: { minArgs: 1, maxArgs: 1, type: () => T.BOOLEAN, create: () => new BoolAcc(true) },
};

export function createAccumulator(call: AggCall): Accumulator {
  return (AGGREGATES[call.name] as AggregateDef).create(call);
}
