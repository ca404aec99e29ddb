/**
 * Binds expressions to a scope and compiles them to JavaScript closures (never to generated source text).
 * Each compiled expression knows its SQL type, whether it is constant, and whether it is monotonic in
 * ROWTIME (the streaming GROUP BY rule). NULL follows SQL's three-valued logic throughout.
 */
import type * as A from "./ast.js";
import { compileError, RowError, type SourcePos } from "./errors.js";
import { addMonths, ceilTimestamp, extractField, floorTimestamp, nextUnitStart } from "./datetime.js";
import { AGGREGATES, type AggCall } from "./aggregates.js";
import { SCALAR_FUNCTIONS, type BuildEnv } from "./functions.js";
import type { Eval, Row, Scope } from "./scope.js";
import {
  T,
  UNIT_MS,
  assignable,
  decimal,
  isApprox,
  isDecimal,
  isDatetime,
  isInterval,
  isNullType,
  isNumeric,
  isString,
  numericResult,
  typeToString,
  type SqlType,
  type TimeUnit,
} from "./types.js";
import { castAllowed, converter, decimalToNumber, pow10, rescale } from "./values.js";

/** How a monotonic expression relates to ROWTIME. */
export interface Mono {
  /** The expression depends on ROWTIME and constants only, so it can be evaluated at a time bound. */
  rowtimeOnly: boolean;
  /** For STEP/FLOOR/CEIL over ROWTIME: the ROWTIME at which a group with this key ends. */
  groupEnd?: (key: unknown) => number;
}

export interface Bound {
  type: SqlType;
  fn: Eval;
  constant: boolean;
  /** Set when the expression is non-decreasing in ROWTIME. */
  mono?: Mono;
  /** Structural identity, for matching SELECT items to GROUP BY keys. */
  canon: string;
  /** Depends on no column other than ROWTIME. */
  rowtimeOnly: boolean;
}

/** Aggregation context: how aggregate calls and grouped columns map to slots of the post-aggregation row. */
export interface AggContext {
  mode: "group" | "analytic";
  /** How errors name the key list: "GROUP BY" or, for stagger windows, "PARTITION BY". */
  keysClause?: string;
  keys: { canon: string; slot: number; type: SqlType }[];
  aggs: AggCall[];
  /** Slot of the first aggregate result in the post-aggregation row. */
  aggBase: number;
  /** Slot of ROWTIME in the post-aggregation row. */
  rowtimeSlot: number;
  /** Named windows of the query (analytic mode). */
  windows: Map<string, A.WindowSpec>;
  /** The scope that aggregate arguments are bound in. */
  inputScope: Scope;
}

export class ExprCompiler {
  constructor(
    readonly scope: Scope,
    readonly env: BuildEnv,
    readonly agg?: AggContext,
  ) {}

  /** Same scope, no aggregates allowed (WHERE, aggregate arguments, GROUP BY keys). */
  plain(scope: Scope = this.scope): ExprCompiler {
    return new ExprCompiler(scope, this.env);
  }

  compile(e: A.Expr): Bound {
    if (this.agg?.mode === "group") {
      const key = this.matchGroupKey(e);
      if (key) return key;
    }
    const b = this.compileNode(e);
    return foldConstant(b);
  }

  compileBoolean(e: A.Expr, what: string): Bound {
    const b = this.compile(e);
    if (b.type.kind !== "BOOLEAN" && !isNullType(b.type)) {
      throw compileError(`${what} must be a BOOLEAN expression, not ${typeToString(b.type)}`, e.pos);
    }
    return b;
  }

  private matchGroupKey(e: A.Expr): Bound | undefined {
    const agg = this.agg as AggContext;
    if (e.type === "literal") return undefined;
    let canon: string;
    try {
      canon = this.plain(agg.inputScope).compile(e).canon;
    } catch {
      return undefined;
    }
    const key = agg.keys.find((k) => k.canon === canon);
    if (!key) return undefined;
    const slot = key.slot;
    return { type: key.type, fn: (r) => r[slot], constant: false, canon: `key#${slot}`, rowtimeOnly: false };
  }

  private compileNode(e: A.Expr): Bound {
    switch (e.type) {
      case "literal":
        return literal(e.sqlType, e.value);
      case "column":
        return this.column(e);
      case "star":
        throw compileError("'*' is not allowed here", e.pos);
      case "unary":
        return this.unary(e);
      case "binary":
        return this.binary(e);
      case "call":
        return this.call(e);
      case "case":
        return this.caseExpr(e);
      case "cast":
        return this.cast(e);
      case "between":
        return this.between(e);
      case "in":
        return this.inList(e);
      case "is":
        return this.isExpr(e);
      case "like":
        return this.like(e);
      case "intervalQualify":
        return this.intervalQualify(e);
    }
  }

  // ---- names ----
  private column(e: A.ColumnRefExpr): Bound {
    const { parts, pos } = e;
    if (this.agg?.mode === "group") {
      // Outside aggregates, only GROUP BY keys (matched above) and ROWTIME (the group's time) may be read.
      if (parts.length >= 1 && parts[parts.length - 1] === "ROWTIME") return this.rowtimeRef(this.agg.rowtimeSlot, "post");
      const clause = this.agg.keysClause ?? "GROUP BY";
      throw compileError(`Column ${parts.map(quoteName).join(".")} must appear in ${clause} or inside an aggregate function`, pos);
    }
    const rels = this.scope.relations;
    // Try [relation, column, fields...] first, then [column, fields...].
    if (parts.length >= 2) {
      const rel = rels.find((r) => r.name === parts[0]);
      if (rel) return this.columnOf(rel, parts[1] as string, parts.slice(2), pos);
      // Schema-qualified: [schema, relation, column, ...]
      if (parts.length >= 3) {
        const rel2 = rels.find((r) => r.name === parts[1]);
        if (rel2) return this.columnOf(rel2, parts[2] as string, parts.slice(3), pos);
      }
    }
    const name = parts[0] as string;
    if (name === "ROWTIME" && parts.length === 1) return this.rowtimeRef(this.scope.rowtimeSlot, "");
    const matches = rels.filter((r) => r.columns.some((c) => c.name === name));
    if (matches.length === 0) {
      const hint = rels.flatMap((r) => r.columns).find((c) => c.name.toUpperCase() === name.toUpperCase());
      throw compileError(
        `Column ${quoteName(name)} not found` + (hint ? ` (did you mean ${quoteName(hint.name)}? quoted names are case-sensitive)` : ""),
        pos,
      );
    }
    if (matches.length > 1) throw compileError(`Column ${quoteName(name)} is ambiguous`, pos);
    return this.columnOf(matches[0] as Scope["relations"][number], name, parts.slice(1), pos);
  }

  private rowtimeRef(slot: number, tag: string): Bound {
    return {
      type: T.TIMESTAMP,
      fn: (r) => r[slot],
      constant: false,
      canon: `rowtime${tag}#${slot}`,
      mono: { rowtimeOnly: true, groupEnd: (k) => k as number },
      rowtimeOnly: true,
    };
  }

  private columnOf(rel: Scope["relations"][number], name: string, fields: string[], pos: SourcePos): Bound {
    if (name === "ROWTIME") {
      if (fields.length > 0) throw compileError("ROWTIME has no fields", pos);
      return this.rowtimeRef(rel.rowtimeSlot, "");
    }
    const idx = rel.columns.findIndex((c) => c.name === name);
    if (idx < 0) throw compileError(`Column ${quoteName(name)} not found in ${quoteName(rel.name)}`, pos);
    const slot = rel.offset + idx;
    let type = (rel.columns[idx] as { type: SqlType }).type;
    let fn: Eval = (r) => r[slot];
    let canon = `col#${slot}`;
    for (const f of fields) {
      if (type.kind !== "ROW") throw compileError(`${quoteName(name)} is not a ROW and has no field ${quoteName(f)}`, pos);
      const fi = (type.fields ?? []).findIndex((x) => x.name === f || x.name.toUpperCase() === f);
      if (fi < 0) throw compileError(`Field ${quoteName(f)} not found`, pos);
      const inner = fn;
      fn = (r) => {
        const v = inner(r) as unknown[] | null;
        return v == null ? null : (v[fi] ?? null);
      };
      type = (type.fields as { type: SqlType }[])[fi]!.type;
      canon += `.${fi}`;
    }
    return { type, fn, constant: false, canon, rowtimeOnly: false };
  }

  // ---- operators ----
  private unary(e: A.UnaryExpr): Bound {
    const a = this.compile(e.operand);
    if (e.op === "NOT") {
      expectBoolean(a, e.pos);
      const f = a.fn;
      return derived(T.BOOLEAN, (r) => {
        const v = f(r);
        return v == null ? null : !v;
      }, [a], `not(${a.canon})`);
    }
    if (!isNumeric(a.type) && !isInterval(a.type) && !isNullType(a.type)) {
      throw compileError(`Cannot apply unary ${e.op} to ${typeToString(a.type)}`, e.pos);
    }
    if (e.op === "+") return a;
    const f = a.fn;
    return derived(a.type, (r) => {
      const v = f(r);
      return v == null ? null : typeof v === "bigint" ? -v : -(v as number);
    }, [a], `neg(${a.canon})`);
  }

  private binary(e: A.BinaryExpr): Bound {
    const a = this.compile(e.left);
    const b = this.compile(e.right);
    switch (e.op) {
      case "AND":
      case "OR":
        return logical(e.op, a, b, e.pos);
      case "=":
      case "<>":
      case "<":
      case "<=":
      case ">":
      case ">=":
        return comparison(e.op, a, b, e.pos);
      case "||":
        return concat(a, b, e.pos);
      default:
        return arithmetic(e.op, a, b, e.pos);
    }
  }

  private caseExpr(e: A.CaseExpr): Bound {
    const operand = e.operand ? this.compile(e.operand) : undefined;
    const condBounds: Bound[] = [];
    const thens: Bound[] = [];
    for (const w of e.whens) {
      if (operand) condBounds.push(comparison("=", operand, this.compile(w.when), w.when.pos));
      else condBounds.push(this.compileBoolean(w.when, "CASE WHEN condition"));
      thens.push(this.compile(w.then));
    }
    const conds = condBounds.map((c) => c.fn);
    const elseB = e.elseExpr ? this.compile(e.elseExpr) : literal(T.NULL, null);
    const all = [...thens, elseB];
    const type = commonType(all.map((x) => x.type), e.pos);
    const thenFns = thens.map((t) => coerceFn(t, type));
    const elseFn = coerceFn(elseB, type);
    const n = conds.length;
    const fn: Eval = (r) => {
      for (let k = 0; k < n; k++) if ((conds[k] as Eval)(r) === true) return (thenFns[k] as Eval)(r);
      return elseFn(r);
    };
    return derived(type, fn, [...condBounds, ...all], `case(${[...condBounds, ...all].map((x) => x.canon).join(",")})`);
  }

  private cast(e: A.CastExpr): Bound {
    const a = this.compile(e.expr);
    if (!castAllowed(a.type, e.target)) {
      throw compileError(`Cannot cast ${typeToString(a.type)} to ${typeToString(e.target)}`, e.pos);
    }
    const conv = converter(a.type, e.target);
    const f = a.fn;
    const fn: Eval = conv
      ? (r) => {
          const v = f(r);
          return v == null ? null : conv(v);
        }
      : f;
    const out = derived(e.target, fn, [a], `cast(${a.canon},${typeToString(e.target)})`);
    if (a.mono) out.mono = { rowtimeOnly: a.mono.rowtimeOnly };
    return out;
  }

  private between(e: A.BetweenExpr): Bound {
    const x = this.compile(e.expr);
    const lo = comparison(">=", x, this.compile(e.low), e.pos);
    const hi = comparison("<=", x, this.compile(e.high), e.pos);
    const r = logical("AND", lo, hi, e.pos);
    return e.not ? notOf(r) : r;
  }

  private inList(e: A.InExpr): Bound {
    const x = this.compile(e.expr);
    const eqs = e.list.map((item) => comparison("=", x, this.compile(item), item.pos).fn);
    const fn: Eval = (r) => {
      let sawNull = false;
      for (const eq of eqs) {
        const v = eq(r);
        if (v === true) return true;
        if (v == null) sawNull = true;
      }
      return sawNull ? null : false;
    };
    const b = derived(T.BOOLEAN, fn, [x], `in(${x.canon})`);
    b.constant = false;
    return e.not ? notOf(b) : b;
  }

  private isExpr(e: A.IsExpr): Bound {
    const a = this.compile(e.expr);
    const f = a.fn;
    let fn: Eval;
    switch (e.what) {
      case "NULL":
      case "UNKNOWN":
        fn = (r) => f(r) == null;
        break;
      case "TRUE":
        fn = (r) => f(r) === true;
        break;
      case "FALSE":
        fn = (r) => f(r) === false;
        break;
    }
    const b = derived(T.BOOLEAN, fn, [a], `is${e.what}(${a.canon})`);
    if (!e.not) return b;
    const g = b.fn;
    return derived(T.BOOLEAN, (r) => !g(r), [b], `not(${b.canon})`);
  }

  private like(e: A.LikeExpr): Bound {
    const s = this.compile(e.expr);
    const p = this.compile(e.pattern);
    const esc = e.escape ? this.compile(e.escape) : undefined;
    if (!isString(s.type) && !isNullType(s.type)) throw compileError(`LIKE needs a character string, not ${typeToString(s.type)}`, e.pos);
    const toRegex = e.similar ? similarToRegex : likeToRegex;
    const sf = s.fn;
    let fn: Eval;
    if (p.constant && (!esc || esc.constant)) {
      const pat = p.fn([]);
      const escape = esc ? (esc.fn([]) as string | null) : null;
      if (pat == null) fn = () => null;
      else {
        const re = toRegex(pat as string, escape, e.pos);
        fn = (r) => {
          const v = sf(r);
          return v == null ? null : re.test(v as string);
        };
      }
    } else {
      const pf = p.fn;
      const ef = esc?.fn;
      fn = (r) => {
        const v = sf(r);
        const pat = pf(r);
        if (v == null || pat == null) return null;
        return toRegex(pat as string, ef ? (ef(r) as string | null) : null, e.pos).test(v as string);
      };
    }
    const b = derived(T.BOOLEAN, fn, [s, p], `like(${s.canon},${p.canon},${e.similar})`);
    return e.not ? notOf(b) : b;
  }

  private intervalQualify(e: A.IntervalQualifyExpr): Bound {
    const a = this.compile(e.expr);
    if (!isInterval(a.type) && !isNullType(a.type)) {
      throw compileError(`Only a datetime difference can be qualified with ${e.unit}, not ${typeToString(a.type)}`, e.pos);
    }
    const b: Bound = { ...a, type: { kind: "INTERVAL_DAY_TIME", startUnit: e.unit, endUnit: e.unit }, canon: `iq(${a.canon},${e.unit})` };
    // Truncate to whole units of the qualifier, as SQL's (a - b) SECOND does.
    const unitMs = UNIT_MS[e.unit];
    const f = a.fn;
    if (Number.isFinite(unitMs) && unitMs > 1) {
      b.fn = (r) => {
        const v = f(r) as number | null;
        return v == null ? null : Math.trunc(v / unitMs) * unitMs;
      };
    }
    return b;
  }

  // ---- calls ----
  private call(e: A.CallExpr): Bound {
    const aggDef = AGGREGATES[e.name];
    if (aggDef) return this.aggregateCall(e);
    switch (e.name) {
      case "STEP":
        return this.step(e);
      case "FLOOR":
      case "CEIL":
        if (e.unit) return this.floorCeilTo(e);
        break;
      case "MONOTONIC": {
        if (e.args.length !== 1) throw compileError("MONOTONIC takes one argument", e.pos);
        const a = this.compile(e.args[0] as A.Expr);
        return { ...a, mono: { rowtimeOnly: a.rowtimeOnly, ...(a.mono?.groupEnd ? { groupEnd: a.mono.groupEnd } : {}) }, canon: `mono(${a.canon})` };
      }
      case "EXTRACT":
        return this.extract(e);
    }
    const def = SCALAR_FUNCTIONS[e.name];
    if (!def) throw compileError(`Unknown function ${e.name}`, e.pos);
    if (e.over) throw compileError(`${e.name} is not an analytic function`, e.pos);
    if (e.args.length < def.minArgs || e.args.length > def.maxArgs) {
      const n = def.minArgs === def.maxArgs ? `${def.minArgs}` : `${def.minArgs} to ${def.maxArgs}`;
      throw compileError(`${e.name} takes ${n} argument(s), not ${e.args.length}`, e.pos);
    }
    const args = e.args.map((a) => this.compile(a));
    const type = def.type(args, e);
    const fn = def.build(args, e, this.env);
    const b = derived(type, fn, args, `${e.name}(${args.map((x) => x.canon).join(",")})`);
    if (def.volatile) b.constant = false;
    // FLOOR/CEIL of a monotonic number stay monotonic.
    if ((e.name === "FLOOR" || e.name === "CEIL") && args[0]?.mono) b.mono = { rowtimeOnly: args[0].mono.rowtimeOnly };
    return b;
  }

  private aggregateCall(e: A.CallExpr): Bound {
    const agg = this.agg;
    const def = AGGREGATES[e.name]!;
    if (!agg) throw compileError(`Aggregate function ${e.name} is not allowed here`, e.pos);
    if (agg.mode === "group" && e.over) throw compileError(`${e.name} OVER cannot be combined with GROUP BY`, e.pos);
    if (agg.mode === "analytic" && !e.over) {
      throw compileError(`${e.name} needs an OVER clause in a query that is not grouped`, e.pos);
    }
    if (def.analyticOnly && agg.mode !== "analytic") throw compileError(`${e.name} needs an OVER clause`, e.pos);
    if (e.distinct && agg.mode === "group") {
      // Documented restriction of the dialect.
      throw compileError(`COUNT(DISTINCT ...) is not supported in a streaming GROUP BY`, e.pos);
    }
    const inner = this.plain(agg.inputScope);
    const star = e.args.length === 1 && e.args[0]?.type === "star";
    const args = star ? [] : e.args.map((a) => inner.compile(a));
    if (args.length < def.minArgs || args.length > def.maxArgs) {
      if (!(star && e.name === "COUNT")) throw compileError(`${e.name} takes ${def.minArgs} to ${def.maxArgs} argument(s)`, e.pos);
    }
    const type = def.type(args.map((a) => a.type), e);
    let window: A.WindowSpec | undefined;
    if (e.over) {
      if (e.over.kind === "name") {
        window = agg.windows.get(e.over.name);
        if (!window) throw compileError(`Window ${quoteName(e.over.name)} is not defined`, e.over.pos);
      } else if (e.over.spec.baseName !== undefined) {
        const base = agg.windows.get(e.over.spec.baseName);
        if (!base) throw compileError(`Window ${quoteName(e.over.spec.baseName)} is not defined`, e.over.spec.pos);
        window = { ...base, ...(e.over.spec.frame ? { frame: e.over.spec.frame } : {}) };
      } else window = e.over.spec;
    }
    const canon = `agg:${e.name}(${args.map((a) => a.canon).join(",")})${e.distinct ? "D" : ""}${window ? `@${windowCanon(window)}` : ""}${e.ignoreNulls ? "IN" : ""}`;
    let existing = agg.aggs.find((a) => a.canon === canon);
    if (!existing) {
      existing = {
        name: e.name,
        args,
        type,
        canon,
        slot: agg.aggBase + agg.aggs.length,
        distinct: e.distinct === true,
        ignoreNulls: e.ignoreNulls === true,
        pos: e.pos,
        ...(window ? { window } : {}),
      };
      agg.aggs.push(existing);
    }
    const slot = existing.slot;
    return { type, fn: (r) => r[slot], constant: false, canon, rowtimeOnly: false };
  }

  private step(e: A.CallExpr): Bound {
    const [xe, ye] = e.args;
    if (!xe || !ye) throw compileError("STEP needs (expression BY step)", e.pos);
    const x = this.compile(xe);
    const y = this.compile(ye);
    if (!y.constant) throw compileError("The STEP size must be a constant", ye.pos);
    const stepV = y.fn([]);
    let fn: Eval;
    let groupEnd: ((k: unknown) => number) | undefined;
    const f = x.fn;
    if (isDatetime(x.type)) {
      if (y.type.kind !== "INTERVAL_DAY_TIME") throw compileError("STEP over a datetime needs a day-time INTERVAL", ye.pos);
      const ms = stepV as number;
      if (!(ms > 0)) throw compileError("The STEP size must be positive", ye.pos);
      fn = (r) => {
        const v = f(r) as number | null;
        return v == null ? null : Math.floor(v / ms) * ms;
      };
      if (x.type.kind === "TIMESTAMP") groupEnd = (k) => (k as number) + ms;
    } else if (isNumeric(x.type) && isNumeric(y.type)) {
      const sv = isDecimal(y.type) ? decimalToNumber(stepV as bigint, y.type.scale ?? 0) : (stepV as number);
      if (!(sv > 0)) throw compileError("The STEP size must be positive", ye.pos);
      if (isDecimal(x.type)) {
        const stepScaled = BigInt(Math.round(sv * Number(pow10(x.type.scale ?? 0))));
        fn = (r) => {
          const v = f(r) as bigint | null;
          if (v == null) return null;
          const q = v / stepScaled;
          return (v < 0n && q * stepScaled !== v ? q - 1n : q) * stepScaled;
        };
      } else {
        fn = (r) => {
          const v = f(r) as number | null;
          return v == null ? null : Math.floor(v / sv) * sv;
        };
      }
    } else if (isInterval(x.type)) {
      const sv = stepV as number;
      fn = (r) => {
        const v = f(r) as number | null;
        return v == null ? null : Math.floor(v / sv) * sv;
      };
    } else throw compileError(`STEP cannot round ${typeToString(x.type)}`, xe.pos);
    const b = derived(x.type, fn, [x, y], `step(${x.canon},${y.canon})`);
    if (x.mono) b.mono = { rowtimeOnly: x.mono.rowtimeOnly, ...(groupEnd && x.canon.startsWith("rowtime") ? { groupEnd } : {}) };
    return b;
  }

  private floorCeilTo(e: A.CallExpr): Bound {
    const x = this.compile(e.args[0] as A.Expr);
    const unit = e.unit as TimeUnit;
    const f = x.fn;
    const floor = e.name === "FLOOR";
    let fn: Eval;
    if (isDatetime(x.type)) {
      fn = floor
        ? (r) => {
            const v = f(r) as number | null;
            return v == null ? null : floorTimestamp(v, unit);
          }
        : (r) => {
            const v = f(r) as number | null;
            return v == null ? null : ceilTimestamp(v, unit);
          };
    } else if (x.type.kind === "INTERVAL_DAY_TIME") {
      const ms = UNIT_MS[unit];
      fn = (r) => {
        const v = f(r) as number | null;
        return v == null ? null : (floor ? Math.floor(v / ms) : Math.ceil(v / ms)) * ms;
      };
    } else throw compileError(`${e.name} ... TO ${unit} needs a datetime or interval, not ${typeToString(x.type)}`, e.pos);
    const b = derived(x.type, fn, [x], `${e.name}to(${x.canon},${unit})`);
    if (x.mono) {
      const onRowtime = x.canon.startsWith("rowtime") && x.type.kind === "TIMESTAMP";
      b.mono = {
        rowtimeOnly: x.mono.rowtimeOnly,
        ...(onRowtime ? { groupEnd: floor ? (k: unknown) => nextUnitStart(k as number, unit) : (k: unknown) => k as number } : {}),
      };
    }
    return b;
  }

  private extract(e: A.CallExpr): Bound {
    const x = this.compile(e.args[0] as A.Expr);
    const unit = e.unit as TimeUnit;
    const f = x.fn;
    let fn: Eval;
    if (isDatetime(x.type)) {
      fn = (r) => {
        const v = f(r) as number | null;
        return v == null ? null : extractField(v, unit);
      };
    } else if (x.type.kind === "INTERVAL_DAY_TIME") {
      const ms = UNIT_MS[unit];
      const mod = unit === "DAY" ? Infinity : unit === "HOUR" ? 24 : unit === "MINUTE" || unit === "SECOND" ? 60 : 1000;
      fn = (r) => {
        const v = f(r) as number | null;
        if (v == null) return null;
        const whole = Math.trunc(v / ms);
        return mod === Infinity ? whole : whole % mod;
      };
    } else if (x.type.kind === "INTERVAL_YEAR_MONTH") {
      fn = (r) => {
        const v = f(r) as number | null;
        return v == null ? null : unit === "YEAR" ? Math.trunc(v / 12) : v % 12;
      };
    } else throw compileError(`EXTRACT needs a datetime or interval, not ${typeToString(x.type)}`, e.pos);
    return derived(T.BIGINT, fn, [x], `extract(${x.canon},${unit})`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Building blocks

export function literal(type: SqlType, value: unknown): Bound {
  return { type, fn: () => value, constant: true, canon: `lit:${typeToString(type)}:${String(value)}`, rowtimeOnly: true };
}

function derived(type: SqlType, fn: Eval, args: Bound[], canon: string): Bound {
  return {
    type,
    fn,
    constant: args.every((a) => a.constant),
    canon,
    rowtimeOnly: args.every((a) => a.rowtimeOnly),
  };
}

/** Evaluates constant expressions once; a constant that fails (1/0) is left to fail per row. */
function foldConstant(b: Bound): Bound {
  if (!b.constant) return b;
  try {
    const v = b.fn([]);
    return { ...b, fn: () => v };
  } catch (err) {
    if (err instanceof RowError) return b;
    throw err;
  }
}

export function quoteName(n: string): string {
  return `"${n}"`;
}

function windowCanon(w: A.WindowSpec): string {
  return JSON.stringify({ p: w.partitionBy, f: w.frame }, (k, v: unknown) => (k === "pos" ? undefined : v));
}

function expectBoolean(b: Bound, pos: SourcePos): void {
  if (b.type.kind !== "BOOLEAN" && !isNullType(b.type)) throw compileError(`Expected a BOOLEAN operand, not ${typeToString(b.type)}`, pos);
}

function notOf(b: Bound): Bound {
  const f = b.fn;
  return derived(
    T.BOOLEAN,
    (r) => {
      const v = f(r);
      return v == null ? null : !v;
    },
    [b],
    `not(${b.canon})`,
  );
}

function logical(op: "AND" | "OR", a: Bound, b: Bound, pos: SourcePos): Bound {
  expectBoolean(a, pos);
  expectBoolean(b, pos);
  const fa = a.fn;
  const fb = b.fn;
  const fn: Eval =
    op === "AND"
      ? (r) => {
          const x = fa(r);
          if (x === false) return false;
          const y = fb(r);
          if (y === false) return false;
          return x == null || y == null ? null : true;
        }
      : (r) => {
          const x = fa(r);
          if (x === true) return true;
          const y = fb(r);
          if (y === true) return true;
          return x == null || y == null ? null : false;
        };
  return derived(T.BOOLEAN, fn, [a, b], `${op}(${a.canon},${b.canon})`);
}

/** Converts a bound expression's values to those of `type` (numeric widening, decimals, strings). */
export function coerceFn(b: Bound, type: SqlType): Eval {
  const conv = converter(b.type, type);
  if (!conv) return b.fn;
  const f = b.fn;
  if (b.constant) {
    // Convert a constant once, not per row (0.908 * price would otherwise rescale a bigint every row).
    try {
      const v = f([]);
      const c = v == null ? null : conv(v);
      return () => c;
    } catch {
      // A constant that fails to convert fails per row, so the error reaches error_stream.
    }
  }
  return (r) => {
    const v = f(r);
    return v == null ? null : conv(v);
  };
}

/** The type that all of `types` can be converted to (CASE, COALESCE, IN). */
export function commonType(types: SqlType[], pos: SourcePos): SqlType {
  let out: SqlType = T.NULL;
  for (const t of types) {
    if (isNullType(t)) continue;
    if (isNullType(out)) {
      out = t;
      continue;
    }
    if (isNumeric(out) && isNumeric(t)) {
      out = numericResult(out, t);
      if (isDecimal(out)) out = decimal(19, Math.max(out.scale ?? 0, t.scale ?? 0));
    } else if (isString(out) && isString(t)) {
      out = { kind: "VARCHAR", precision: Math.max(out.precision ?? 1, t.precision ?? 1) };
    } else if (out.kind !== t.kind && !assignable(t, out)) {
      throw compileError(`Incompatible types ${typeToString(out)} and ${typeToString(t)}`, pos);
    }
  }
  return out;
}

/** Brings two operands to one comparable representation: numbers, scaled bigints, strings, booleans. */
function comparable(a: Bound, b: Bound, pos: SourcePos): [Eval, Eval, boolean] {
  const ta = a.type;
  const tb = b.type;
  if (isNumeric(ta) && isNumeric(tb)) {
    if (isApprox(ta) || isApprox(tb) || (!isDecimal(ta) && !isDecimal(tb))) {
      return [coerceFn(a, T.DOUBLE), coerceFn(b, T.DOUBLE), false];
    }
    const s = Math.max(ta.scale ?? 0, tb.scale ?? 0);
    const target = decimal(38, s);
    return [coerceFn(a, target), coerceFn(b, target), false];
  }
  if (isString(ta) && isString(tb)) return [a.fn, b.fn, ta.kind === "CHAR" || tb.kind === "CHAR"];
  if (isNullType(ta) || isNullType(tb)) return [a.fn, b.fn, false];
  // Comparing a datetime with a string literal reads the string as that datetime.
  if (isDatetime(ta) && isString(tb)) return [a.fn, coerceFn(b, ta), false];
  if (isString(ta) && isDatetime(tb)) return [coerceFn(a, tb), b.fn, false];
  if (ta.kind === tb.kind || (isDatetime(ta) && isDatetime(tb)) || (isInterval(ta) && isInterval(tb))) return [a.fn, b.fn, false];
  throw compileError(`Cannot compare ${typeToString(ta)} with ${typeToString(tb)}`, pos);
}

const trimEnd = (v: unknown): unknown => (typeof v === "string" ? v.replace(/ +$/, "") : v);

export function comparison(op: "=" | "<>" | "<" | "<=" | ">" | ">=", a: Bound, b: Bound, pos: SourcePos): Bound {
  let [fa, fb, padded] = comparable(a, b, pos);
  if (padded) {
    const ga = fa;
    const gb = fb;
    fa = (r) => trimEnd(ga(r));
    fb = (r) => trimEnd(gb(r));
  }
  let fn: Eval;
  switch (op) {
    case "=":
      fn = (r) => {
        const x = fa(r);
        if (x == null) return null;
        const y = fb(r);
        return y == null ? null : x === y || (x instanceof Uint8Array && Buffer.compare(x, y as Uint8Array) === 0);
      };
      break;
    case "<>":
      fn = (r) => {
        const x = fa(r);
        if (x == null) return null;
        const y = fb(r);
        return y == null ? null : x !== y;
      };
      break;
    case "<":
      fn = (r) => {
        const x = fa(r);
        if (x == null) return null;
        const y = fb(r);
        return y == null ? null : (x as number) < (y as number);
      };
      break;
    case "<=":
      fn = (r) => {
        const x = fa(r);
        if (x == null) return null;
        const y = fb(r);
        return y == null ? null : (x as number) <= (y as number);
      };
      break;
    case ">":
      fn = (r) => {
        const x = fa(r);
        if (x == null) return null;
        const y = fb(r);
        return y == null ? null : (x as number) > (y as number);
      };
      break;
    case ">=":
      fn = (r) => {
        const x = fa(r);
        if (x == null) return null;
        const y = fb(r);
        return y == null ? null : (x as number) >= (y as number);
      };
      break;
  }
  return derived(T.BOOLEAN, fn, [a, b], `${op}(${a.canon},${b.canon})`);
}

function concat(a: Bound, b: Bound, pos: SourcePos): Bound {
  const ok = (t: SqlType): boolean => isString(t) || isNullType(t) || t.kind === "VARBINARY" || t.kind === "BINARY";
  if (!ok(a.type) || !ok(b.type)) throw compileError(`|| needs character strings, not ${typeToString(a.type)} and ${typeToString(b.type)}`, pos);
  const fa = a.fn;
  const fb = b.fn;
  const len = (a.type.precision ?? 0) + (b.type.precision ?? 0);
  if (a.type.kind.endsWith("BINARY")) {
    return derived({ kind: "VARBINARY", precision: len }, (r) => {
      const x = fa(r);
      const y = fb(r);
      return x == null || y == null ? null : Buffer.concat([x as Uint8Array, y as Uint8Array]);
    }, [a, b], `cat(${a.canon},${b.canon})`);
  }
  return derived({ kind: "VARCHAR", precision: Math.min(len || 65535, 65535) }, (r) => {
    const x = fa(r);
    if (x == null) return null;
    const y = fb(r);
    return y == null ? null : (x as string) + (y as string);
  }, [a, b], `cat(${a.canon},${b.canon})`);
}

function divisionByZero(): RowError {
  return new RowError("DIVISION_BY_ZERO", "Division by zero");
}

function arithmetic(op: "+" | "-" | "*" | "/" | "%", a: Bound, b: Bound, pos: SourcePos): Bound {
  const ta = a.type;
  const tb = b.type;
  const canon = `${op}(${a.canon},${b.canon})`;
  const fa = a.fn;
  const fb = b.fn;
  const num2 = (type: SqlType, f: (x: number, y: number) => number): Bound =>
    derived(type, (r) => {
      const x = fa(r);
      if (x == null) return null;
      const y = fb(r);
      return y == null ? null : f(x as number, y as number);
    }, [a, b], canon);

  // Datetime and interval arithmetic.
  if (isDatetime(ta) || isDatetime(tb) || isInterval(ta) || isInterval(tb)) {
    const out = datetimeArithmetic(op, a, b, pos);
    if (out) {
      const bound = num2(out.type, out.f);
      // ROWTIME ± a constant, or an interval scaled by a positive constant, stays monotonic.
      const c = b.constant ? b.fn([]) : undefined;
      const positive = typeof c === "bigint" ? c > 0n : typeof c === "number" && c > 0;
      if (a.mono && b.constant && (op === "+" || op === "-" || ((op === "*" || op === "/") && positive))) {
        bound.mono = { rowtimeOnly: a.mono.rowtimeOnly };
      }
      return bound;
    }
    throw compileError(`Cannot apply ${op} to ${typeToString(ta)} and ${typeToString(tb)}`, pos);
  }
  if (!(isNumeric(ta) || isNullType(ta)) || !(isNumeric(tb) || isNullType(tb))) {
    throw compileError(`Cannot apply ${op} to ${typeToString(ta)} and ${typeToString(tb)}`, pos);
  }
  const type = numericResult(ta, tb);
  let result: Bound;
  if (isDecimal(type)) {
    result = decimalArithmetic(op, a, b, canon);
  } else if (isApprox(type)) {
    const ga = coerceFn(a, T.DOUBLE);
    const gb = coerceFn(b, T.DOUBLE);
    const f = (x: number, y: number): number => {
      switch (op) {
        case "+":
          return x + y;
        case "-":
          return x - y;
        case "*":
          return x * y;
        case "/":
          if (y === 0) throw divisionByZero();
          return x / y;
        case "%":
          if (y === 0) throw divisionByZero();
          return x % y;
      }
    };
    result = derived(type, (r) => {
      const x = ga(r);
      if (x == null) return null;
      const y = gb(r);
      return y == null ? null : f(x as number, y as number);
    }, [a, b], canon);
    if (type.kind === "REAL") {
      const g = result.fn;
      result.fn = (r) => {
        const v = g(r) as number | null;
        return v == null ? null : Math.fround(v);
      };
    }
  } else {
    switch (op) {
      case "+":
        result = num2(type, (x, y) => x + y);
        break;
      case "-":
        result = num2(type, (x, y) => x - y);
        break;
      case "*":
        result = num2(type, (x, y) => x * y);
        break;
      case "/":
        // Exact numerics divide with truncation toward zero.
        result = num2(type, (x, y) => {
          if (y === 0) throw divisionByZero();
          return Math.trunc(x / y);
        });
        break;
      case "%":
        result = num2(type, (x, y) => {
          if (y === 0) throw divisionByZero();
          return x % y;
        });
        break;
    }
  }
  if (a.mono && b.constant) {
    const c = b.fn([]);
    const positive = typeof c === "bigint" ? c > 0n : typeof c === "number" && c > 0;
    if (op === "+" || op === "-" || ((op === "*" || op === "/") && positive)) result.mono = { rowtimeOnly: a.mono.rowtimeOnly };
  }
  return result;
}

function decimalArithmetic(op: "+" | "-" | "*" | "/" | "%", a: Bound, b: Bound, canon: string): Bound {
  const sa = isDecimal(a.type) ? (a.type.scale ?? 0) : 0;
  const sb = isDecimal(b.type) ? (b.type.scale ?? 0) : 0;
  const ga = coerceFn(a, decimal(38, sa));
  const gb = coerceFn(b, decimal(38, sb));
  let scale: number;
  let f: (x: bigint, y: bigint) => bigint;
  switch (op) {
    case "+":
    case "-": {
      scale = Math.max(sa, sb);
      const ka = pow10(scale - sa);
      const kb = pow10(scale - sb);
      f = op === "+" ? (x, y) => x * ka + y * kb : (x, y) => x * ka - y * kb;
      break;
    }
    case "*":
      scale = Math.min(sa + sb, 19);
      f = sa + sb > 19 ? (x, y) => rescale(x * y, sa + sb, 19) : (x, y) => x * y;
      break;
    case "/": {
      scale = Math.max(sa, 6);
      const k = pow10(scale - sa + sb);
      f = (x, y) => {
        if (y === 0n) throw divisionByZero();
        return (x * k) / y;
      };
      break;
    }
    case "%": {
      scale = Math.max(sa, sb);
      const ka = pow10(scale - sa);
      const kb = pow10(scale - sb);
      f = (x, y) => {
        if (y === 0n) throw divisionByZero();
        return (x * ka) % (y * kb);
      };
      break;
    }
  }
  return derived(decimal(19, scale), (r) => {
    const x = ga(r);
    if (x == null) return null;
    const y = gb(r);
    return y == null ? null : f(x as bigint, y as bigint);
  }, [a, b], canon);
}

function datetimeArithmetic(
  op: string,
  a: Bound,
  b: Bound,
  pos: SourcePos,
): { type: SqlType; f: (x: number, y: number) => number } | undefined {
  const ta = a.type;
  const tb = b.type;
  const toNum = (t: SqlType): ((v: number) => number) =>
    isDecimal(t) ? (v) => decimalToNumber(v as unknown as bigint, t.scale ?? 0) : (v) => v;
  if (isDatetime(ta) && isInterval(tb) && (op === "+" || op === "-")) {
    const sign = op === "+" ? 1 : -1;
    if (tb.kind === "INTERVAL_YEAR_MONTH") return { type: ta, f: (x, y) => addMonths(x, sign * y) };
    return { type: ta, f: (x, y) => x + sign * y };
  }
  if (isInterval(ta) && isDatetime(tb) && op === "+") {
    if (ta.kind === "INTERVAL_YEAR_MONTH") return { type: tb, f: (x, y) => addMonths(y, x) };
    return { type: tb, f: (x, y) => x + y };
  }
  if (isDatetime(ta) && isDatetime(tb) && op === "-") {
    return { type: { kind: "INTERVAL_DAY_TIME", startUnit: "DAY", endUnit: "SECOND" }, f: (x, y) => x - y };
  }
  if (isInterval(ta) && isInterval(tb) && ta.kind === tb.kind && (op === "+" || op === "-")) {
    return { type: ta, f: op === "+" ? (x, y) => x + y : (x, y) => x - y };
  }
  if (isInterval(ta) && isNumeric(tb) && (op === "*" || op === "/")) {
    const nb = toNum(tb);
    return {
      type: ta,
      f:
        op === "*"
          ? (x, y) => Math.round(x * nb(y))
          : (x, y) => {
              const d = nb(y);
              if (d === 0) throw divisionByZero();
              return Math.trunc(x / d);
            },
    };
  }
  if (isNumeric(ta) && isInterval(tb) && op === "*") {
    const na = toNum(ta);
    return { type: tb, f: (x, y) => Math.round(na(x) * y) };
  }
  void pos;
  return undefined;
}

// ---- LIKE and SIMILAR TO ----

const REGEX_CACHE_ENTRIES_MAX = 256;
const likeCache = new Map<string, RegExp>();

function escapeRegex(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

export function likeToRegex(pattern: string, escape: string | null, pos: SourcePos): RegExp {
  const key = `L${escape ?? ""}\u0000${pattern}`;
  const hit = likeCache.get(key);
  if (hit) return hit;
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (escape && c === escape) {
      const n = pattern[++i];
      if (n === undefined) throw compileError("LIKE pattern ends with the escape character", pos);
      src += escapeRegex(n);
    } else if (c === "%") src += "[\\s\\S]*";
    else if (c === "_") src += "[\\s\\S]";
    else src += escapeRegex(c);
  }
  const re = new RegExp(`^${src}$`);
  if (likeCache.size < REGEX_CACHE_ENTRIES_MAX) likeCache.set(key, re);
  return re;
}

export function similarToRegex(pattern: string, escape: string | null, pos: SourcePos): RegExp {
  const key = `S${escape ?? ""}\u0000${pattern}`;
  const hit = likeCache.get(key);
  if (hit) return hit;
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (escape && c === escape) {
      const n = pattern[++i];
      if (n === undefined) throw compileError("SIMILAR TO pattern ends with the escape character", pos);
      src += escapeRegex(n);
    } else if (c === "%") src += "[\\s\\S]*";
    else if (c === "_") src += "[\\s\\S]";
    else if (c === "." || c === "^" || c === "$" || c === "\\" || c === "/") src += escapeRegex(c);
    else src += c;
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${src})$`);
  } catch {
    throw compileError(`Invalid SIMILAR TO pattern '${pattern}'`, pos);
  }
  if (likeCache.size < REGEX_CACHE_ENTRIES_MAX) likeCache.set(key, re);
  return re;
}

export type { Row };
