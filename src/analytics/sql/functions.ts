/**
 * The scalar function catalog: numeric, null handling, string, date/time and log parsing. Each entry
 * type-checks its arguments at compile time and builds a closure specialised to their types.
 */
import type { CallExpr } from "./ast.js";
import type { Bound } from "./compile-expr.js";
import { compileError, RowError } from "./errors.js";
import {
  formatWithPattern,
  parseWithPattern,
  DAY_MS,
  mod,
} from "./datetime.js";
import { LOG_PARSERS } from "./log-parsers.js";
import { javaRegex } from "./regex.js";
import type { Eval } from "./scope.js";
import {
  T,
  decimal,
  isApprox,
  isDatetime,
  isDecimal,
  isExactInteger,
  isNullType,
  isNumeric,
  isString,
  numericResult,
  typeToString,
  varchar,
  type SqlType,
} from "./types.js";
import { converter, decimalToNumber, pow10, rescale } from "./values.js";

export interface BuildEnv {
  /** The engine's current time (virtual in tests): CURRENT_TIMESTAMP and CURRENT_ROW_TIMESTAMP read it. */
  now(): number;
}

export interface ScalarFn {
  minArgs: number;
  maxArgs: number;
  /** Not foldable at compile time (reads the clock). */
  volatile?: boolean;
  type(args: Bound[], call: CallExpr): SqlType;
  build(args: Bound[], call: CallExpr, env: BuildEnv): Eval;
}

// ---- helpers ----

function requireType(call: CallExpr, i: number, args: Bound[], ok: (t: SqlType) => boolean, what: string): void {
  const t = args[i]?.type;
  if (t && !ok(t) && !isNullType(t)) {
    throw compileError(`Argument ${i + 1} of ${call.name} must be ${what}, not ${typeToString(t)}`, call.pos);
  }
}
const str = (call: CallExpr, args: Bound[], i: number): void => requireType(call, i, args, isString, "a character string");
const num = (call: CallExpr, args: Bound[], i: number): void => requireType(call, i, args, isNumeric, "numeric");
const dt = (call: CallExpr, args: Bound[], i: number): void => requireType(call, i, args, isDatetime, "a datetime");

/** f applied to the argument values, NULL when any is NULL. */
function strict(args: Bound[], f: (...v: never[]) => unknown): Eval {
  const fns = args.map((a) => a.fn);
  const g = f as (...v: unknown[]) => unknown;
  if (fns.length === 1) {
    const a = fns[0] as Eval;
    return (r) => {
      const x = a(r);
      return x == null ? null : g(x);
    };
  }
  if (fns.length === 2) {
    const a = fns[0] as Eval;
    const b = fns[1] as Eval;
    return (r) => {
      const x = a(r);
      if (x == null) return null;
      const y = b(r);
      return y == null ? null : g(x, y);
    };
  }
  return (r) => {
    const vals: unknown[] = [];
    for (const fn of fns) {
      const v = fn(r);
      if (v == null) return null;
      vals.push(v);
    }
    return g(...vals);
  };
}

function asDouble(b: Bound): Eval {
  if (isDecimal(b.type)) {
    const s = b.type.scale ?? 0;
    const f = b.fn;
    return (r) => {
      const v = f(r);
      return v == null ? null : decimalToNumber(v as bigint, s);
    };
  }
  return b.fn;
}

function doubleFn(f: (x: number) => number, check?: (x: number) => boolean): ScalarFn {
  return {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => (num(call, args, 0), T.DOUBLE),
    build: (args, call) => {
      const a = asDouble(args[0] as Bound);
      return (r) => {
        const x = a(r) as number | null;
        if (x == null) return null;
        if (check && !check(x)) throw new RowError("FUNCTION_ERROR", `Invalid argument ${x} for ${call.name}`);
        return f(x);
      };
    },
  };
}

function floorCeil(ceil: boolean): ScalarFn {
  return {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => {
      num(call, args, 0);
      const t = (args[0] as Bound).type;
      return isDecimal(t) ? decimal(t.precision ?? 19, 0) : t;
    },
    build: (args) => {
      const a = args[0] as Bound;
      if (isExactInteger(a.type)) return a.fn;
      if (isDecimal(a.type)) {
        const d = pow10(a.type.scale ?? 0);
        return strict(args, (v: bigint) => {
          const q = v / d;
          if (q * d === v) return q;
          return ceil ? (v > 0n ? q + 1n : q) : v < 0n ? q - 1n : q;
        });
      }
      return strict(args, ceil ? Math.ceil : Math.floor);
    },
  };
}

function stringFn(f: (s: string) => string): ScalarFn {
  return {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => (str(call, args, 0), (args[0] as Bound).type),
    build: (args) => strict(args, f),
  };
}

function charToDatetime(kind: "TIMESTAMP" | "DATE" | "TIME"): ScalarFn {
  return {
    minArgs: 2,
    maxArgs: 2,
    type: (args, call) => (str(call, args, 0), str(call, args, 1), kind === "TIMESTAMP" ? T.TIMESTAMP : kind === "DATE" ? T.DATE : T.TIME),
    build: (args) =>
      strict(args, (fmt: string, s: string) => {
        const v = parseWithPattern(s, fmt);
        if (v === null) throw new RowError("CAST_ERROR", `'${s}' does not match the format '${fmt}'`);
        if (kind === "DATE") return Math.floor(v / DAY_MS) * DAY_MS;
        if (kind === "TIME") return mod(v, DAY_MS);
        return v;
      }),
  };
}

const datetimeToChar: ScalarFn = {
  minArgs: 2,
  maxArgs: 2,
  type: (args, call) => (str(call, args, 0), dt(call, args, 1), varchar(256)),
  build: (args) => strict(args, (fmt: string, v: number) => formatWithPattern(v, fmt)),
};

function nowFn(kind: "TIMESTAMP" | "DATE" | "TIME"): ScalarFn {
  return {
    minArgs: 0,
    maxArgs: 0,
    volatile: true,
    type: () => (kind === "TIMESTAMP" ? T.TIMESTAMP : kind === "DATE" ? T.DATE : T.TIME),
    build: (_a, _c, env) =>
      kind === "TIMESTAMP" ? () => env.now() : kind === "DATE" ? () => Math.floor(env.now() / DAY_MS) * DAY_MS : () => mod(env.now(), DAY_MS),
  };
}

function constString(args: Bound[], i: number, call: CallExpr): string {
  const a = args[i];
  if (!a || !a.constant) throw compileError(`Argument ${i + 1} of ${call.name} must be a constant string`, call.pos);
  const v = a.fn([]);
  if (typeof v !== "string") throw compileError(`Argument ${i + 1} of ${call.name} must be a string`, call.pos);
  return v;
}

export { constString };

// ---- the catalog ----

export const SCALAR_FUNCTIONS: Record<string, ScalarFn> = {
  // Numeric
  ABS: {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => (num(call, args, 0), (args[0] as Bound).type),
    build: (args) => strict(args, (v: number | bigint) => (typeof v === "bigint" ? (v < 0n ? -v : v) : Math.abs(v))),
  },
  FLOOR: floorCeil(false),
  CEIL: floorCeil(true),
  EXP: doubleFn(Math.exp),
  LN: doubleFn(Math.log, (x) => x > 0),
  LOG10: doubleFn(Math.log10, (x) => x > 0),
  SQRT: doubleFn(Math.sqrt, (x) => x >= 0),
  POWER: {
    minArgs: 2,
    maxArgs: 2,
    type: (args, call) => (num(call, args, 0), num(call, args, 1), T.DOUBLE),
    build: (args) => strict([{ ...(args[0] as Bound), fn: asDouble(args[0] as Bound) }, { ...(args[1] as Bound), fn: asDouble(args[1] as Bound) }], Math.pow),
  },
  MOD: {
    minArgs: 2,
    maxArgs: 2,
    type: (args, call) => {
      num(call, args, 0);
      num(call, args, 1);
      return numericResult((args[0] as Bound).type, (args[1] as Bound).type);
    },
    build: (args) => {
      const t = numericResult((args[0] as Bound).type, (args[1] as Bound).type);
      if (isDecimal(t)) {
        const s = t.scale ?? 0;
        const ca = converter((args[0] as Bound).type, decimal(38, s));
        const cb = converter((args[1] as Bound).type, decimal(38, s));
        return strict(args, (x: unknown, y: unknown) => {
          const bx = (ca ? ca(x) : x) as bigint;
          const by = (cb ? cb(y) : y) as bigint;
          if (by === 0n) throw new RowError("DIVISION_BY_ZERO", "Division by zero");
          return bx % by;
        });
      }
      return strict(args, (x: number, y: number) => {
        if (y === 0) throw new RowError("DIVISION_BY_ZERO", "Division by zero");
        return x % y;
      });
    },
  },
  ROUND: {
    minArgs: 1,
    maxArgs: 2,
    type: (args, call) => (num(call, args, 0), (args[0] as Bound).type),
    build: (args, call) => {
      const a = args[0] as Bound;
      const digits = args[1] ? Number(args[1].fn([])) : 0;
      if (args[1] && !args[1].constant) throw compileError("ROUND's digits must be a constant", call.pos);
      if (isDecimal(a.type)) {
        const s = a.type.scale ?? 0;
        return strict([a], (v: bigint) => (digits >= s ? v : rescale(rescale(v, s, digits), digits, s)));
      }
      const k = 10 ** digits;
      const round = (x: number): number => (Math.sign(x) * Math.round(Math.abs(x) * k)) / k;
      if (isApprox(a.type)) return strict([a], round);
      return strict([a], (x: number) => (digits >= 0 ? x : round(x)));
    },
  },
  SIGN: {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => (num(call, args, 0), T.INTEGER),
    build: (args) => strict(args, (v: number | bigint) => (typeof v === "bigint" ? (v > 0n ? 1 : v < 0n ? -1 : 0) : Math.sign(v))),
  },

  // Null handling
  COALESCE: {
    minArgs: 1,
    maxArgs: 1000,
    type: (args, call) => commonTypeOf(args, call),
    build: (args, call) => {
      const t = commonTypeOf(args, call);
      const fns = args.map((a) => {
        const conv = converter(a.type, t);
        const f = a.fn;
        return conv ? (r: unknown[]) => {
          const v = f(r);
          return v == null ? null : conv(v);
        } : f;
      });
      return (r) => {
        for (const f of fns) {
          const v = f(r);
          if (v != null) return v;
        }
        return null;
      };
    },
  },
  NULLIF: {
    minArgs: 2,
    maxArgs: 2,
    type: (args) => (args[0] as Bound).type,
    build: (args) => {
      const a = (args[0] as Bound).fn;
      const b = (args[1] as Bound).fn;
      return (r) => {
        const x = a(r);
        if (x == null) return null;
        return x === b(r) ? null : x;
      };
    },
  },

  // String
  CHAR_LENGTH: { minArgs: 1, maxArgs: 1, type: (a, c) => (str(c, a, 0), T.INTEGER), build: (args) => strict(args, (s: string) => s.length) },
  CHARACTER_LENGTH: { minArgs: 1, maxArgs: 1, type: (a, c) => (str(c, a, 0), T.INTEGER), build: (args) => strict(args, (s: string) => s.length) },
  LOWER: stringFn((s) => s.toLowerCase()),
  UPPER: stringFn((s) => s.toUpperCase()),
  INITCAP: stringFn((s) => s.toLowerCase().replace(/(^|[^A-Za-z0-9])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase())),
  SUBSTRING: {
    minArgs: 2,
    maxArgs: 3,
    type: (args, call) => (str(call, args, 0), num(call, args, 1), (args[0] as Bound).type.kind === "CHAR" ? varchar((args[0] as Bound).type.precision ?? 1) : (args[0] as Bound).type),
    build: (args) =>
      strict(args, (s: string, start: number, len?: number) => {
        // SQL: characters from position `start` (1-based) for `len`; positions before 1 count against len.
        const from = Number(start);
        const end = len === undefined ? Infinity : from + Number(len);
        if (len !== undefined && Number(len) < 0) throw new RowError("FUNCTION_ERROR", "SUBSTRING length must not be negative");
        return s.slice(Math.max(from, 1) - 1, end === Infinity ? undefined : Math.max(end - 1, 0));
      }),
  },
  POSITION: {
    minArgs: 2,
    maxArgs: 2,
    type: (args, call) => (str(call, args, 0), str(call, args, 1), T.INTEGER),
    build: (args) => strict(args, (needle: string, hay: string) => hay.indexOf(needle) + 1),
  },
  TRIM: {
    minArgs: 1,
    maxArgs: 2,
    type: (args, call) => (str(call, args, 0), varchar((args[0] as Bound).type.precision ?? 65535)),
    build: (args, call) => {
      const mode = call.keyword ?? "BOTH";
      return strict(args, (s: string, chars = " ") => {
        const set = new Set(chars);
        let a = 0;
        let b = s.length;
        if (mode !== "TRAILING") while (a < b && set.has(s[a] as string)) a++;
        if (mode !== "LEADING") while (b > a && set.has(s[b - 1] as string)) b--;
        return s.slice(a, b);
      });
    },
  },
  OVERLAY: {
    minArgs: 3,
    maxArgs: 4,
    type: (args, call) => (str(call, args, 0), str(call, args, 1), varchar(65535)),
    build: (args) =>
      strict(args, (s: string, r: string, from: number, len?: number) => {
        const n = len === undefined ? r.length : Number(len);
        return s.slice(0, Number(from) - 1) + r + s.slice(Number(from) - 1 + n);
      }),
  },
  REGEX_REPLACE: {
    minArgs: 3,
    maxArgs: 5,
    type: (args, call) => (str(call, args, 0), str(call, args, 1), str(call, args, 2), varchar(65535)),
    build: (args, call) => {
      const start = args[3] ? Number(args[3].fn([])) : 1;
      const occurrence = args[4] ? Number(args[4].fn([])) : 0;
      if ((args[3] && !args[3].constant) || (args[4] && !args[4].constant)) {
        throw compileError("REGEX_REPLACE's position and occurrence must be constants", call.pos);
      }
      const constRe = (args[1] as Bound).constant ? javaRegex(String((args[1] as Bound).fn([])), call, "g") : undefined;
      return strict(args.slice(0, 3), (s: string, pattern: string, repl: string) => {
        const re = constRe ?? javaRegex(pattern, call, "g");
        re.lastIndex = 0;
        const head = s.slice(0, start - 1);
        let n = 0;
        return (
          head +
          s.slice(start - 1).replace(re, (...m: unknown[]) => {
            n++;
            const whole = m[0] as string;
            if (occurrence !== 0 && n !== occurrence) return whole;
            return repl.replace(/\$(\d)/g, (_x, d: string) => String(m[Number(d)] ?? ""));
          })
        );
      });
    },
  },

  // Date and time
  CURRENT_TIMESTAMP: nowFn("TIMESTAMP"),
  LOCALTIMESTAMP: nowFn("TIMESTAMP"),
  CURRENT_ROW_TIMESTAMP: nowFn("TIMESTAMP"),
  CURRENT_DATE: nowFn("DATE"),
  CURRENT_TIME: nowFn("TIME"),
  LOCALTIME: nowFn("TIME"),
  TSDIFF: {
    minArgs: 2,
    maxArgs: 2,
    type: (args, call) => (dt(call, args, 0), dt(call, args, 1), T.BIGINT),
    build: (args) => strict(args, (a: number, b: number) => b - a),
  },
  CHAR_TO_TIMESTAMP: charToDatetime("TIMESTAMP"),
  CHAR_TO_DATE: charToDatetime("DATE"),
  CHAR_TO_TIME: charToDatetime("TIME"),
  TIMESTAMP_TO_CHAR: datetimeToChar,
  DATE_TO_CHAR: datetimeToChar,
  TIME_TO_CHAR: datetimeToChar,
  TO_TIMESTAMP: {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => (num(call, args, 0), T.TIMESTAMP),
    build: (args) => asDouble(args[0] as Bound),
  },
  UNIX_TIMESTAMP: {
    minArgs: 1,
    maxArgs: 1,
    type: (args, call) => (dt(call, args, 0), T.BIGINT),
    build: (args) => (args[0] as Bound).fn,
  },

  ...LOG_PARSERS,
};

function commonTypeOf(args: Bound[], call: CallExpr): SqlType {
  let out: SqlType = T.NULL;
  for (const a of args) {
    const t = a.type;
    if (isNullType(t)) continue;
    if (isNullType(out)) out = t;
    else if (isNumeric(out) && isNumeric(t)) out = numericResult(out, t);
    else if (isString(out) && isString(t)) out = varchar(Math.max(out.precision ?? 1, t.precision ?? 1));
    else if (out.kind !== t.kind) throw compileError(`${call.name} arguments have incompatible types`, call.pos);
  }
  return out;
}
