/**
 * Stream-to-stream joins over windows, and stream-to-reference-table joins.
 *
 * A pair of rows is matched once, when the later of the two arrives and finds the earlier one inside its
 * side's window (RANGE: `rowtime >= t - interval`; ROWS n: the latest n rows; no window: rows of the same
 * ROWTIME only). Output rows carry the later ROWTIME, i.e. the arrival time, so they leave in ROWTIME
 * order. For outer joins, a row that leaves its window unmatched is emitted with NULLs for the other side,
 * stamped with max(own ROWTIME, end of its window).
 */
import { Deque } from "../deque.js";
import { keyMaker } from "../keys.js";
import type { Eval, Row } from "../scope.js";
import { forEachRow, type Emit, type ErrorSink, type Operator } from "./operator.js";

export type JoinWindow = { kind: "RANGE"; ms: number } | { kind: "ROWS"; n: number } | { kind: "NONE" };

export interface JoinSide {
  /** Slots in a row of this side (its ROWTIME is the last). */
  width: number;
  window: JoinWindow;
  /** Equi-join key over this side's own row, when the ON condition has one. */
  keyFns: Eval[] | undefined;
  /** Emit this side's unmatched rows (LEFT for the left side, RIGHT for the right, FULL for both). */
  outer: boolean;
}

interface Entry {
  row: Row;
  rt: number;
  key: unknown;
  matched: boolean;
  dead: boolean;
}

class SideState {
  readonly buf = new Deque<Entry>();
  readonly index: Map<unknown, Entry[]> | undefined;
  readonly keyOf: ((r: Row) => unknown) | undefined;
  constructor(readonly spec: JoinSide) {
    if (spec.keyFns) {
      this.index = new Map();
      this.keyOf = keyMaker(spec.keyFns);
    }
  }

  /** Latest ROWTIME at which a row of this side can still be matched. */
  expiresAfter(e: Entry): number {
    const w = this.spec.window;
    return w.kind === "RANGE" ? e.rt + w.ms : w.kind === "NONE" ? e.rt : Infinity;
  }

  removeOldest(): Entry | undefined {
    const e = this.buf.shift();
    if (!e) return undefined;
    e.dead = true;
    if (this.index) {
      const list = this.index.get(e.key);
      if (list) {
        const i = list.indexOf(e);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) this.index.delete(e.key);
      }
    }
    return e;
  }

  insert(e: Entry): void {
    this.buf.push(e);
    if (this.index) {
      const list = this.index.get(e.key);
      if (list) list.push(e);
      else this.index.set(e.key, [e]);
    }
  }

  candidates(key: unknown): Iterable<Entry> {
    if (this.index) return this.index.get(key) ?? [];
    return this.buf;
  }
}

export interface JoinOptions {
  /** The AWS reference's examples re-emit already-matched rows as unmatched at window end. */
  outerJoinEmitsMatchedRows: boolean;
}

export class StreamJoin implements Operator {
  private readonly sides: [SideState, SideState];

  constructor(
    left: JoinSide,
    right: JoinSide,
    private readonly on: Eval | undefined,
    private readonly options: JoinOptions,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
  ) {
    this.sides = [new SideState(left), new SideState(right)];
  }

  private combine(l: Row | null, r: Row | null, rt: number): Row {
    const lw = this.sides[0].spec.width;
    const rw = this.sides[1].spec.width;
    const out = new Array<unknown>(lw + rw + 1);
    for (let k = 0; k < lw; k++) out[k] = l ? l[k] : null;
    for (let k = 0; k < rw; k++) out[lw + k] = r ? r[k] : null;
    out[lw + rw] = rt;
    return out;
  }

  private unmatched(side: 0 | 1, e: Entry, stamp: number, out: Row[]): void {
    if (!this.sides[side].spec.outer) return;
    if (e.matched && !this.options.outerJoinEmitsMatchedRows) return;
    out.push(side === 0 ? this.combine(e.row, null, stamp) : this.combine(null, e.row, stamp));
  }

  /** Expires rows that no future row can match, emitting unmatched outer rows. */
  private expire(nowMs: number, out: Row[]): void {
    for (const side of [0, 1] as const) {
      const s = this.sides[side];
      if (s.spec.window.kind === "ROWS") continue;
      for (;;) {
        const e = s.buf.first();
        if (!e) break;
        const end = s.expiresAfter(e);
        if (end >= nowMs) break;
        s.removeOldest();
        this.unmatched(side, e, end, out);
      }
    }
  }

  push(port: number, rows: Row[]): void {
    const side = port === 0 ? 0 : 1;
    const own = this.sides[side];
    const other = this.sides[side === 0 ? 1 : 0];
    const rtSlot = own.spec.width - 1;
    const out: Row[] = [];
    forEachRow(
      rows,
      (row) => {
        const rt = row[rtSlot] as number;
        this.expire(rt, out);
        const key = own.keyOf ? own.keyOf(row) : undefined;
        const entry: Entry = { row, rt, key, matched: false, dead: false };
        if (!(own.keyOf && key == null)) {
          for (const c of other.candidates(key)) {
            if (c.dead) continue;
            const comb = side === 0 ? this.combine(row, c.row, rt) : this.combine(c.row, row, rt);
            if (this.on && this.on(comb) !== true) continue;
            c.matched = true;
            entry.matched = true;
            out.push(comb);
          }
        }
        own.insert(entry);
        const w = own.spec.window;
        if (w.kind === "ROWS") {
          while (own.buf.length > w.n) {
            const old = own.removeOldest() as Entry;
            this.unmatched(side, old, rt, out);
          }
        }
      },
      this.onError,
    );
    if (out.length > 0) this.emit(out);
  }

  nextDeadline(): number {
    let d = Infinity;
    for (const s of this.sides) {
      if (!s.spec.outer || s.spec.window.kind === "ROWS") continue;
      const e = s.buf.first();
      if (e) d = Math.min(d, s.expiresAfter(e) + 1);
    }
    return d;
  }

  advance(nowMs: number): void {
    const out: Row[] = [];
    this.expire(nowMs, out);
    if (out.length > 0) this.emit(out);
  }
}

/** Stream-to-table join: each stream row is looked up in the in-memory reference table. */
export class TableJoin implements Operator {
  private index: Map<unknown, Row[]> | undefined;
  private rows: Row[] = [];
  private readonly streamKey: ((r: Row) => unknown) | undefined;
  private readonly tableKey: ((r: Row) => unknown) | undefined;

  constructor(
    private readonly streamWidth: number,
    private readonly tableWidth: number,
    streamKeyFns: Eval[] | undefined,
    tableKeyFns: Eval[] | undefined,
    private readonly on: Eval | undefined,
    /** Keep stream rows that match no table row (stream LEFT JOIN table, or table RIGHT JOIN stream). */
    private readonly leftOuter: boolean,
    private readonly emit: Emit,
    private readonly onError: ErrorSink,
    /** The table is the join's left side (`table JOIN stream`): combined rows hold the table's slots first. */
    private readonly tableFirst = false,
  ) {
    if (streamKeyFns && tableKeyFns) {
      this.streamKey = keyMaker(streamKeyFns);
      this.tableKey = keyMaker(tableKeyFns);
    }
  }

  /** Replaces the table's rows (each with a trailing NULL ROWTIME slot). */
  setRows(rows: Row[]): void {
    this.rows = rows;
    if (!this.tableKey) return;
    const index = new Map<unknown, Row[]>();
    for (const r of rows) {
      const k = this.tableKey(r);
      if (k == null) continue;
      const list = index.get(k);
      if (list) list.push(r);
      else index.set(k, [r]);
    }
    this.index = index;
  }

  push(_port: number, rows: Row[]): void {
    const sw = this.streamWidth;
    const tw = this.tableWidth;
    const streamAt = this.tableFirst ? tw : 0;
    const tableAt = this.tableFirst ? 0 : sw;
    const out: Row[] = [];
    forEachRow(
      rows,
      (s) => {
        const rt = s[sw - 1] as number;
        const candidates = this.index && this.streamKey ? (this.index.get(this.streamKey(s)) ?? []) : this.rows;
        let matched = false;
        for (const t of candidates) {
          const comb = new Array<unknown>(sw + tw + 1);
          for (let k = 0; k < sw; k++) comb[streamAt + k] = s[k];
          for (let k = 0; k < tw; k++) comb[tableAt + k] = t[k];
          comb[sw + tw] = rt;
          if (this.on && this.on(comb) !== true) continue;
          matched = true;
          out.push(comb);
        }
        if (!matched && this.leftOuter) {
          const comb = new Array<unknown>(sw + tw + 1).fill(null);
          for (let k = 0; k < sw; k++) comb[streamAt + k] = s[k];
          comb[sw + tw] = rt;
          out.push(comb);
        }
      },
      this.onError,
    );
    if (out.length > 0) this.emit(out);
  }

  nextDeadline(): number {
    return Infinity;
  }

  advance(): void {}
}
