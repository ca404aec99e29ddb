/**
 * Table functions over a CURSOR: TOP_K_ITEMS_TUMBLING, COUNT_DISTINCT_ITEMS_TUMBLING, RANDOM_CUT_FOREST,
 * RANDOM_CUT_FOREST_WITH_EXPLANATION and HOTSPOTS. Each reads the cursor query's rows and writes rows of its
 * documented shape.
 */
import type * as A from "./ast.js";
import type { ExprCompiler } from "./compile-expr.js";
import { compileError } from "./errors.js";
import type { Emit, ErrorSink, Operator } from "./operators/operator.js";
import { CountDistinctTumbling, TopKTumbling } from "./operators/tumbling-table-functions.js";
import { RandomCutForestOp, RCF_DEFAULTS } from "./operators/random-cut-forest.js";
import { HotspotsOp } from "./operators/hotspots.js";
import { GroupRank } from "./operators/group-rank.js";
import type { PlannedQuery } from "./planner.js";
import { singleRelationScope, type ColumnInfo, type Scope } from "./scope.js";
import { T, isApprox, isExactInteger, varchar } from "./types.js";

export const TUMBLING_WINDOW_SECONDS_MIN = 1;
export const TUMBLING_WINDOW_SECONDS_MAX = 3600;
export const TOP_K_MAX = 100_000;
export const RCF_EXPLANATION_CHARS_MAX = 20_000;
export const HOTSPOTS_RESULT_CHARS_MAX = 20_000;

export interface TableFunctionContext {
  query(q: A.SelectStmt): PlannedQuery;
  plain(scope: Scope): ExprCompiler;
  onError: ErrorSink;
  seed: number;
}

export interface PlannedTableFunction {
  input: PlannedQuery;
  columns: ColumnInfo[];
  create(emit: Emit): Operator;
}

function constArg(f: A.TableFunctionFrom, i: number, ctx: TableFunctionContext, dflt?: unknown): unknown {
  const a = f.args[i];
  if (!a) {
    if (dflt !== undefined) return dflt;
    throw compileError(`${f.name} needs argument ${i + 1}`, f.pos);
  }
  if (a.kind !== "expr") throw compileError(`Argument ${i + 1} of ${f.name} must be a constant`, a.pos);
  const b = ctx.plain(singleRelationScope("$", [])).compile(a.expr);
  if (!b.constant) throw compileError(`Argument ${i + 1} of ${f.name} must be a constant`, a.expr.pos);
  const v = b.fn([]);
  // NULL or DEFAULT-like arguments take the documented default.
  return v == null && dflt !== undefined ? dflt : typeof v === "bigint" ? Number(v) : v;
}

function intArg(f: A.TableFunctionFrom, i: number, ctx: TableFunctionContext, min: number, max: number, dflt?: number): number {
  const v = Number(constArg(f, i, ctx, dflt));
  if (!Number.isInteger(v) || v < min || v > max) {
    throw compileError(`Argument ${i + 1} of ${f.name} must be an integer from ${min} to ${max}`, f.pos);
  }
  return v;
}

function columnIndex(columns: ColumnInfo[], name: string, f: A.TableFunctionFrom): number {
  let i = columns.findIndex((c) => c.name === name);
  if (i < 0) i = columns.findIndex((c) => c.name.toUpperCase() === name.toUpperCase());
  if (i < 0) throw compileError(`Column '${name}' not found in the cursor of ${f.name}`, f.pos);
  return i;
}

export function planTableFunction(f: A.TableFunctionFrom, ctx: TableFunctionContext): PlannedTableFunction {
  const cursor = f.args[0];
  if (!cursor || cursor.kind !== "cursor") throw compileError(`The first argument of ${f.name} must be CURSOR(SELECT STREAM ...)`, f.pos);
  const input = ctx.query(cursor.query);
  const cols = input.columns;
  const rts = cols.length;
  switch (f.name) {
    case "TOP_K_ITEMS_TUMBLING": {
      const idx = columnIndex(cols, String(constArg(f, 1, ctx)), f);
      const k = intArg(f, 2, ctx, 1, TOP_K_MAX);
      const seconds = intArg(f, 3, ctx, TUMBLING_WINDOW_SECONDS_MIN, TUMBLING_WINDOW_SECONDS_MAX);
      return {
        input,
        columns: [cols[idx] as ColumnInfo, { name: "MOST_FREQUENT_VALUES", type: T.BIGINT }],
        create: (emit) => new TopKTumbling((r) => r[idx], k, seconds * 1000, rts, emit, ctx.onError),
      };
    }
    case "COUNT_DISTINCT_ITEMS_TUMBLING": {
      const idx = columnIndex(cols, String(constArg(f, 1, ctx)), f);
      const seconds = intArg(f, 2, ctx, TUMBLING_WINDOW_SECONDS_MIN, TUMBLING_WINDOW_SECONDS_MAX);
      return {
        input,
        columns: [{ name: "NUMBER_OF_DISTINCT_ITEMS", type: T.BIGINT }],
        create: (emit) => new CountDistinctTumbling((r) => r[idx], seconds * 1000, rts, emit, ctx.onError),
      };
    }
    case "RANDOM_CUT_FOREST":
    case "RANDOM_CUT_FOREST_WITH_EXPLANATION": {
      const explain = f.name.endsWith("EXPLANATION");
      const numeric = cols.map((c, i) => ({ c, i })).filter(({ c }) => isExactInteger(c.type) || isApprox(c.type));
      if (numeric.length === 0) throw compileError(`${f.name} needs at least one numeric (non-DECIMAL) column`, f.pos);
      const params = {
        numberOfTrees: intArg(f, 1, ctx, 1, 1000, RCF_DEFAULTS.numberOfTrees),
        subSampleSize: intArg(f, 2, ctx, 10, 1000, RCF_DEFAULTS.subSampleSize),
        timeDecay: intArg(f, 3, ctx, 1, 2 ** 31 - 1, RCF_DEFAULTS.timeDecay),
        shingleSize: intArg(f, 4, ctx, 1, 30, RCF_DEFAULTS.shingleSize),
        withDirectionality: explain ? Boolean(constArg(f, 5, ctx, false)) : false,
      };
      const out: ColumnInfo[] = [...cols, { name: "ANOMALY_SCORE", type: T.DOUBLE }];
      if (explain) out.push({ name: "ANOMALY_EXPLANATION", type: varchar(RCF_EXPLANATION_CHARS_MAX) });
      return {
        input,
        columns: out,
        create: (emit) =>
          new RandomCutForestOp(
            numeric.map(({ i }) => i),
            numeric.map(({ c }) => c.name),
            params,
            explain,
            ctx.seed,
            emit,
            ctx.onError,
          ),
      };
    }
    case "HOTSPOTS": {
      const numeric = cols.map((c, i) => ({ c, i })).filter(({ c }) => isExactInteger(c.type) || isApprox(c.type));
      if (numeric.length === 0) throw compileError("HOTSPOTS needs at least one numeric (non-DECIMAL) column", f.pos);
      const windowSize = intArg(f, 1, ctx, 1, 1_000_000);
      const scanRadius = Number(constArg(f, 2, ctx));
      const minPoints = intArg(f, 3, ctx, 2, 1_000_000);
      if (!(scanRadius > 0)) throw compileError("HOTSPOTS scanRadius must be positive", f.pos);
      return {
        input,
        columns: [...cols, { name: "HOTSPOTS_RESULT", type: varchar(HOTSPOTS_RESULT_CHARS_MAX) }],
        create: (emit) => new HotspotsOp(numeric.map(({ i }) => i), windowSize, scanRadius, minPoints, emit, ctx.onError),
      };
    }
    case "GROUP_RANK": {
      const rankBy = columnIndex(cols, String(constArg(f, 1, ctx)), f);
      const outName = String(constArg(f, 2, ctx, "groupRank"));
      const order = (s: unknown): boolean => {
        const t = String(s).toUpperCase();
        if (t !== "ASC" && t !== "DESC") throw compileError(`${f.name} sort orders are 'ASC' or 'DESC'`, f.pos);
        return t === "DESC";
      };
      const descending = order(constArg(f, 3, ctx, "ASC"));
      const outputDescending = order(constArg(f, 4, ctx, "ASC"));
      const maxIdleMs = Number(constArg(f, 5, ctx, 0));
      const outputMax = intArg(f, 6, ctx, 1, 2 ** 31 - 1, 2 ** 31 - 1);
      const existing = cols.findIndex((c) => c.name === outName);
      if (existing >= 0 && !isExactInteger(cols[existing]!.type) && !isApprox(cols[existing]!.type)) {
        throw compileError(`${f.name}'s rank column "${outName}" must be numeric`, f.pos);
      }
      const addsColumn = existing < 0;
      return {
        input,
        columns: addsColumn ? [...cols, { name: outName, type: T.INTEGER }] : cols,
        create: (emit) =>
          new GroupRank(
            { rankBy, rankOut: addsColumn ? cols.length : existing, addsColumn, descending, outputDescending, maxIdleMs, outputMax },
            emit,
            ctx.onError,
          ),
      };
    }
    default:
      throw compileError(`Unknown table function ${f.name}`, f.pos);
  }
}
