/**
 * Turns statements into a dataflow graph: in-application streams connected by operators. Each pump's
 * SELECT becomes one operator (filter/project, tumbling or stagger aggregation, sliding windows); FROM
 * sub-queries, CURSORs and joins become upstream operators writing anonymous internal streams.
 */
import type * as A from "./ast.js";
import { ExprCompiler, quoteName, type AggContext, type Bound } from "./compile-expr.js";
import { compileError, type SourcePos } from "./errors.js";
import type { BuildEnv } from "./functions.js";
import { GroupAggregate, StaggerAggregate, type AggregateOutput } from "./operators/aggregate.js";
import { StreamJoin, TableJoin, type JoinOptions, type JoinSide, type JoinWindow } from "./operators/join.js";
import type { Emit, ErrorSink, Operator } from "./operators/operator.js";
import { SlidingAggregate, type Frame, type SlidingWindowPlan } from "./operators/sliding.js";
import { FilterProject, rowBuilder } from "./operators/stateless.js";
import { StreamSort } from "./operators/sort.js";
import { planTableFunction } from "./table-functions.js";
import { singleRelationScope, type ColumnInfo, type Eval, type Relation, type Row, type Scope } from "./scope.js";
import { InAppStream } from "./stream.js";
import { T, assignable, isDecimal, isNumeric, isString, typeToString, type SqlType } from "./types.js";
import { converter } from "./values.js";
import type { AggCall } from "./aggregates.js";
import { IN_APP_NAME_CHARS_MAX } from "./limits.js";

export interface GraphNode {
  pumpName: string;
  op: Operator;
  inputs: InAppStream[];
  output: InAppStream | undefined;
}

export interface ReferenceTableState {
  name: string;
  columns: ColumnInfo[];
  rows: Row[];
  joins: TableJoin[];
}

export interface PlanOptions extends JoinOptions {
  /** Seed for RANDOM_CUT_FOREST's pseudo-random numbers, so that results are reproducible. */
  randomSeed: number;
}

export interface Graph {
  streams: Map<string, InAppStream>;
  tables: Map<string, ReferenceTableState>;
  nodes: GraphNode[];
  pumps: { name: string; target: string; sources: string[] }[];
}

/** A planned query: its output columns, and a sink to connect once the consumer is known. */
export interface PlannedQuery {
  columns: ColumnInfo[];
  /** Set by the caller: where the query's rows go (and which stream that is, for ordering operators). */
  connect(emit: Emit, stream: InAppStream): void;
  /** Streams (by name) the query reads, for the API's description of pumps. */
  sources: string[];
}

interface Source {
  stream: InAppStream;
  scope: Scope;
  sources: string[];
}

export type RowErrorReporter = (pumpName: string, err: unknown, row: Row | undefined) => void;

export class Planner {
  private anonymous = 0;

  constructor(
    private readonly graph: Graph,
    private readonly env: BuildEnv,
    private readonly options: PlanOptions,
    private readonly reportError: RowErrorReporter,
  ) {}

  plan(statements: A.Statement[]): void {
    for (const s of statements) {
      if (s.type === "createStream") this.createStream(s);
      else this.createPump(s);
    }
  }

  private createStream(s: A.CreateStreamStmt): void {
    const existing = this.graph.streams.get(s.name);
    if (existing && (existing.kind !== "app" || !s.orReplace)) {
      throw compileError(`Stream ${quoteName(s.name)} already exists`, s.pos);
    }
    if (existing && this.graph.pumps.some((p) => p.target === s.name || p.sources.includes(s.name))) {
      throw compileError(`Stream ${quoteName(s.name)} cannot be replaced after a pump uses it`, s.pos);
    }
    if (this.graph.tables.has(s.name)) throw compileError(`${quoteName(s.name)} is already a reference table`, s.pos);
    if (s.name.length > IN_APP_NAME_CHARS_MAX) {
      throw compileError(`Stream name ${quoteName(s.name)} is longer than ${IN_APP_NAME_CHARS_MAX} characters`, s.pos);
    }
    const seen = new Set<string>();
    for (const c of s.columns) {
      // INTERVAL is a type of expressions only (reference §8).
      if (c.sqlType.kind === "INTERVAL_DAY_TIME" || c.sqlType.kind === "INTERVAL_YEAR_MONTH") {
        throw compileError(`Column ${quoteName(c.name)}: INTERVAL cannot be the type of a stream column`, c.pos);
      }
      if (seen.has(c.name)) throw compileError(`Duplicate column ${quoteName(c.name)}`, c.pos);
      if (c.name === "ROWTIME") throw compileError("ROWTIME is implicit and cannot be declared", c.pos);
      seen.add(c.name);
    }
    this.graph.streams.set(s.name, new InAppStream(s.name, s.columns.map((c) => ({ name: c.name, type: c.sqlType })), "app"));
  }

  private createPump(s: A.CreatePumpStmt): void {
    if (this.graph.pumps.some((p) => p.name === s.name)) {
      if (!s.orReplace) throw compileError(`Pump ${quoteName(s.name)} already exists`, s.pos);
      throw compileError(`Pump ${quoteName(s.name)} is defined twice; replacing a running pump is not supported`, s.pos);
    }
    const target = this.graph.streams.get(s.target);
    if (!target) throw compileError(`Stream ${quoteName(s.target)} not found`, s.pos);
    if (target.kind !== "app") throw compileError(`Cannot insert into ${quoteName(s.target)}: it is not a stream created by the application`, s.pos);
    const q = this.query(s.query, s.name);
    let positions: number[];
    if (s.targetColumns) {
      positions = s.targetColumns.map((n) => {
        const i = target.columns.findIndex((c) => c.name === n);
        if (i < 0) throw compileError(`Column ${quoteName(n)} not found in ${quoteName(target.name)}`, s.pos);
        return i;
      });
    } else positions = target.columns.map((_, i) => i);
    if (q.columns.length > positions.length) {
      throw compileError(
        `The query returns ${q.columns.length} columns but ${quoteName(target.name)} accepts ${positions.length}`,
        s.query.pos,
      );
    }
    const convs = q.columns.map((c, i) => {
      const tc = target.columns[positions[i] as number] as ColumnInfo;
      if (!assignable(c.type, tc.type)) {
        throw compileError(
          `Cannot insert ${typeToString(c.type)} (${quoteName(c.name)}) into column ${quoteName(tc.name)} of type ${typeToString(tc.type)}`,
          s.query.items[i]?.pos ?? s.query.pos,
        );
      }
      return converter(c.type, tc.type);
    });
    const identity = !s.targetColumns && q.columns.length === target.columns.length && convs.every((c) => c === undefined);
    const width = target.columns.length;
    const onError: ErrorSink = (err, row) => this.reportError(s.name, err, row);
    q.connect((rows) => {
      let out: Row[] = rows;
      if (!identity) {
        out = [];
        for (const r of rows) {
          try {
            const t = new Array<unknown>(width + 1).fill(null);
            for (let k = 0; k < convs.length; k++) {
              const v = r[k];
              const conv = convs[k];
              t[positions[k] as number] = v == null ? null : conv ? conv(v) : v;
            }
            t[width] = r[r.length - 1];
            out.push(t);
          } catch (err) {
            onError(err, r);
          }
        }
      }
      // ROWTIME may only go back in time when user code assigns it; such rows go to error_stream.
      let ordered = true;
      let last = target.lastRowtimeMs;
      for (const r of out) {
        const rt = r[width] as number;
        if (rt < last) ordered = false;
        else last = rt;
      }
      if (!ordered) {
        const kept: Row[] = [];
        for (const r of out) {
          if ((r[width] as number) < target.lastRowtimeMs) {
            onError(new OutOfOrderRowtime(r[width] as number, target.lastRowtimeMs), r);
          } else {
            kept.push(r);
            target.lastRowtimeMs = r[width] as number;
          }
        }
        out = kept;
      } else if (out.length > 0) target.lastRowtimeMs = out[out.length - 1]![width] as number;
      target.emit(out);
    }, target);
    this.graph.pumps.push({ name: s.name, target: target.name, sources: q.sources });
  }

  // ---- queries ----

  query(q: A.SelectStmt, pumpName: string): PlannedQuery {
    if (q.distinct) {
      // SELECT STREAM DISTINCT is a GROUP BY on every item, so it too needs a monotonic item.
      if (q.groupBy || q.stagger || q.items.some((i) => i.expr.type === "star")) {
        throw compileError("SELECT STREAM DISTINCT needs an explicit list of items and no GROUP BY", q.pos);
      }
      q = { ...q, distinct: false, groupBy: q.items.map((i) => i.expr) };
    }
    const windows = new Map<string, A.WindowSpec>();
    for (const w of q.windows) {
      if (windows.has(w.name)) throw compileError(`Window ${quoteName(w.name)} is defined twice`, w.spec.pos);
      windows.set(w.name, w.spec);
    }
    const source = this.from(q.from, pumpName, windows);
    const holder: { emit: Emit } = { emit: () => {} };
    const emit: Emit = (rows) => holder.emit(rows);
    const onError: ErrorSink = (err, row) => this.reportError(pumpName, err, row);
    const scope = source.scope;
    const plain = new ExprCompiler(scope, this.env);
    const where = q.where ? plain.compileBoolean(q.where, "WHERE").fn : undefined;
    let columns: ColumnInfo[];
    let op: Operator;

    if (q.groupBy || q.stagger) {
      const keyExprs = q.groupBy ?? q.stagger!.partitionBy;
      const keys = keyExprs.map((e) => plain.compile(e));
      const stagger = q.stagger !== undefined;
      if (!stagger && !keys.some((k) => k.mono)) {
        throw compileError(
          "A streaming GROUP BY needs a monotonic expression, such as STEP(ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(ROWTIME TO MINUTE)",
          keyExprs[0]?.pos ?? q.pos,
        );
      }
      const K = keys.length;
      const agg: AggContext = {
        mode: "group",
        keysClause: stagger ? "WINDOWED BY STAGGER (PARTITION BY ...)" : "GROUP BY",
        keys: keys.map((k, i) => ({ canon: k.canon, slot: i, type: k.type })),
        aggs: [],
        aggBase: K + 1,
        rowtimeSlot: K,
        windows,
        inputScope: scope,
      };
      const post = new ExprCompiler(scope, this.env, agg);
      const items = this.selectList(q, post, scope);
      // HAVING and ORDER BY may name SELECT aliases (where the name is not also an input column).
      const having = q.having ? post.compileBoolean(substituteAliases(q.having, q.items, scope), "HAVING").fn : undefined;
      const orderBy = (q.orderBy ?? []).map((o) => ({ fn: post.compile(substituteAliases(o.expr, q.items, scope)).fn, desc: o.desc }));
      const rowtimeSlot = K;
      const output: AggregateOutput = {
        having,
        project: rowBuilder(items.fns, items.rowtime ?? ((r) => r[rowtimeSlot])),
        orderBy,
      };
      columns = items.columns;
      if (stagger) {
        const range = plain.compile(q.stagger!.range);
        if (!range.constant || range.type.kind !== "INTERVAL_DAY_TIME") {
          throw compileError("WINDOWED BY STAGGER needs RANGE INTERVAL '<n>' <unit>", q.stagger!.range.pos);
        }
        const rangeMs = range.fn([]) as number;
        if (!(rangeMs > 0)) throw compileError("The stagger window range must be positive", q.stagger!.range.pos);
        op = new StaggerAggregate(where, keys.map((k) => k.fn), rangeMs, agg.aggs, scope.rowtimeSlot, output, emit, onError);
      } else {
        const monoKeys = keys.flatMap((k, index) => (k.mono ? [{ index, mono: k.mono }] : []));
        op = new GroupAggregate(where, keys.map((k) => k.fn), monoKeys, agg.aggs, scope.rowtimeSlot, scope.width, output, emit, onError);
      }
    } else if (q.items.some((i) => hasOver(i.expr))) {
      if (q.having) throw compileError("HAVING needs GROUP BY", q.having.pos);
      const agg: AggContext = {
        mode: "analytic",
        keys: [],
        aggs: [],
        aggBase: scope.width,
        rowtimeSlot: scope.rowtimeSlot,
        windows,
        inputScope: scope,
      };
      const post = new ExprCompiler(scope, this.env, agg);
      const items = this.selectList(q, post, scope);
      columns = items.columns;
      const plans = this.slidingPlans(agg.aggs, plain);
      const rts = scope.rowtimeSlot;
      op = new SlidingAggregate(
        where,
        plans,
        scope.width,
        scope.width + agg.aggs.length,
        scope.rowtimeSlot,
        rowBuilder(items.fns, items.rowtime ?? ((r) => r[rts])),
        emit,
        onError,
      );
    } else {
      if (q.having) throw compileError("HAVING needs GROUP BY", q.having.pos);
      const items = this.selectList(q, plain, scope);
      columns = items.columns;
      const rts = scope.rowtimeSlot;
      const passThrough =
        !items.rowtime &&
        scope.relations.length === 1 &&
        scope.width === items.fns.length + 1 &&
        items.canons.every((c, i) => c === `col#${i}`);
      const project = rowBuilder(items.fns, items.rowtime ?? ((r) => r[rts]));
      if (q.orderBy && q.orderBy.length > 0) {
        // A streaming ORDER BY sorts within each value of its leading, monotonic key.
        const keys = q.orderBy.map((o) => ({ bound: plain.compile(substituteAliases(o.expr, q.items, scope)), desc: o.desc }));
        const lead = keys[0]!;
        if (!lead.bound.mono) {
          throw compileError("A streaming ORDER BY needs a monotonic leading expression, such as FLOOR(s.ROWTIME TO SECOND)", q.orderBy[0]!.expr.pos);
        }
        op = new StreamSort(
          where,
          project,
          lead.bound.fn,
          lead.bound.mono,
          keys.slice(1).map((k) => ({ fn: k.bound.fn, desc: k.desc })),
          scope.rowtimeSlot,
          scope.width,
          emit,
          onError,
        );
      } else op = new FilterProject(where, passThrough ? undefined : project, emit, onError);
    }
    const node: GraphNode = { pumpName, op, inputs: [source.stream], output: undefined };
    this.graph.nodes.push(node);
    return {
      columns,
      sources: source.sources,
      connect: (e, stream) => {
        holder.emit = e;
        node.output = stream;
      },
    };
  }

  /** Compiles the SELECT list; an item named ROWTIME sets the output rows' ROWTIME instead of a column. */
  private selectList(
    q: A.SelectStmt,
    compiler: ExprCompiler,
    scope: Scope,
  ): { fns: Eval[]; columns: ColumnInfo[]; canons: string[]; rowtime: Eval | undefined } {
    const fns: Eval[] = [];
    const columns: ColumnInfo[] = [];
    const canons: string[] = [];
    let rowtime: Eval | undefined;
    q.items.forEach((item, i) => {
      if (item.expr.type === "star") {
        const star = item.expr;
        const rels = star.qualifier ? scope.relations.filter((r) => r.name === star.qualifier) : scope.relations;
        if (rels.length === 0) throw compileError(`Relation ${quoteName(star.qualifier ?? "")} not found`, item.pos);
        for (const rel of rels) {
          rel.columns.forEach((c) => {
            if (c.hidden) return;
            const b = compiler.compile({ type: "column", parts: [rel.name, c.name], pos: item.pos });
            fns.push(b.fn);
            canons.push(b.canon);
            columns.push({ name: c.name, type: c.type });
          });
        }
        return;
      }
      const b = compiler.compile(item.expr);
      const name = item.alias ?? (item.expr.type === "column" ? (item.expr.parts[item.expr.parts.length - 1] as string) : `EXPR$${i}`);
      if (name === "ROWTIME") {
        if (b.type.kind !== "TIMESTAMP") throw compileError("ROWTIME must be a TIMESTAMP", item.pos);
        // Selecting ROWTIME itself is the default; any other expression assigns the rows' ROWTIME.
        if (!b.canon.startsWith("rowtime")) rowtime = b.fn;
        return;
      }
      if (b.type.kind === "ROW") {
        // A ROW value is inserted as its text, unless a later query reads its fields.
        columns.push({ name, type: b.type });
      } else columns.push({ name, type: b.type.kind === "NULL" ? T.VARCHAR : b.type });
      fns.push(b.fn);
      canons.push(b.canon);
    });
    return { fns, columns, canons, rowtime };
  }

  private slidingPlans(aggs: AggCall[], plain: ExprCompiler): SlidingWindowPlan[] {
    const byWindow = new Map<string, { spec: A.WindowSpec; aggs: AggCall[] }>();
    for (const a of aggs) {
      const spec = a.window as A.WindowSpec;
      const key = a.canon.slice(a.canon.indexOf("@"));
      const entry = byWindow.get(key);
      if (entry) entry.aggs.push(a);
      else byWindow.set(key, { spec, aggs: [a] });
    }
    return [...byWindow.values()].map(({ spec, aggs: group }) => ({
      partitionFns: spec.partitionBy.map((e) => plain.compile(e).fn),
      frame: this.frame(spec, group, plain),
      aggs: group,
    }));
  }

  private frame(spec: A.WindowSpec, aggs: AggCall[], plain: ExprCompiler): Frame {
    const f = spec.frame;
    if (!f) {
      // No frame: the whole partition so far (LAG keeps only the values it can reach).
      void aggs;
      return { kind: "UNBOUNDED" };
    }
    if (f.kind === "ROWS") return f.count === "UNBOUNDED" ? { kind: "UNBOUNDED" } : { kind: "ROWS", n: f.count };
    if (f.interval === "UNBOUNDED") return { kind: "UNBOUNDED" };
    return { kind: "RANGE", ms: this.rangeMs(f.interval, plain) };
  }

  private rangeMs(e: A.Expr, plain: ExprCompiler): number {
    const b = plain.compile(e);
    if (!b.constant || b.type.kind !== "INTERVAL_DAY_TIME") throw compileError("A RANGE window needs a day-time INTERVAL", e.pos);
    const ms = b.fn([]) as number;
    if (!(ms >= 0)) throw compileError("A RANGE window must not be negative", e.pos);
    return ms;
  }

  // ---- FROM ----

  private from(f: A.FromItem, pumpName: string, windows: Map<string, A.WindowSpec>): Source {
    switch (f.type) {
      case "stream": {
        if (this.graph.tables.has(f.name)) {
          throw compileError(`Reference table ${quoteName(f.name)} can only be joined to a stream`, f.pos);
        }
        const stream = this.graph.streams.get(f.name);
        if (!stream) throw compileError(`Stream ${quoteName(f.name)} not found`, f.pos);
        if (stream.kind === "error") throw compileError("error_stream cannot be read by application code", f.pos);
        return { stream, scope: singleRelationScope(f.alias ?? f.name, stream.columns), sources: [stream.name] };
      }
      case "subquery": {
        const inner = this.query(f.query, pumpName);
        const columns = renameColumns(inner.columns, f.columnAliases, f.pos);
        const stream = this.internalStream(columns);
        inner.connect((rows) => stream.emit(rows), stream);
        return { stream, scope: singleRelationScope(f.alias ?? stream.name, columns), sources: inner.sources };
      }
      case "tableFunction": {
        const planned = planTableFunction(f, {
          query: (q) => this.query(q, pumpName),
          plain: (scope) => new ExprCompiler(scope, this.env),
          onError: (err, row) => this.reportError(pumpName, err, row),
          seed: this.options.randomSeed,
        });
        const columns = renameColumns(planned.columns, f.columnAliases, f.pos);
        const stream = this.internalStream(columns);
        const input = this.internalStream(planned.input.columns);
        planned.input.connect((rows) => input.emit(rows), input);
        const op = planned.create((rows) => stream.emit(rows));
        this.graph.nodes.push({ pumpName, op, inputs: [input], output: stream });
        return { stream, scope: singleRelationScope(f.alias ?? f.name, columns), sources: planned.input.sources };
      }
      case "join":
        return this.join(f, pumpName, windows);
    }
  }

  /**
   * `table [INNER | RIGHT | CROSS] JOIN stream`: the same lookup as `stream JOIN table`, with the table's
   * columns first. A table has no time at which to emit its unmatched rows, so LEFT and FULL are refused.
   */
  private tableFirstJoin(f: A.JoinFrom, pumpName: string, windows: Map<string, A.WindowSpec>): Source {
    const tableFrom = f.left as A.StreamFrom;
    const table = this.graph.tables.get(tableFrom.name) as ReferenceTableState;
    if (f.right.type === "stream" && this.graph.tables.has(f.right.name)) {
      throw compileError("Two reference tables cannot be joined; join each of them to a stream", f.pos);
    }
    if (f.kind === "LEFT" || f.kind === "FULL") {
      throw compileError(
        `${f.kind} joins from a reference table to a stream are not supported: a table has no time to emit its unmatched rows at (put the stream first)`,
        f.pos,
      );
    }
    if (tableFrom.window !== undefined) throw compileError("A reference table cannot have a window", f.pos);
    const onError: ErrorSink = (err, row) => this.reportError(pumpName, err, row);
    const stream = this.from(f.right, pumpName, windows);
    const tw = table.columns.length + 1;
    const sw = stream.scope.width;
    const rel: Relation = { name: tableFrom.alias ?? table.name, columns: table.columns, offset: 0, rowtimeSlot: tw - 1 };
    const shifted = stream.scope.relations.map((r) => ({ ...r, offset: r.offset + tw, rowtimeSlot: r.rowtimeSlot + tw }));
    if (shifted.some((r) => r.name === rel.name)) throw compileError(`Relation name ${quoteName(rel.name)} is used twice; give one an alias`, f.pos);
    const scope: Scope = { relations: [rel, ...shifted], rowtimeSlot: tw + sw, width: tw + sw + 1 };
    const on = f.on ? new ExprCompiler(scope, this.env).compileBoolean(f.on, "ON").fn : undefined;
    const keys = f.on ? equiKeys(f.on, { relations: [rel], rowtimeSlot: tw - 1, width: tw }, stream.scope, this.env) : undefined;
    const out = this.internalStream(placeholderColumns(scope.width - 1));
    const op = new TableJoin(sw, tw, keys?.right, keys?.left, on, f.kind === "RIGHT", (rows) => out.emit(rows), onError, true);
    op.setRows(table.rows);
    table.joins.push(op);
    this.graph.nodes.push({ pumpName, op, inputs: [stream.stream], output: out });
    return { stream: out, scope, sources: stream.sources };
  }

  private internalStream(columns: ColumnInfo[]): InAppStream {
    return new InAppStream(`$internal${++this.anonymous}`, columns, "internal");
  }

  private join(f: A.JoinFrom, pumpName: string, windows: Map<string, A.WindowSpec>): Source {
    if (f.left.type === "stream" && this.graph.tables.has(f.left.name)) return this.tableFirstJoin(f, pumpName, windows);
    const left = this.from(f.left, pumpName, windows);
    const onError: ErrorSink = (err, row) => this.reportError(pumpName, err, row);
    const lw = left.scope.width;
    if (f.right.type === "stream" && this.graph.tables.has(f.right.name)) {
      const table = this.graph.tables.get(f.right.name) as ReferenceTableState;
      if (f.kind === "RIGHT" || f.kind === "FULL") {
        throw compileError("RIGHT and FULL joins to a reference table are not supported: a table has no time to emit its rows at", f.pos);
      }
      const tw = table.columns.length + 1;
      const rel: Relation = { name: f.right.alias ?? table.name, columns: table.columns, offset: lw, rowtimeSlot: lw + tw - 1 };
      const scope: Scope = { relations: [...left.scope.relations, rel], rowtimeSlot: lw + tw, width: lw + tw + 1 };
      const on = f.on ? new ExprCompiler(scope, this.env).compileBoolean(f.on, "ON").fn : undefined;
      const keys = f.on ? equiKeys(f.on, left.scope, { relations: [{ ...rel, offset: 0, rowtimeSlot: tw - 1 }], rowtimeSlot: tw - 1, width: tw }, this.env) : undefined;
      const stream = this.internalStream(placeholderColumns(scope.width - 1));
      const op = new TableJoin(lw, tw, keys?.left, keys?.right, on, f.kind === "LEFT", (rows) => stream.emit(rows), onError);
      op.setRows(table.rows);
      table.joins.push(op);
      this.graph.nodes.push({ pumpName, op, inputs: [left.stream], output: stream });
      return { stream, scope, sources: left.sources };
    }
    const right = this.from(f.right, pumpName, windows);
    const rw = right.scope.width;
    const shifted = right.scope.relations.map((r) => ({ ...r, offset: r.offset + lw, rowtimeSlot: r.rowtimeSlot + lw }));
    const scope: Scope = { relations: [...left.scope.relations, ...shifted], rowtimeSlot: lw + rw, width: lw + rw + 1 };
    for (const r of shifted) {
      if (left.scope.relations.some((l) => l.name === r.name)) throw compileError(`Relation name ${quoteName(r.name)} is used twice; give one an alias`, f.pos);
    }
    const on = f.on ? new ExprCompiler(scope, this.env).compileBoolean(f.on, "ON").fn : undefined;
    const keys = f.on ? equiKeys(f.on, left.scope, right.scope, this.env) : undefined;
    const side = (item: A.FromItem, s: Source, keyFns: Eval[] | undefined, outer: boolean): JoinSide => ({
      width: s.scope.width,
      window: this.joinWindow(item, windows),
      keyFns,
      outer,
    });
    const stream = this.internalStream(placeholderColumns(scope.width - 1));
    const op = new StreamJoin(
      side(f.left, left, keys?.left, f.kind === "LEFT" || f.kind === "FULL"),
      side(f.right, right, keys?.right, f.kind === "RIGHT" || f.kind === "FULL"),
      on,
      this.options,
      (rows) => stream.emit(rows),
      onError,
    );
    this.graph.nodes.push({ pumpName, op, inputs: [left.stream, right.stream], output: stream });
    return { stream, scope, sources: [...left.sources, ...right.sources] };
  }

  private joinWindow(item: A.FromItem, windows: Map<string, A.WindowSpec>): JoinWindow {
    if (item.type !== "stream" || !item.window) return { kind: "NONE" };
    let spec: A.WindowSpec | undefined;
    if (item.window.kind === "name") {
      spec = windows.get(item.window.name);
      if (!spec) throw compileError(`Window ${quoteName(item.window.name)} is not defined`, item.window.pos);
    } else spec = item.window.spec;
    const f = spec.frame;
    if (!f) throw compileError("A join window needs RANGE INTERVAL ... PRECEDING or ROWS n PRECEDING", spec.pos);
    if (f.kind === "ROWS") {
      if (f.count === "UNBOUNDED") throw compileError("A join window must be bounded", spec.pos);
      return { kind: "ROWS", n: f.count };
    }
    if (f.interval === "UNBOUNDED") throw compileError("A join window must be bounded", spec.pos);
    return { kind: "RANGE", ms: this.rangeMs(f.interval, new ExprCompiler(singleRelationScope("$", []), this.env)) };
  }
}

export class OutOfOrderRowtime extends Error {
  constructor(rowtime: number, last: number) {
    super(`ROWTIME ${new Date(rowtime).toISOString()} is earlier than the stream's last ROWTIME ${new Date(last).toISOString()}`);
  }
}

function hasOver(e: A.Expr): boolean {
  let found = false;
  const visit = (x: unknown): void => {
    if (found || x === null || typeof x !== "object") return;
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    const o = x as Record<string, unknown>;
    if (o.type === "call" && o.over) {
      found = true;
      return;
    }
    for (const k of Object.keys(o)) if (k !== "pos") visit(o[k]);
  };
  visit(e);
  return found;
}

/** Replaces references to SELECT aliases by the aliased expressions, unless an input column has that name. */
function substituteAliases(e: A.Expr, items: A.SelectItem[], scope: Scope): A.Expr {
  const isColumn = (name: string): boolean => name === "ROWTIME" || scope.relations.some((r) => r.columns.some((c) => c.name === name));
  const walk = (x: unknown): unknown => {
    if (x === null || typeof x !== "object") return x;
    if (Array.isArray(x)) return x.map(walk);
    const o = x as Record<string, unknown>;
    if (o.type === "column") {
      const parts = o.parts as string[];
      if (parts.length === 1 && !isColumn(parts[0] as string)) {
        const item = items.find((i) => i.alias === parts[0]);
        if (item) return item.expr;
      }
      return x;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) out[k] = k === "pos" ? v : walk(v);
    return out;
  };
  return walk(e) as A.Expr;
}

function renameColumns(columns: ColumnInfo[], aliases: string[] | undefined, pos: SourcePos): ColumnInfo[] {
  if (!aliases) return columns;
  if (aliases.length !== columns.length) {
    throw compileError(`${aliases.length} column aliases given for ${columns.length} columns`, pos);
  }
  return columns.map((c, i) => ({ name: aliases[i] as string, type: c.type }));
}

function placeholderColumns(n: number): ColumnInfo[] {
  return Array.from({ length: n }, (_, i) => ({ name: `$${i}`, type: T.ANY }));
}

/** Whether two key types hash to the same representation (numbers, strings, scaled bigints). */
function sameRepresentation(a: SqlType, b: SqlType): boolean {
  if (isDecimal(a) || isDecimal(b)) return isDecimal(a) && isDecimal(b) && (a.scale ?? 0) === (b.scale ?? 0);
  if (isNumeric(a) && isNumeric(b)) return true;
  if (isString(a) && isString(b)) return a.kind === "VARCHAR" && b.kind === "VARCHAR";
  return a.kind === b.kind && a.kind !== "BINARY" && a.kind !== "VARBINARY";
}

/**
 * Finds `l = r` conjuncts of an ON condition whose sides read only the left and only the right input,
 * compiled against each side's own row, for hash lookups. The full ON is still evaluated on each match.
 */
function equiKeys(on: A.Expr, left: Scope, right: Scope, env: BuildEnv): { left: Eval[]; right: Eval[] } | undefined {
  const conj: A.Expr[] = [];
  const flatten = (e: A.Expr): void => {
    if (e.type === "binary" && e.op === "AND") {
      flatten(e.left);
      flatten(e.right);
    } else conj.push(e);
  };
  flatten(on);
  const lc = new ExprCompiler(left, env);
  const rc = new ExprCompiler(right, env);
  const tryCompile = (c: ExprCompiler, e: A.Expr): Bound | undefined => {
    try {
      const b = c.compile(e);
      return b.constant ? undefined : b;
    } catch {
      return undefined;
    }
  };
  const lk: Eval[] = [];
  const rk: Eval[] = [];
  for (const e of conj) {
    if (e.type !== "binary" || e.op !== "=") continue;
    let l = tryCompile(lc, e.left);
    let r = tryCompile(rc, e.right);
    if (!l || !r) {
      l = tryCompile(lc, e.right);
      r = tryCompile(rc, e.left);
    }
    if (!l || !r || !sameRepresentation(l.type, r.type)) continue;
    lk.push(l.fn);
    rk.push(r.fn);
  }
  return lk.length > 0 ? { left: lk, right: rk } : undefined;
}
