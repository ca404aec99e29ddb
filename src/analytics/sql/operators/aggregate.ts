/**
 * Streaming GROUP BY (tumbling windows) and WINDOWED BY STAGGER. Both build a post-aggregation row laid
 * out as [key values..., ROWTIME, aggregate results...] on which HAVING and the SELECT list are evaluated.
 */
import { createAccumulator, type Accumulator, type AggCall } from "../aggregates.js";
import type { Mono } from "../compile-expr.js";
import { keyMaker } from "../keys.js";
import type { Eval, Row } from "../scope.js";
import { forEachRow, type Emit, type ErrorSink, type Operator } from "./operator.js";

export interface AggregateOutput {
  having: Eval | undefined;
  project: (post: Row) => Row;
  /** ORDER BY within one emission (the leading monotonic key is equal for the whole batch). */
  orderBy: { fn: Eval; desc: boolean }[];
}

interface Group {
  keys: unknown[];
  accs: Accumulator[];
}

function argEvaluators(aggs: AggCall[]): Eval[] {
  return aggs.map((a) => (a.args.length === 0 ? () => 1 : (a.args[0] as { fn: Eval }).fn));
}

/** Builds, filters and orders the output rows of closed groups. */
function emitGroups(groups: Iterable<Group>, stamp: number, out: AggregateOutput, onError: ErrorSink): Row[] {
  const rows: Row[] = [];
  const posts: Row[] = [];
  for (const g of groups) {
    const post: Row = [...g.keys, stamp];
    for (const acc of g.accs) post.push(acc.result());
    try {
      if (out.having && out.having(post) !== true) continue;
      posts.push(post);
      rows.push(out.project(post));
    } catch (err) {
      onError(err, post);
    }
  }
  if (out.orderBy.length > 0 && rows.length > 1) {
    const idx = rows.map((_, i) => i);
    const keyRows = posts.map((p) => out.orderBy.map((o) => o.fn(p)));
    idx.sort((a, b) => {
      for (let k = 0; k < out.orderBy.length; k++) {
        const x = keyRows[a]![k] as number;
        const y = keyRows[b]![k] as number;
        if (x === y) continue;
        const c = x == null ? -1 : y == null ? 1 : x < y ? -1 : 1;
        return out.orderBy[k]!.desc ? -c : c;
      }
      return a - b;
    });
    return idx.map((i) => rows[i] as Row);
  }
  return rows;
}

export class GroupAggregate implements Operator {
  private cur: unknown = undefined;
  private groups = new Map<unknown, Group>();
  private readonly hashKey: (r: Row) => unknown;
  private readonly argFns: Eval[];
  private readonly synthetic: Row;

  constructor(
    private readonly where: Eval | undefined,
    /** All GROUP BY keys, in post-row order. */
    private readonly keyFns: Eval[],
    private readonly monoIndex: number,
    private readonly mono: Mono,
    private readonly aggs: AggCall[],
    private readonly rowtimeSlot: number,
    inputWidth: number,
    private readonly output: AggregateOutput,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {
    // The monotonic key is the same for every open group, so it stays out of the hash.
    this.hashKey = keyMaker(keyFns.filter((_, i) => i !== monoIndex));
    this.argFns = argEvaluators(aggs);
    this.synthetic = new Array<unknown>(inputWidth).fill(null);
  }

  push(_port: number, rows: Row[]): void {
    const monoFn = this.keyFns[this.monoIndex] as Eval;
    const rts = this.rowtimeSlot;
    forEachRow(
      rows,
      (r) => {
        if (this.where && this.where(r) !== true) return;
        const rt = r[rts] as number;
        const m = monoFn(r);
        if (m == null) return;
        if (this.cur !== undefined && m !== this.cur) this.close(this.mono.groupEnd ? this.mono.groupEnd(this.cur) : rt);
        this.cur = m;
        const key = this.hashKey(r);
        let g = this.groups.get(key);
        if (!g) {
          g = { keys: this.keyFns.map((f) => f(r)), accs: this.aggs.map(createAccumulator) };
          this.groups.set(key, g);
        }
        const accs = g.accs;
        for (let k = 0; k < accs.length; k++) (accs[k] as Accumulator).add((this.argFns[k] as Eval)(r), rt);
      },
      this.onError,
    );
  }

  private close(stamp: number): void {
    const rows = emitGroups(this.groups.values(), stamp, this.output, this.onError);
    this.groups = new Map();
    this.cur = undefined;
    if (rows.length > 0) this.emit(rows);
  }

  nextDeadline(): number {
    if (this.groups.size === 0 || !this.mono.groupEnd) return Infinity;
    return this.mono.groupEnd(this.cur);
  }

  advance(nowMs: number): void {
    if (this.groups.size === 0) return;
    if (this.mono.groupEnd) {
      const end = this.mono.groupEnd(this.cur);
      if (end <= nowMs) this.close(end);
      return;
    }
    if (!this.mono.rowtimeOnly) return;
    // Evaluate the monotonic key at the bound: if it differs, the open groups can receive no more rows.
    this.synthetic[this.rowtimeSlot] = nowMs;
    let atBound: unknown;
    try {
      atBound = (this.keyFns[this.monoIndex] as Eval)(this.synthetic);
    } catch {
      return;
    }
    if (atBound != null && atBound !== this.cur) this.close(nowMs);
  }
}

interface StaggerWindow extends Group {
  closeAt: number;
}

export class StaggerAggregate implements Operator {
  /** Open windows in opening order, which is also closing order because the range is fixed. */
  private windows = new Map<unknown, StaggerWindow>();
  private readonly hashKey: (r: Row) => unknown;
  private readonly argFns: Eval[];

  constructor(
    private readonly where: Eval | undefined,
    private readonly keyFns: Eval[],
    private readonly rangeMs: number,
    private readonly aggs: AggCall[],
    private readonly rowtimeSlot: number,
    private readonly output: AggregateOutput,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {
    this.hashKey = keyMaker(keyFns);
    this.argFns = argEvaluators(aggs);
  }

  push(_port: number, rows: Row[]): void {
    const rts = this.rowtimeSlot;
    forEachRow(
      rows,
      (r) => {
        if (this.where && this.where(r) !== true) return;
        const rt = r[rts] as number;
        this.advance(rt);
        const key = this.hashKey(r);
        let w = this.windows.get(key);
        if (!w) {
          w = { keys: this.keyFns.map((f) => f(r)), accs: this.aggs.map(createAccumulator), closeAt: rt + this.rangeMs };
          this.windows.set(key, w);
        }
        const accs = w.accs;
        for (let k = 0; k < accs.length; k++) (accs[k] as Accumulator).add((this.argFns[k] as Eval)(r), rt);
      },
      this.onError,
    );
  }

  nextDeadline(): number {
    const first = this.windows.values().next();
    return first.done ? Infinity : first.value.closeAt;
  }

  advance(nowMs: number): void {
    let out: Row[] | undefined;
    for (const [key, w] of this.windows) {
      if (w.closeAt > nowMs) break;
      this.windows.delete(key);
      const rows = emitGroups([w], w.closeAt, this.output, this.onError);
      if (rows.length > 0) (out ??= []).push(...rows);
    }
    if (out) this.emit(out);
  }
}
