import { describe, expect, it } from "vitest";
import { SqlCompileError } from "./errors.js";
import { tokenize } from "./lexer.js";
import { parseExpression, parseIntervalText, parseProgram } from "./parser.js";

function errorOf(sql: string): SqlCompileError {
  try {
    parseProgram(sql);
  } catch (err) {
    if (err instanceof SqlCompileError) return err;
    throw err;
  }
  throw new Error("expected a parse error");
}

describe("lexer", () => {
  it("folds unquoted identifiers and keeps quoted ones exact", () => {
    const toks = tokenize(`select "Mixed" mixed "a""b"`);
    expect(toks.map((t) => [t.kind, t.text])).toEqual([
      ["ident", "SELECT"],
      ["qident", "Mixed"],
      ["ident", "MIXED"],
      ["qident", 'a"b'],
      ["eof", ""],
    ]);
  });

  it("skips --, // and /* */ comments and tracks lines", () => {
    const toks = tokenize("a -- x\n// y\n/* z\n */ b");
    expect(toks.map((t) => [t.text, t.line, t.column])).toEqual([
      ["A", 1, 1],
      ["B", 4, 5],
      ["", 4, 6],
    ]);
  });

  it("reads strings with doubled quotes, binary and numeric literals", () => {
    const toks = tokenize("'it''s' X'3F' 1.5 2e3 .5 7");
    expect(toks.slice(0, 6).map((t) => [t.kind, t.text])).toEqual([
      ["string", "it's"],
      ["binary", "3F"],
      ["number", "1.5"],
      ["number", "2e3"],
      ["number", ".5"],
      ["number", "7"],
    ]);
  });

  it("reports unterminated strings with their position", () => {
    expect(() => tokenize("a\n  'abc")).toThrow("Unterminated string literal at line 2, column 3");
  });
});

describe("parser", () => {
  it("parses CREATE STREAM and CREATE PUMP with SELECT STREAM", () => {
    const [s, p] = parseProgram(`
      CREATE OR REPLACE STREAM "DEST" (device_id VARCHAR(16), "temp" DOUBLE, n DECIMAL(10,2), t TIMESTAMP);
      CREATE PUMP "P" AS INSERT INTO "DEST" (device_id, "temp")
        SELECT STREAM "device_id", "temp" FROM "SOURCE_SQL_STREAM_001" WHERE "temp" > 80`);
    expect(s).toMatchObject({
      type: "createStream",
      name: "DEST",
      orReplace: true,
      columns: [
        { name: "DEVICE_ID", sqlType: { kind: "VARCHAR", precision: 16 } },
        { name: "temp", sqlType: { kind: "DOUBLE" } },
        { name: "N", sqlType: { kind: "DECIMAL", precision: 10, scale: 2 } },
        { name: "T", sqlType: { kind: "TIMESTAMP" } },
      ],
    });
    expect(p).toMatchObject({ type: "createPump", name: "P", orReplace: false, target: "DEST", targetColumns: ["DEVICE_ID", "temp"] });
    if (p?.type !== "createPump") throw new Error();
    expect(p.query.stream).toBe(true);
    expect(p.query.where).toMatchObject({ type: "binary", op: ">" });
  });

  it("parses STEP, FLOOR TO, WINDOWED BY STAGGER, WINDOW and OVER", () => {
    const [p] = parseProgram(`CREATE PUMP p AS INSERT INTO d
      SELECT STREAM k, AVG(v) OVER w AS a, SUM(v) OVER (PARTITION BY k ROWS 2 PRECEDING) AS s
      FROM s WINDOW w AS (PARTITION BY k RANGE INTERVAL '1' MINUTE PRECEDING)`);
    if (p?.type !== "createPump") throw new Error();
    expect(p.query.windows[0]).toMatchObject({ name: "W", spec: { frame: { kind: "RANGE" } } });
    expect(p.query.items[2]?.expr).toMatchObject({ type: "call", name: "SUM", over: { kind: "spec", spec: { frame: { kind: "ROWS", count: 2 } } } });

    const [g] = parseProgram(`CREATE PUMP p AS INSERT INTO d SELECT STREAM k FROM s
      GROUP BY k, STEP(s.ROWTIME BY INTERVAL '30' SECOND), FLOOR(s.ROWTIME TO MINUTE)`);
    if (g?.type !== "createPump") throw new Error();
    expect(g.query.groupBy?.[1]).toMatchObject({ type: "call", name: "STEP" });
    expect(g.query.groupBy?.[2]).toMatchObject({ type: "call", name: "FLOOR", unit: "MINUTE" });

    const [st] = parseProgram(`CREATE PUMP p AS INSERT INTO d SELECT STREAM k, COUNT(*) FROM s
      WINDOWED BY STAGGER (PARTITION BY FLOOR(e TO MINUTE), k RANGE INTERVAL '1' MINUTE)`);
    if (st?.type !== "createPump") throw new Error();
    expect(st.query.stagger?.partitionBy).toHaveLength(2);
  });

  it("parses joins with windows, table functions with CURSOR, and sub-queries", () => {
    const [j] = parseProgram(`CREATE PUMP p AS INSERT INTO d
      SELECT STREAM a.id, b.v FROM "A" OVER (RANGE INTERVAL '10' SECOND PRECEDING) AS a
      FULL OUTER JOIN "B" AS b ON a.id = b.id`);
    if (j?.type !== "createPump") throw new Error();
    expect(j.query.from).toMatchObject({ type: "join", kind: "FULL", left: { type: "stream", name: "A", alias: "A", window: { kind: "spec" } } });

    const [t] = parseProgram(`CREATE PUMP p AS INSERT INTO d SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(
      CURSOR(SELECT STREAM * FROM "S"), 'COL', 5, 60))`);
    if (t?.type !== "createPump") throw new Error();
    expect(t.query.from).toMatchObject({ type: "tableFunction", name: "TOP_K_ITEMS_TUMBLING", args: [{ kind: "cursor" }, { kind: "expr" }, { kind: "expr" }, { kind: "expr" }] });

    const [q] = parseProgram(`CREATE PUMP p AS INSERT INTO d SELECT STREAM t.r.COLUMN1 FROM
      (SELECT STREAM REGEX_LOG_PARSE(line, '(\\w+)') AS r FROM s) AS t`);
    if (q?.type !== "createPump") throw new Error();
    expect(q.query.items[0]?.expr).toMatchObject({ type: "column", parts: ["T", "R", "COLUMN1"] });
  });

  it("parses expression forms: CASE, CAST, BETWEEN, IN, LIKE, SIMILAR TO, IS, POSITION, EXTRACT, SUBSTRING, TRIM", () => {
    const forms = [
      "CASE WHEN a > 1 THEN 'x' ELSE 'y' END",
      "CASE a WHEN 1 THEN 2 END",
      "CAST(a AS DECIMAL(5,2))",
      "a NOT BETWEEN 1 AND 2",
      "a IN (1, 2, 3)",
      "a NOT LIKE 'x%' ESCAPE '!'",
      "a SIMILAR TO '(b|c)%'",
      "a IS NOT NULL",
      "POSITION('a' IN b)",
      "EXTRACT(HOUR FROM ROWTIME)",
      "SUBSTRING(a FROM 2 FOR 3)",
      "TRIM(LEADING 'x' FROM a)",
      "(ROWTIME - TIMESTAMP '1970-01-01 00:00:00') SECOND / 10",
      "LAG(a, 2) IGNORE NULLS OVER w",
      "CURRENT_ROW_TIMESTAMP",
      "a || 'b' || c",
      "-2147483648",
    ];
    for (const f of forms) expect(() => parseExpression(f), f).not.toThrow();
    expect(parseExpression("1 + 2 * 3")).toMatchObject({ op: "+", right: { op: "*" } });
    expect(parseExpression("NOT a = 1 AND b OR c")).toMatchObject({ op: "OR", left: { op: "AND", left: { type: "unary" } } });
  });

  it("parses literals: intervals, timestamps, decimals", () => {
    expect(parseExpression("INTERVAL '59:59.999' MINUTE TO SECOND(3)")).toMatchObject({ value: 3_599_999 });
    expect(parseExpression("INTERVAL '1' DAY")).toMatchObject({ value: 86_400_000, sqlType: { kind: "INTERVAL_DAY_TIME" } });
    expect(parseExpression("INTERVAL '2-3' YEAR TO MONTH")).toMatchObject({ value: 27, sqlType: { kind: "INTERVAL_YEAR_MONTH" } });
    expect(parseExpression("TIMESTAMP '2018-11-01 01:00:00.5'")).toMatchObject({ value: Date.UTC(2018, 10, 1, 1, 0, 0, 500) });
    expect(parseExpression("DATE '2026-01-01'")).toMatchObject({ value: Date.UTC(2026, 0, 1) });
    expect(parseExpression("12.50")).toMatchObject({ value: 1250n, sqlType: { kind: "DECIMAL", scale: 2 } });
    expect(parseIntervalText("1 02:03", "DAY", "MINUTE")).toBe(86_400_000 + 2 * 3_600_000 + 3 * 60_000);
    expect(parseIntervalText("x", "SECOND", "SECOND")).toBeNull();
  });

  it("accepts a missing final semicolon and empty statements", () => {
    expect(parseProgram(";; CREATE STREAM s (a INT);; CREATE STREAM t (b INT)")).toHaveLength(2);
  });

  it("reports errors with line and column", () => {
    expect(errorOf("CREATE STREAM s (a INT,\n  b FOO)").pos).toEqual({ line: 2, column: 5 });
    const e = errorOf("CREATE PUMP p AS\nINSERT INTO d\nSELECT STREAM a FROM s WHERE");
    expect(e.message).toBe("Expected an expression but found end of input at line 3, column 29");
    const f = errorOf("CREATE OR REPLACE VIEW v AS SELECT 1");
    expect(f.message).toBe("Expected STREAM or PUMP but found 'VIEW' at line 1, column 19");
    expect(errorOf("CREATE STREAM s (a INT) CREATE STREAM t (b INT)").message).toContain("Expected ';' but found 'CREATE' at line 1, column 25");
    expect(errorOf("CREATE PUMP p AS INSERT INTO d SELECT STREAM a FROM s WHERE x = INTERVAL '1' FORTNIGHT").pos).toEqual({ line: 1, column: 78 });
    expect(errorOf("CREATE STREAM s (a DECIMAL(30,2))").message).toContain("Invalid DECIMAL(30,2)");
    expect(errorOf("CREATE PUMP p AS INSERT INTO d SELECT STREAM a FROM s WHERE t > TIMESTAMP '2026-13-01 00:00:00'").message).toContain(
      "Invalid TIMESTAMP literal",
    );
  });
});
