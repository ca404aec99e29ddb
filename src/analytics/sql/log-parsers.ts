/**
 * Log-parsing functions that return ROW values (arrays of fields named COLUMN1..n unless the call names
 * them): REGEX_LOG_PARSE, FAST_REGEX_LOG_PARSER, W3C_LOG_PARSE, SYS_LOG_PARSE, VARIABLE_COLUMN_LOG_PARSE.
 * A line that does not match gives a NULL row (standard semantics; see the reference's ambiguity list).
 */
import type { CallExpr } from "./ast.js";
import type { Bound } from "./compile-expr.js";
import { compileError, RowError } from "./errors.js";
import { DAY_MS, mod, parseWithPattern } from "./datetime.js";
import { parseColumnList, type ColumnSpec } from "./parser.js";
import { groupCount, javaRegex, lazyQuantifiers } from "./regex.js";
import type { ScalarFn } from "./functions.js";
import type { Eval } from "./scope.js";
import { T, isNullType, isString, typeToString, varchar, type RowField, type SqlType } from "./types.js";
import { converter } from "./values.js";

const PARSED_FIELD_CHARS_MAX = 1024;

/** Converts a parsed text field to its column's type, honouring a datetime column's format. */
function fieldConverter(c: ColumnSpec): ((v: string) => unknown) | undefined {
  const k = c.type.kind;
  if (c.format !== undefined && (k === "DATE" || k === "TIME" || k === "TIMESTAMP")) {
    const format = c.format;
    return (v) => {
      const ms = parseWithPattern(v, format);
      if (ms === null) throw new RowError("CAST_ERROR", `'${v}' does not match the format '${format}'`);
      return k === "DATE" ? Math.floor(ms / DAY_MS) * DAY_MS : k === "TIME" ? mod(ms, DAY_MS) : ms;
    };
  }
  const conv = converter(varchar(65535), c.type);
  return conv ? (v) => conv(v) : undefined;
}

function constText(args: Bound[], i: number, call: CallExpr): string {
  const a = args[i];
  if (!a || !a.constant) throw compileError(`Argument ${i + 1} of ${call.name} must be a constant`, call.pos);
  const v = a.fn([]);
  if (typeof v !== "string") throw compileError(`Argument ${i + 1} of ${call.name} must be a string`, call.pos);
  return v;
}

function requireString(args: Bound[], call: CallExpr): void {
  const t = args[0]?.type;
  if (t && !isString(t) && !isNullType(t)) throw compileError(`${call.name} parses a character string, not ${typeToString(t)}`, call.pos);
}

const numbered = (n: number): RowField[] =>
  Array.from({ length: n }, (_, i) => ({ name: `COLUMN${i + 1}`, type: varchar(PARSED_FIELD_CHARS_MAX) }));

function regexParser(lazy = false): ScalarFn {
  const compile = (args: Bound[], call: CallExpr): RegExp => {
    const pattern = constText(args, 1, call);
    return javaRegex(lazy ? lazyQuantifiers(pattern) : pattern, call);
  };
  return {
    minArgs: 2,
    maxArgs: 2,
    type: (args, call) => {
      requireString(args, call);
      return { kind: "ROW", fields: numbered(groupCount(compile(args, call))) };
    },
    build: (args, call) => {
      const re = compile(args, call);
      const n = groupCount(re);
      const anchored = new RegExp(`^(?:${re.source})$`, re.flags);
      const f = (args[0] as Bound).fn;
      return (r) => {
        const s = f(r);
        if (s == null) return null;
        const m = anchored.exec(s as string);
        if (!m) return null;
        const out: unknown[] = new Array(n);
        for (let k = 0; k < n; k++) out[k] = m[k + 1] === undefined ? null : (m[k + 1] as string).slice(0, PARSED_FIELD_CHARS_MAX);
        return out;
      };
    },
  };
}

// ---- W3C / Apache formats ----

const W3C_FORMATS: Record<string, string> = {
  COMMON: '%h %l %u %t "%r" %>s %b',
  "COMMON WITH VHOST": '%v %h %l %u %t "%r" %>s %b',
  "NCSA EXTENDED": '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"',
  REFERER: "%{Referer}i -> %U",
  AGENT: "%{User-agent}i",
};

/** Compiles an Apache log format string into a regex with one group per directive. */
export function apacheFormatRegex(format: string): { re: RegExp; fields: number } {
  let src = "";
  let fields = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i] as string;
    if (c === "%") {
      let j = i + 1;
      if (format[j] === ">" || format[j] === "<") j++;
      // Apache writes %{Referer}i; the KDA reference writes %[Referer]i.
      if (format[j] === "{") j = format.indexOf("}", j) + 1;
      else if (format[j] === "[") j = format.indexOf("]", j) + 1;
      const directive = format[j] ?? "";
      const quoted = format[i - 1] === '"';
      if (directive === "t") src += "\\[([^\\]]*)\\]";
      else if (quoted) src += '([^"]*)';
      else src += "(\\S*)";
      fields++;
      i = j + 1;
      continue;
    }
    if (c === " ") {
      src += "\\s+";
      while (format[i] === " ") i++;
      continue;
    }
    src += c.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
    i++;
  }
  return { re: new RegExp(`^${src}$`), fields };
}

const w3cLogParse: ScalarFn = {
  minArgs: 2,
  maxArgs: 2,
  type: (args, call) => {
    requireString(args, call);
    const fmt = constText(args, 1, call);
    return { kind: "ROW", fields: numbered(apacheFormatRegex(W3C_FORMATS[fmt.toUpperCase()] ?? fmt).fields) };
  },
  build: (args, call) => {
    const fmt = constText(args, 1, call);
    const { re, fields } = apacheFormatRegex(W3C_FORMATS[fmt.toUpperCase()] ?? fmt);
    const f = (args[0] as Bound).fn;
    return (r) => {
      const s = f(r);
      if (s == null) return null;
      const m = re.exec(s as string);
      if (!m) return null;
      const out: unknown[] = new Array(fields);
      for (let k = 0; k < fields; k++) out[k] = m[k + 1] ?? null;
      return out;
    };
  },
};

// ---- syslog ----

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const SYSLOG_RE = /^([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+([\s\S]*)$/;

const sysLogParse: ScalarFn = {
  minArgs: 1,
  maxArgs: 1,
  volatile: false,
  type: (args, call) => {
    requireString(args, call);
    return { kind: "ROW", fields: [{ name: "COLUMN1", type: T.TIMESTAMP }, { name: "COLUMN2", type: varchar(PARSED_FIELD_CHARS_MAX) }] };
  },
  build: (args, _call, env) => {
    const f = (args[0] as Bound).fn;
    return (r) => {
      const s = f(r);
      if (s == null) return null;
      const m = SYSLOG_RE.exec(s as string);
      if (!m) return null;
      const month = MONTHS.indexOf((m[1] as string).toUpperCase());
      if (month < 0) return null;
      // Syslog lines carry no year: take the current year of the engine's clock.
      const year = new Date(env.now()).getUTCFullYear();
      const ts = Date.UTC(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
      return [ts, m[6] as string];
    };
  },
};

// ---- delimited ----

function variableColumns(args: Bound[], call: CallExpr): ColumnSpec[] {
  const spec = args[1];
  if (!spec || !spec.constant) throw compileError(`${call.name} needs a constant column specification`, call.pos);
  const v = spec.fn([]);
  if (typeof v === "number") return numbered(v);
  if (typeof v !== "string") throw compileError(`${call.name}'s column specification must be a count or a string`, call.pos);
  try {
    return parseColumnList(v);
  } catch (err) {
    throw compileError(`Invalid column specification '${v}': ${(err as Error).message}`, call.pos);
  }
}

function splitDelimited(s: string, delim: string, escape: string | null, quotes: string): string[] {
  const out: string[] = [];
  let cur = "";
  let inQuote = false;
  const open = quotes[0];
  const close = quotes[1] ?? open;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (escape && c === escape && i + 1 < s.length) {
      cur += s[++i];
      continue;
    }
    if (!inQuote && c === open) {
      inQuote = true;
      continue;
    }
    if (inQuote && c === close) {
      inQuote = false;
      continue;
    }
    if (!inQuote && s.startsWith(delim, i)) {
      out.push(cur);
      cur = "";
      i += delim.length - 1;
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

const variableColumnLogParse: ScalarFn = {
  minArgs: 2,
  maxArgs: 5,
  type: (args, call) => {
    requireString(args, call);
    return { kind: "ROW", fields: variableColumns(args, call).map((c) => ({ name: c.name, type: c.type })) };
  },
  build: (args, call) => {
    const fields = variableColumns(args, call);
    const delim = args[2] ? constText(args, 2, call) : ",";
    const escape = args[3] ? constText(args, 3, call) || null : null;
    const quotes = args[4] ? constText(args, 4, call) : '"';
    const convs = fields.map(fieldConverter);
    const f = (args[0] as Bound).fn;
    return (r) => {
      const s = f(r);
      if (s == null) return null;
      const parts = splitDelimited(s as string, delim, escape, quotes);
      const out: unknown[] = new Array(fields.length);
      for (let k = 0; k < fields.length; k++) {
        const p = parts[k];
        const conv = convs[k];
        out[k] = p === undefined || p === "" ? null : conv ? conv(p) : p;
      }
      return out;
    };
  },
};

function fixedColumns(args: Bound[], call: CallExpr): ColumnSpec[] {
  const text = constText(args, 1, call);
  let cols: ColumnSpec[];
  try {
    cols = parseColumnList(text);
  } catch (err) {
    throw compileError(`Invalid column specification '${text}': ${(err as Error).message}`, call.pos);
  }
  let next = 0;
  for (const c of cols) {
    // A column without START follows the previous one.
    if (c.start === undefined) c.start = next;
    next = c.start + (c.length ?? c.type.precision ?? 0);
  }
  return cols;
}

const fixedColumnLogParse: ScalarFn = {
  minArgs: 2,
  maxArgs: 2,
  type: (args, call) => {
    requireString(args, call);
    return { kind: "ROW", fields: fixedColumns(args, call).map((c) => ({ name: c.name, type: c.type })) };
  },
  build: (args, call) => {
    const cols = fixedColumns(args, call);
    const convs = cols.map(fieldConverter);
    const f = (args[0] as Bound).fn;
    return (r) => {
      const s = f(r);
      if (s == null) return null;
      return cols.map((c, k) => {
        const start = c.start as number;
        const piece = (s as string).slice(start, c.length === undefined ? undefined : start + c.length).trim();
        const conv = convs[k];
        return piece === "" ? null : conv ? conv(piece) : piece;
      });
    };
  },
};

export const LOG_PARSERS: Record<string, ScalarFn> = {
  FIXED_COLUMN_LOG_PARSE: fixedColumnLogParse,
  REGEX_LOG_PARSE: regexParser(),
  FAST_REGEX_LOG_PARSER: regexParser(true),
  // The reference's page title says FAST_REGEX_LOG_PARSER, its syntax box FAST_REGEX_LOG_PARSE: accept both.
  FAST_REGEX_LOG_PARSE: regexParser(true),
  W3C_LOG_PARSE: w3cLogParse,
  SYS_LOG_PARSE: sysLogParse,
  VARIABLE_COLUMN_LOG_PARSE: variableColumnLogParse,
};

export type { Eval, SqlType };
