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

export interface MonotonicKey {
  /** Position among the GROUP BY keys. */
  index: number;
  mono: Mono;
}

export class GroupAggregate implements Operator {
  /** Values of the monotonic keys shared by every open group; undefined when no group is open. */
  private cur: unknown[] | undefined = undefined;
  private groups = new Map<unknown, Group>();
  private readonly hashKey: (r: Row) => unknown;
  private readonly argFns: Eval[];
  private readonly monoFns: Eval[];
  private readonly synthetic: Row;

  constructor(
    private readonly where: Eval | undefined,
    /** All GROUP BY keys, in post-row order. */
    private readonly keyFns: Eval[],
    private readonly monoKeys: MonotonicKey[],
    private readonly aggs: AggCall[],
    private readonly rowtimeSlot: number,
    inputWidth: number,
    private readonly output: AggregateOutput,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {
    // Monotonic keys are the same for every open group (a change closes them all), so they stay out of the hash.
    const monoIdx = new Set(monoKeys.map((m) => m.index));
    this.hashKey = keyMaker(keyFns.filter((_, i) => !monoIdx.has(i)));
    this.monoFns = monoKeys.map((m) => keyFns[m.index] as Eval);
    this.argFns = argEvaluators(aggs);
    this.synthetic = new Array<unknown>(inputWidth).fill(null);
  }

  /** The earliest known end among the open groups' monotonic keys (Infinity if none is known). */
  private knownEnd(): number {
    let end = Infinity;
    const cur = this.cur;
    if (!cur) return end;
    this.monoKeys.forEach((m, i) => {
      if (m.mono.groupEnd) end = Math.min(end, m.mono.groupEnd(cur[i]));
    });
    return end;
  }

  push(_port: number, rows: Row[]): void {
    const rts = this.rowtimeSlot;
    const monoFns = this.monoFns;
    forEachRow(
      rows,
      (r) => {
        if (this.where && this.where(r) !== true) return;
        const rt = r[rts] as number;
        const cur = this.cur;
        let same = cur !== undefined;
        // The common case (same bucket as the open groups) compares without allocating.
        for (let i = 0; same && i < monoFns.length; i++) if ((monoFns[i] as Eval)(r) !== (cur as unknown[])[i]) same = false;
        if (!same) {
          const values = monoFns.map((f) => f(r));
          if (values.some((v) => v == null)) return;
          if (cur) {
            const end = this.knownEnd();
            this.close(end === Infinity ? rt : end);
          }
          this.cur = values;
        }
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
    return this.groups.size === 0 ? Infinity : this.knownEnd();
  }

  advance(nowMs: number): void {
    if (this.groups.size === 0 || !this.cur) return;
    const end = this.knownEnd();
    if (end <= nowMs) {
      this.close(end);
      return;
    }
    // Keys of ROWTIME alone without a known end: evaluate them at the bound; a different value means the
    // open groups can receive no more rows.
    this.synthetic[this.rowtimeSlot] = nowMs;
    for (let i = 0; i < this.monoKeys.length; i++) {
      const m = this.monoKeys[i] as MonotonicKey;
      if (m.mono.groupEnd || !m.mono.rowtimeOnly) continue;
      let atBound: unknown;
      try {
        atBound = (this.monoFns[i] as Eval)(this.synthetic);
      } catch {
        continue;
      }
      if (atBound != null && atBound !== this.cur[i]) {
        this.close(nowMs);
        return;
      }
    }
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
