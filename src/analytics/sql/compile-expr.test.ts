import { describe, expect, it } from "vitest";
import { ExprCompiler } from "./compile-expr.js";
import { RowError, SqlCompileError } from "./errors.js";
import { parseExpression } from "./parser.js";
import { singleRelationScope } from "./scope.js";
import { T, decimal, varchar, type SqlType } from "./types.js";

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
const COLS: { name: string; type: SqlType }[] = [
  { name: "I", type: T.INTEGER },
  { name: "D", type: T.DOUBLE },
  { name: "S", type: varchar(20) },
  { name: "N", type: T.INTEGER },
  { name: "M", type: decimal(10, 2) },
  { name: "TS", type: T.TIMESTAMP },
  { name: "B", type: T.BOOLEAN },
  { name: "mixed", type: varchar(5) },
];
// I=7, D=2.5, S='Hello World', N=NULL, M=12.34, TS=2026-01-01 10:20:30.400, B=true, mixed='q', ROWTIME
const ROW = [7, 2.5, "Hello World", null, 1234n, Date.UTC(2026, 0, 1, 10, 20, 30, 400), true, "q", NOW];

function compile(sql: string) {
  return new ExprCompiler(singleRelationScope("S1", COLS), { now: () => NOW }).compile(parseExpression(sql));
}
function ev(sql: string): unknown {
  return compile(sql).fn(ROW);
}
function typeOf(sql: string): string {
  return compile(sql).type.kind;
}

describe("expressions", () => {
  it("follows SQL three-valued logic", () => {
    expect(ev("N > 1")).toBeNull();
    expect(ev("N > 1 AND FALSE")).toBe(false);
    expect(ev("N > 1 OR TRUE")).toBe(true);
    expect(ev("N > 1 OR FALSE")).toBeNull();
    expect(ev("NOT (N > 1)")).toBeNull();
    expect(ev("N IS NULL")).toBe(true);
    expect(ev("I IN (1, N)")).toBeNull();
    expect(ev("I IN (7, N)")).toBe(true);
    expect(ev("I NOT IN (1, 2)")).toBe(true);
    expect(ev("(N > 1) IS UNKNOWN")).toBe(true);
    expect(ev("B IS TRUE")).toBe(true);
    expect(ev("N + 1")).toBeNull();
    expect(ev("COALESCE(N, I, 3)")).toBe(7);
    expect(ev("NULLIF(I, 7)")).toBeNull();
  });

  it("does integer, double and exact decimal arithmetic", () => {
    expect(ev("I / 2")).toBe(3);
    expect(ev("-I / 2")).toBe(-3);
    expect(typeOf("I / 2")).toBe("INTEGER");
    expect(ev("I / 2.0")).toBe(3_500_000n);
    expect(typeOf("I / 2.0")).toBe("DECIMAL");
    expect(ev("D * 2")).toBe(5);
    expect(ev("M + 0.01")).toBe(1235n);
    expect(ev("CAST(M * 3 AS VARCHAR(20))")).toBe("37.02");
    expect(ev("CAST(0.1 + 0.2 AS VARCHAR(10))")).toBe("0.3");
    expect(ev("MOD(I, 4)")).toBe(3);
    expect(ev("I % 4")).toBe(3);
    expect(ev("ABS(-M)")).toBe(1234n);
    expect(ev("POWER(2, 10)")).toBe(1024);
    expect(ev("FLOOR(D)")).toBe(2);
    expect(ev("CEIL(M)")).toBe(13n);
    expect(ev("STEP(23 BY 5)")).toBe(20);
    expect(ev("1 < 1.5")).toBe(true);
    expect(ev("M = 12.340")).toBe(true);
  });

  it("raises row errors for division by zero and bad casts", () => {
    expect(() => ev("I / 0")).toThrow(RowError);
    expect(() => ev("D / 0")).toThrow("Division by zero");
    expect(() => ev("M / 0.00")).toThrow("Division by zero");
    expect(() => ev("CAST('abc' AS INTEGER)")).toThrow(RowError);
    expect(() => ev("CAST(300 AS TINYINT)")).toThrow("out of range");
    expect(() => ev("CAST(S AS TIMESTAMP)")).toThrow("Cannot cast");
  });

  it("casts between the documented types", () => {
    expect(ev("CAST('42' AS INTEGER)")).toBe(42);
    expect(ev("CAST(' 4.5 ' AS DOUBLE)")).toBe(4.5);
    expect(ev("CAST('4.567' AS DECIMAL(5,2))")).toBe(457n);
    expect(ev("CAST(D AS INTEGER)")).toBe(2);
    expect(ev("CAST(I AS VARCHAR(5))")).toBe("7");
    expect(ev("CAST(S AS VARCHAR(5))")).toBe("Hello");
    expect(ev("CAST('ab' AS CHAR(4))")).toBe("ab  ");
    expect(ev("CAST('true' AS BOOLEAN)")).toBe(true);
    expect(ev("CAST('2026-01-01 10:20:30' AS TIMESTAMP)")).toBe(Date.UTC(2026, 0, 1, 10, 20, 30));
    expect(ev("CAST(TS AS DATE)")).toBe(Date.UTC(2026, 0, 1));
    expect(ev("CAST(TS AS VARCHAR(30))")).toBe("2026-01-01 10:20:30.400");
    expect(ev("CAST(INTERVAL '90' SECOND AS BIGINT)")).toBe(90);
    expect(ev("CAST('5' AS INTERVAL SECOND)")).toBe(5000);
    expect(ev("CAST(N AS INTEGER)")).toBeNull();
    // Floating-point text as Java writes it.
    expect(ev("CAST(D AS VARCHAR(20))")).toBe("2.5");
    expect(ev("CAST(D * 4 AS VARCHAR(20))")).toBe("10.0");
    expect(ev("CAST(D * 4000000 AS VARCHAR(20))")).toBe("1.0E7");
    expect(ev("CAST(D / 100000 AS VARCHAR(20))")).toBe("2.5E-5");
    expect(ev("CAST(CAST(0.1 AS REAL) AS VARCHAR(20))")).toBe("0.1");
    expect(ev("CAST(1e-3 AS VARCHAR(20))")).toBe("0.001");
  });

  it("handles strings, LIKE and SIMILAR TO", () => {
    expect(ev("S || '!'")).toBe("Hello World!");
    expect(ev("UPPER(S)")).toBe("HELLO WORLD");
    expect(ev("LOWER(S)")).toBe("hello world");
    expect(ev("INITCAP('hello wORLD')")).toBe("Hello World");
    expect(ev("CHAR_LENGTH(S)")).toBe(11);
    expect(ev("SUBSTRING(S FROM 7)")).toBe("World");
    expect(ev("SUBSTRING(S, 1, 5)")).toBe("Hello");
    expect(ev("SUBSTRING(S FROM 0 FOR 3)")).toBe("He");
    expect(ev("POSITION('World' IN S)")).toBe(7);
    expect(ev("TRIM('  x  ')")).toBe("x");
    expect(ev("TRIM(LEADING 'x' FROM 'xxaxx')")).toBe("axx");
    expect(ev("TRIM(TRAILING FROM 'a  ')")).toBe("a");
    expect(ev("OVERLAY('abcdef' PLACING 'XY' FROM 3)")).toBe("abXYef");
    expect(ev("S LIKE 'Hello%'")).toBe(true);
    expect(ev("S LIKE 'H_llo W%d'")).toBe(true);
    expect(ev("'a%b' LIKE 'a!%b' ESCAPE '!'")).toBe(true);
    expect(ev("S NOT LIKE '%x%'")).toBe(true);
    expect(ev("'abc' SIMILAR TO '(abc|def)'")).toBe(true);
    expect(ev("'abd' SIMILAR TO 'ab[c-e]'")).toBe(true);
    expect(ev("'a.c' SIMILAR TO 'a.c'")).toBe(true);
    expect(ev("'abc' SIMILAR TO 'a.c'")).toBe(false);
    expect(ev("REGEX_REPLACE('a1b22c', '[0-9]+', '#', 1, 0)")).toBe("a#b#c");
    expect(ev("REGEX_REPLACE('a1b22c', '([0-9])', '<$1>', 1, 2)")).toBe("a1b<2>2c");
    expect(ev("CAST('ab ' AS CHAR(3)) = 'ab'")).toBe(true);
  });

  it("does date, time and interval arithmetic", () => {
    const ts = Date.UTC(2026, 0, 1, 10, 20, 30, 400);
    expect(ev("TS + INTERVAL '1' HOUR")).toBe(ts + 3_600_000);
    expect(ev("TS - INTERVAL '1' MONTH")).toBe(Date.UTC(2025, 11, 1, 10, 20, 30, 400));
    expect(ev("FLOOR(TS TO MINUTE)")).toBe(Date.UTC(2026, 0, 1, 10, 20));
    expect(ev("CEIL(TS TO HOUR)")).toBe(Date.UTC(2026, 0, 1, 11));
    expect(ev("FLOOR(TS TO MONTH)")).toBe(Date.UTC(2026, 0, 1));
    expect(ev("STEP(TS BY INTERVAL '15' MINUTE)")).toBe(Date.UTC(2026, 0, 1, 10, 15));
    expect(ev("EXTRACT(HOUR FROM TS)")).toBe(10);
    expect(ev("EXTRACT(YEAR FROM TS)")).toBe(2026);
    expect(ev("(ROWTIME - TS) SECOND")).toBe(Math.trunc((NOW - ts) / 1000) * 1000);
    expect(ev("CAST((ROWTIME - TS) MINUTE AS INTEGER)")).toBe(Math.trunc((NOW - ts) / 60000));
    expect(ev("TSDIFF(TS, ROWTIME)")).toBe(NOW - ts);
    expect(ev("UNIX_TIMESTAMP(TS)")).toBe(ts);
    expect(ev("TO_TIMESTAMP(1000)")).toBe(1000);
    expect(ev("TIMESTAMP_TO_CHAR('yyyy-MM-dd HH:mm:ss.SSS', TS)")).toBe("2026-01-01 10:20:30.400");
    expect(ev("TIMESTAMP_TO_CHAR('dd/MMM/yyyy', TS)")).toBe("01/Jan/2026");
    expect(ev("CHAR_TO_TIMESTAMP('yyyy-MM-dd HH:mm:ss', '2026-03-04 05:06:07')")).toBe(Date.UTC(2026, 2, 4, 5, 6, 7));
    expect(ev("CHAR_TO_TIMESTAMP('yyyyMMddHHmmss', '20260304050607')")).toBe(Date.UTC(2026, 2, 4, 5, 6, 7));
    expect(ev("CHAR_TO_DATE('dd/MM/yyyy', '04/03/2026')")).toBe(Date.UTC(2026, 2, 4));
    expect(() => ev("CHAR_TO_TIMESTAMP('yyyy-MM-dd', 'nope')")).toThrow(RowError);
    expect(ev("CURRENT_ROW_TIMESTAMP")).toBe(NOW);
    expect(ev("CURRENT_DATE")).toBe(Date.UTC(2026, 0, 2));
    expect(ev("TS > '2026-01-01 00:00:00'")).toBe(true);
    expect(ev("TS BETWEEN TIMESTAMP '2026-01-01 00:00:00' AND ROWTIME")).toBe(true);
  });

  it("evaluates CASE", () => {
    expect(ev("CASE WHEN I > 5 THEN 'big' WHEN I > 2 THEN 'mid' ELSE 'small' END")).toBe("big");
    expect(ev("CASE I WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END")).toBe("seven");
    expect(ev("CASE N WHEN 1 THEN 'one' END")).toBeNull();
    expect(ev("CASE WHEN I > 5 THEN 1 ELSE 2.5 END")).toBe(10n); // DECIMAL(…,1): common type of INTEGER and 2.5
  });

  it("parses logs into ROW values", () => {
    expect(ev("REGEX_LOG_PARSE('GET /a 200', '(\\w+) (\\S+) (\\d+)')")).toEqual(["GET", "/a", "200"]);
    expect(ev("REGEX_LOG_PARSE('nope', '(\\d+)')")).toBeNull();
    expect(ev("FAST_REGEX_LOG_PARSER('k=v', '(\\w+)=(\\w+)')")).toEqual(["k", "v"]);
    // Java-only syntax: POSIX classes, \Q..\E quoting, possessive quantifiers, \A and \z.
    expect(ev("REGEX_LOG_PARSE('ab12 x.y', '\\A(\\p{Alpha}++)(\\p{Digit}+) \\Qx.y\\E\\z')")).toEqual(["ab", "12"]);
    expect(ev("REGEX_LOG_PARSE('AB-c', '([\\p{Upper}-]+)(\\P{Upper})')")).toEqual(["AB-", "c"]);
    const line = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326';
    expect(ev(`W3C_LOG_PARSE('${line}', 'COMMON')`)).toEqual([
      "127.0.0.1",
      "-",
      "frank",
      "10/Oct/2000:13:55:36 -0700",
      "GET /apache_pb.gif HTTP/1.0",
      "200",
      "2326",
    ]);
    expect(ev("FAST_REGEX_LOG_PARSE('k=v', '(\\w+)=(\\w+)')")).toEqual(["k", "v"]);
    // Lazy semantics for the fast parser, greedy (Java's) for REGEX_LOG_PARSE.
    expect(ev("FAST_REGEX_LOG_PARSER('a b c', '(.*) (.*)')")).toEqual(["a", "b c"]);
    expect(ev("REGEX_LOG_PARSE('a b c', '(.*) (.*)')")).toEqual(["a b", "c"]);
    expect(ev("FAST_REGEX_LOG_PARSER('x12y', '(?:x)(\\d{1,3})[a-z?]')")).toEqual(["12"]);
    expect(ev("W3C_LOG_PARSE('\"http://a/\" \"curl/8\"', '\"%[Referer]i\" \"%{User-agent}i\"')")).toEqual(["http://a/", "curl/8"]);
    expect(ev("VARIABLE_COLUMN_LOG_PARSE('a,12,\"x,y\"', 'A VARCHAR(5), B INTEGER, C VARCHAR(9)', ',')")).toEqual(["a", 12, "x,y"]);
    expect(ev("VARIABLE_COLUMN_LOG_PARSE('a|b', 2, '|')")).toEqual(["a", "b"]);
    expect(ev("VARIABLE_COLUMN_LOG_PARSE('x\ty', 'P TYPE VARCHAR(3) NOT NULL, Q TYPE VARCHAR(3)', U&'\\0009')")).toEqual(["x", "y"]);
    expect(ev("VARIABLE_COLUMN_LOG_PARSE('a,[b,c]', 2, ',', '', '[]')")).toEqual(["a", "b,c"]);
    expect(ev("FIXED_COLUMN_LOG_PARSE('ABCDE 1234', 'C1 TYPE VARCHAR(2) START 0 FOR 2, C2 TYPE VARCHAR(3) START 2 FOR 3, N TYPE INTEGER START 6 FOR 4')")).toEqual([
      "AB",
      "CDE",
      1234,
    ]);
    // The reference's examples: a format on a datetime column, and a last field running to the end.
    expect(
      ev("FIXED_COLUMN_LOG_PARSE('  1   true 01/Feb/2026:03:04:05', 'a TYPE Integer START 0 FOR 3, b TYPE boolean START 4 FOR 6, \"t\" TYPE TIMESTAMP ''dd/MMM/yyyy:HH:mm:ss'' START 11')"),
    ).toEqual([1, true, Date.UTC(2026, 1, 1, 3, 4, 5)]);
    expect(ev("SYS_LOG_PARSE('Mar  4 05:06:07 host app: hi')")).toEqual([Date.UTC(2026, 2, 4, 5, 6, 7), "host app: hi"]);
  });

  it("rejects ill-typed expressions at compile time with positions", () => {
    const err = (sql: string): SqlCompileError => {
      try {
        compile(sql);
      } catch (e) {
        if (e instanceof SqlCompileError) return e;
        throw e;
      }
      throw new Error("expected an error");
    };
    expect(err("S + 1").message).toBe("Cannot apply + to VARCHAR(20) and INTEGER at line 1, column 3");
    expect(err("I AND B").message).toContain("Expected a BOOLEAN operand");
    expect(err("NOSUCH").message).toBe('Column "NOSUCH" not found at line 1, column 1');
    expect(err("MIXED").message).toContain('did you mean "mixed"');
    expect(err("FOO(1)").message).toBe("Unknown function FOO at line 1, column 1");
    expect(err("COUNT(*)").message).toContain("Aggregate function COUNT is not allowed here");
    expect(err("CAST(TS AS BOOLEAN)").message).toContain("Cannot cast TIMESTAMP to BOOLEAN");
    expect(err("SUBSTRING(I, 1)").message).toContain("must be a character string");
    expect(err("TS = 1").message).toContain("Cannot compare TIMESTAMP with INTEGER");
  });

  it("marks ROWTIME-derived expressions monotonic", () => {
    expect(compile("STEP(ROWTIME BY INTERVAL '1' MINUTE)").mono?.groupEnd?.(60_000)).toBe(120_000);
    expect(compile("FLOOR(S1.ROWTIME TO HOUR)").mono?.groupEnd?.(0)).toBe(3_600_000);
    expect(compile("FLOOR((ROWTIME - TIMESTAMP '1970-01-01 00:00:00') SECOND / 10 TO SECOND)").mono?.rowtimeOnly).toBe(true);
    expect(compile("MONOTONIC(I)").mono).toBeDefined();
    expect(compile("FLOOR(TS TO MINUTE)").mono).toBeUndefined();
    expect(compile("EXTRACT(HOUR FROM ROWTIME)").mono).toBeUndefined();
  });
});
