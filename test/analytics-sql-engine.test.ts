/** The engine API end to end: pumps, error_stream, reference tables, table functions, analysis errors. */
import { describe, expect, it } from "vitest";
import { compileApplication, SqlCompileError, type InputSchemaDescriptor } from "../src/analytics/sql/engine.js";
import { byRowtime, isRowtimeOrdered, runFixture } from "../src/analytics/sql/testing.js";
import type { Row } from "../src/analytics/sql/scope.js";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const SRC: InputSchemaDescriptor[] = [
  {
    name: "SOURCE_SQL_STREAM_001",
    columns: [
      { name: "device_id", type: "VARCHAR(16)" },
      { name: "temp", type: "DOUBLE" },
      { name: "reading", type: "VARCHAR(32)" },
    ],
  },
];

function collect(app: ReturnType<typeof compileApplication>, name: string): Row[] {
  const rows: Row[] = [];
  app.onOutput(name, (b) => rows.push(...b));
  return rows;
}

function compileErrorOf(sql: string, inputs = SRC): SqlCompileError {
  try {
    compileApplication(sql, inputs);
  } catch (err) {
    if (err instanceof SqlCompileError) return err;
    throw err;
  }
  throw new Error("expected a compile error");
}

describe("engine API", () => {
  it("runs the reference's minimal program and describes its streams and pumps", () => {
    const app = compileApplication(
      `CREATE OR REPLACE STREAM "HOT" (device_id VARCHAR(16), temp DOUBLE);
       CREATE OR REPLACE PUMP "HOT_PUMP" AS
         INSERT INTO "HOT" SELECT STREAM "device_id", "temp"
         FROM "SOURCE_SQL_STREAM_001" WHERE "temp" > 80;`,
      SRC,
    );
    const hot = collect(app, "HOT");
    app.push("SOURCE_SQL_STREAM_001", [["d1", 79.5, null], ["d2", 81, null], ["d3", null, null]], T0);
    expect(hot).toEqual([["d2", 81, T0]]);
    expect(app.streams.map((s) => [s.name, s.kind])).toEqual([
      ["SOURCE_SQL_STREAM_001", "input"],
      ["error_stream", "error"],
      ["HOT", "app"],
    ]);
    expect(app.streams.find((s) => s.name === "HOT")?.columns.map((c) => `${c.name} ${c.sqlType}`)).toEqual(["DEVICE_ID VARCHAR(16)", "TEMP DOUBLE"]);
    expect(app.pumps).toEqual([{ name: "HOT_PUMP", target: "HOT", sources: ["SOURCE_SQL_STREAM_001"] }]);
  });

  it("chains pumps through in-application streams and merges several pumps into one stream", () => {
    const app = compileApplication(
      `CREATE STREAM "STAGE" (d VARCHAR(16), t DOUBLE);
       CREATE STREAM "OUT" (d VARCHAR(16), f DOUBLE, src VARCHAR(4));
       CREATE PUMP "P1" AS INSERT INTO "STAGE" SELECT STREAM "device_id", "temp" FROM "SOURCE_SQL_STREAM_001";
       CREATE PUMP "P2" AS INSERT INTO "OUT" SELECT STREAM d, t * 9 / 5 + 32, 'conv' FROM "STAGE";
       CREATE PUMP "P3" AS INSERT INTO "OUT" (d, src) SELECT STREAM "device_id", 'raw' FROM "SOURCE_SQL_STREAM_001";`,
      SRC,
    );
    const out = collect(app, "OUT");
    app.push("SOURCE_SQL_STREAM_001", [["d1", 100, null]], T0);
    expect(byRowtime(out)).toEqual(byRowtime([["d1", 212, "conv", T0], ["d1", null, "raw", T0]]));
  });

  it("routes failing rows to error_stream with the documented columns and keeps running", () => {
    const app = compileApplication(
      `CREATE STREAM "OUT" (d VARCHAR(16), q DOUBLE, n INTEGER);
       CREATE PUMP "P" AS INSERT INTO "OUT"
       SELECT STREAM "device_id", 100 / "temp", CAST("reading" AS INTEGER) FROM "SOURCE_SQL_STREAM_001";`,
      SRC,
    );
    const out = collect(app, "OUT");
    const errors = collect(app, "error_stream");
    app.push("SOURCE_SQL_STREAM_001", [["ok", 4, "7"], ["zero", 0, "1"], ["bad", 2, "x"], ["after", 5, "3"]], T0);
    expect(out).toEqual([["ok", 25, 7, T0], ["after", 20, 3, T0]]);
    expect(errors).toHaveLength(2);
    const [e1, e2] = errors as [Row, Row];
    expect(e1.slice(0, 3)).toEqual([T0, "ERROR", "DIVISION_BY_ZERO"]);
    expect(e1[4]).toBe(T0);
    expect(Buffer.from(e1[5] as string, "hex").toString()).toBe('["zero",0,"1"]');
    expect(e1[6]).toBe("P");
    expect(e2[2]).toBe("CAST_ERROR");
    expect(e2[3]).toBe("Cannot cast 'x' to INTEGER");
    expect(app.streams.find((s) => s.name === "error_stream")?.columns.map((c) => c.name)).toEqual([
      "ERROR_TIME",
      "ERROR_LEVEL",
      "ERROR_NAME",
      "MESSAGE",
      "DATA_ROWTIME",
      "DATA_ROW",
      "PUMP_NAME",
    ]);
    app.reportInputError("SOURCE_SQL_STREAM_001", "COERCION_ERROR", "bad JSON", "{oops", T0);
    expect(errors[2]?.slice(2, 6)).toEqual(["COERCION_ERROR", "bad JSON", T0, Buffer.from("{oops").toString("hex")]);
  });

  it("truncates over-long strings and converts numbers on insert", () => {
    const app = compileApplication(
      `CREATE STREAM "OUT" (d VARCHAR(3), n DECIMAL(6,2), i INTEGER, c CHAR(4));
       CREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "device_id", "temp", "temp", 'ab' FROM "SOURCE_SQL_STREAM_001";`,
      SRC,
    );
    const out = collect(app, "OUT");
    app.push("SOURCE_SQL_STREAM_001", [["device-1", 12.345, null]], T0);
    expect(out).toEqual([["dev", 1235n, 12, "ab  ", T0]]);
  });

  it("closes tumbling windows when time advances without data, in ROWTIME order across pumps", () => {
    const app = compileApplication(
      `CREATE STREAM "OUT" (kind VARCHAR(8), n BIGINT);
       CREATE PUMP "A" AS INSERT INTO "OUT" SELECT STREAM 'minute', COUNT(*) FROM "SOURCE_SQL_STREAM_001"
         GROUP BY FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE);
       CREATE PUMP "B" AS INSERT INTO "OUT" SELECT STREAM '10s', COUNT(*) FROM "SOURCE_SQL_STREAM_001"
         GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);`,
      SRC,
    );
    const out = collect(app, "OUT");
    app.push("SOURCE_SQL_STREAM_001", [["a", 1, null], ["b", 2, null]], T0 + 5_000);
    app.push("SOURCE_SQL_STREAM_001", [["c", 1, null]], T0 + 45_000);
    expect(out).toEqual([["10s", 2, T0 + 10_000]]);
    app.advanceTime(T0 + 120_000);
    expect(out).toEqual([
      ["10s", 2, T0 + 10_000],
      ["10s", 1, T0 + 50_000],
      ["minute", 3, T0 + 60_000],
    ]);
    expect(isRowtimeOrdered(out)).toBe(true);
  });

  it("groups on arithmetic ROWTIME expressions and closes on change or bound", () => {
    const out = runFixture(
      {
        sql: `CREATE STREAM "OUT" (n BIGINT);
              CREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM COUNT(*) FROM "SOURCE_SQL_STREAM_001"
              GROUP BY FLOOR(("SOURCE_SQL_STREAM_001".ROWTIME - TIMESTAMP '1970-01-01 00:00:00') SECOND / 10 TO SECOND);`,
        inputs: SRC,
        events: [
          { stream: "SOURCE_SQL_STREAM_001", rowtime: T0 + 1000, rows: [["a", 1, null]] },
          { stream: "SOURCE_SQL_STREAM_001", rowtime: T0 + 9000, rows: [["a", 1, null]] },
          { stream: "SOURCE_SQL_STREAM_001", rowtime: T0 + 10_500, rows: [["a", 1, null]] },
          { bound: T0 + 30_000 },
        ],
      },
      ["OUT"],
    ).OUT!;
    expect(out).toEqual([
      [2, T0 + 10_500],
      [1, T0 + 30_000],
    ]);
  });

  it("HAVING and ORDER BY on grouped output", () => {
    const out = runFixture(
      {
        sql: `CREATE STREAM "OUT" (d VARCHAR(16), n BIGINT);
              CREATE PUMP "P" AS INSERT INTO "OUT"
              SELECT STREAM "device_id", COUNT(*) AS n FROM "SOURCE_SQL_STREAM_001" AS s
              GROUP BY "device_id", FLOOR(s.ROWTIME TO SECOND)
              HAVING n > 1
              ORDER BY FLOOR(s.ROWTIME TO SECOND), n DESC;`,
        inputs: SRC,
        events: [
          { stream: "SOURCE_SQL_STREAM_001", rowtime: T0, rows: [["a", 1, null], ["b", 1, null], ["b", 1, null], ["c", 1, null], ["c", 1, null], ["c", 1, null]] },
          { bound: T0 + 1000 },
        ],
      },
      ["OUT"],
    ).OUT!;
    expect(out).toEqual([
      ["c", 3, T0 + 1000],
      ["b", 2, T0 + 1000],
    ]);
  });

  it("joins a stream to a reference table, inner and left", () => {
    const tables = [
      {
        name: "DEVICES",
        columns: [
          { name: "device_id", type: "VARCHAR(16)" },
          { name: "site", type: "VARCHAR(16)" },
        ],
        rows: [
          ["d1", "north"],
          ["d2", "south"],
        ],
      },
    ];
    const sql = `CREATE STREAM "OUT" (d VARCHAR(16), site VARCHAR(16));
      CREATE PUMP "P" AS INSERT INTO "OUT"
      SELECT STREAM s."device_id", r."site" FROM "SOURCE_SQL_STREAM_001" AS s
      LEFT JOIN "DEVICES" AS r ON s."device_id" = r."device_id";
      CREATE STREAM "INNER_OUT" (d VARCHAR(16), site VARCHAR(16));
      CREATE PUMP "P2" AS INSERT INTO "INNER_OUT"
      SELECT STREAM s."device_id", r."site" FROM "SOURCE_SQL_STREAM_001" AS s
      JOIN "DEVICES" AS r ON s."device_id" = r."device_id" AND r."site" <> 'south';`;
    const app = compileApplication(sql, SRC, tables);
    const out = collect(app, "OUT");
    const inner = collect(app, "INNER_OUT");
    app.push("SOURCE_SQL_STREAM_001", [["d1", 1, null], ["d9", 1, null], ["d2", 1, null]], T0);
    expect(out).toEqual([["d1", "north", T0], ["d9", null, T0], ["d2", "south", T0]]);
    expect(inner).toEqual([["d1", "north", T0]]);
    app.updateReferenceTable("DEVICES", [["d9", "east"]]);
    app.push("SOURCE_SQL_STREAM_001", [["d9", 1, null]], T0 + 1);
    expect(out.at(-1)).toEqual(["d9", "east", T0 + 1]);
  });

  it("joins a reference table on the left to a stream: INNER, RIGHT and SELECT * keep the table's columns first", () => {
    const tables = [
      {
        name: "DEVICES",
        columns: [
          { name: "device_id", type: "VARCHAR(16)" },
          { name: "site", type: "VARCHAR(16)" },
        ],
        rows: [
          ["d1", "north"],
          ["d2", "south"],
        ],
      },
    ];
    const sql = `CREATE STREAM "RIGHT_OUT" (site VARCHAR(16), d VARCHAR(16), rt TIMESTAMP);
      CREATE PUMP "P" AS INSERT INTO "RIGHT_OUT"
      SELECT STREAM r."site", s."device_id", s.ROWTIME AS rt FROM "DEVICES" AS r
      RIGHT OUTER JOIN "SOURCE_SQL_STREAM_001" AS s ON r."device_id" = s."device_id";
      CREATE STREAM "INNER_OUT" (device_id VARCHAR(16), site VARCHAR(16), d VARCHAR(16), v INTEGER, x VARCHAR(4));
      CREATE PUMP "P2" AS INSERT INTO "INNER_OUT"
      SELECT STREAM * FROM "DEVICES" JOIN "SOURCE_SQL_STREAM_001" AS s ON "DEVICES"."site" = 'north' AND s."device_id" = "DEVICES"."device_id";`;
    const app = compileApplication(sql, SRC, tables);
    const right = collect(app, "RIGHT_OUT");
    const inner = collect(app, "INNER_OUT");
    app.push("SOURCE_SQL_STREAM_001", [["d1", 1, "x"], ["d9", 2, null], ["d2", 3, null]], T0);
    expect(right).toEqual([["north", "d1", T0, T0], [null, "d9", T0, T0], ["south", "d2", T0, T0]]);
    expect(inner).toEqual([["d1", "north", "d1", 1, "x", T0]]);
    for (const kind of ["LEFT", "FULL"]) {
      expect(() => compileApplication(`CREATE STREAM "O" (d VARCHAR(16)); CREATE PUMP "P" AS INSERT INTO "O"
        SELECT STREAM s."device_id" FROM "DEVICES" AS r ${kind} JOIN "SOURCE_SQL_STREAM_001" AS s ON r."device_id" = s."device_id";`, SRC, tables)).toThrow(/not supported.*put the stream first/);
    }
  });

  it("joins with ROWS windows keep the latest n rows of the windowed side", () => {
    const inputs = ["A", "B"].map((name) => ({ name, columns: [{ name: "K", type: "INTEGER" }, { name: "V", type: "INTEGER" }] }));
    const out = runFixture(
      {
        sql: `CREATE STREAM "O" (AV INTEGER, BV INTEGER);
              CREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM a.V, b.V
              FROM "A" OVER (ROWS 2 PRECEDING) AS a JOIN "B" AS b ON a.K = b.K;`,
        inputs,
        events: [
          { stream: "A", rowtime: T0, rows: [[1, 1]] },
          { stream: "A", rowtime: T0 + 1, rows: [[1, 2]] },
          { stream: "A", rowtime: T0 + 2, rows: [[1, 3]] },
          { stream: "B", rowtime: T0 + 3, rows: [[1, 100]] },
        ],
      },
      ["O"],
    ).O!;
    expect(out).toEqual([
      [2, 100, T0 + 3],
      [3, 100, T0 + 3],
    ]);
  });

  it("reads ROW fields of log parsers through a derived table", () => {
    const app = compileApplication(
      `CREATE STREAM "OUT" (method VARCHAR(8), path VARCHAR(64), status INTEGER);
       CREATE PUMP "P" AS INSERT INTO "OUT"
       SELECT STREAM t.r.COLUMN1, t.r.COLUMN2, CAST(t.r.COLUMN3 AS INTEGER)
       FROM (SELECT STREAM REGEX_LOG_PARSE("reading", '(\\w+) (\\S+) (\\d+)') AS r FROM "SOURCE_SQL_STREAM_001") AS t
       WHERE t.r IS NOT NULL;`,
      SRC,
    );
    const out = collect(app, "OUT");
    app.push("SOURCE_SQL_STREAM_001", [["x", 0, "GET /index.html 200"], ["x", 0, "garbage"]], T0);
    expect(out).toEqual([["GET", "/index.html", 200, T0]]);
  });

  it("lets user code assign ROWTIME and sends out-of-order rows to error_stream", () => {
    const inputs: InputSchemaDescriptor[] = [{ name: "S", columns: [{ name: "EVT", type: "TIMESTAMP" }] }];
    const app = compileApplication(
      `CREATE STREAM "OUT" (EVT TIMESTAMP);
       CREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM EVT AS ROWTIME, EVT FROM S;`,
      inputs,
    );
    const out = collect(app, "OUT");
    const errors = collect(app, "error_stream");
    app.push("S", [[T0 + 500], [T0 + 100], [T0 + 700]], T0 + 1000);
    expect(out).toEqual([
      [T0 + 500, T0 + 500],
      [T0 + 700, T0 + 700],
    ]);
    expect(errors.map((e) => e[2])).toEqual(["OUT_OF_ORDER_ROWTIME"]);
  });

  it("TOP_K_ITEMS_TUMBLING and COUNT_DISTINCT_ITEMS_TUMBLING emit at each window end", () => {
    const sql = `
      CREATE STREAM "TOPK" ("device_id" VARCHAR(16), "MOST_FREQUENT_VALUES" BIGINT);
      CREATE PUMP "P1" AS INSERT INTO "TOPK"
      SELECT STREAM * FROM TABLE(TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 'device_id', 2, 60));
      CREATE STREAM "DISTINCT" (NUMBER_OF_DISTINCT_ITEMS BIGINT);
      CREATE PUMP "P2" AS INSERT INTO "DISTINCT"
      SELECT STREAM NUMBER_OF_DISTINCT_ITEMS FROM TABLE(COUNT_DISTINCT_ITEMS_TUMBLING(
        CURSOR(SELECT STREAM "device_id" FROM "SOURCE_SQL_STREAM_001"), 'device_id', 60));`;
    const rows = ["a", "b", "a", "c", "a", "b"].map((d) => [d, 0, null]);
    const got = runFixture(
      {
        sql,
        inputs: SRC,
        events: [
          { stream: "SOURCE_SQL_STREAM_001", rowtime: T0 + 1000, rows },
          { stream: "SOURCE_SQL_STREAM_001", rowtime: T0 + 61_000, rows: [["z", 0, null]] },
          { bound: T0 + 200_000 },
        ],
      },
      ["TOPK", "DISTINCT"],
    );
    expect(got.TOPK).toEqual([
      ["a", 3, T0 + 60_000],
      ["b", 2, T0 + 60_000],
      ["z", 1, T0 + 120_000],
    ]);
    expect(got.DISTINCT).toEqual([
      [3, T0 + 60_000],
      [1, T0 + 120_000],
    ]);
  });

  it("RANDOM_CUT_FOREST scores an outlier far above ordinary points, deterministically", () => {
    const inputs: InputSchemaDescriptor[] = [{ name: "S", columns: [{ name: "X", type: "DOUBLE" }, { name: "Y", type: "DOUBLE" }] }];
    const sql = `
      CREATE STREAM "OUT" (X DOUBLE, Y DOUBLE, ANOMALY_SCORE DOUBLE);
      CREATE PUMP "P" AS INSERT INTO "OUT"
      SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM S), 25, 64, 100000, 1));
      CREATE STREAM "EXPL" (X DOUBLE, Y DOUBLE, ANOMALY_SCORE DOUBLE, ANOMALY_EXPLANATION VARCHAR(2000));
      CREATE PUMP "P2" AS INSERT INTO "EXPL"
      SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST_WITH_EXPLANATION(CURSOR(SELECT STREAM * FROM S), 25, 64, 100000, 1, true));`;
    const run = (): Record<string, Row[]> => {
      const events = [];
      for (let i = 0; i < 400; i++) {
        const x = 10 + Math.sin(i / 5);
        events.push({ stream: "S", rowtime: T0 + i * 1000, rows: [[x, x * 2]] });
      }
      events.push({ stream: "S", rowtime: T0 + 400_000, rows: [[10.5, 80]] });
      return runFixture({ sql, inputs, events }, ["OUT", "EXPL"]);
    };
    const a = run();
    expect(run()).toEqual(a);
    const scores = a.OUT!.map((r) => r[2] as number);
    expect(scores.slice(0, 64).every((s) => s === 0)).toBe(true);
    const ordinary = scores.slice(200, 400);
    const mean = ordinary.reduce((x, y) => x + y, 0) / ordinary.length;
    const outlier = scores[400] as number;
    expect(mean).toBeGreaterThan(0);
    expect(outlier).toBeGreaterThan(3 * mean);
    const explanation = JSON.parse(a.EXPL!.at(-1)![3] as string) as Record<string, { DIRECTION: string; STRENGTH: string; ATTRIBUTION_SCORE: string }>;
    expect(explanation.Y?.DIRECTION).toBe("HIGH");
    expect(Number(explanation.Y?.ATTRIBUTION_SCORE)).toBeGreaterThan(Number(explanation.X?.ATTRIBUTION_SCORE));
    // Attribution scores add up to the anomaly score, as in the AWS example's output.
    expect(Number(explanation.X?.ATTRIBUTION_SCORE) + Number(explanation.Y?.ATTRIBUTION_SCORE)).toBeCloseTo(a.EXPL!.at(-1)![2] as number, 3);
  });

  it("HOTSPOTS reports a dense region", () => {
    const inputs: InputSchemaDescriptor[] = [{ name: "S", columns: [{ name: "X", type: "DOUBLE" }, { name: "Y", type: "DOUBLE" }] }];
    const sql = `
      CREATE STREAM "OUT" (X DOUBLE, Y DOUBLE, HOTSPOTS_RESULT VARCHAR(10000));
      CREATE PUMP "P" AS INSERT INTO "OUT"
      SELECT STREAM * FROM TABLE(HOTSPOTS(CURSOR(SELECT STREAM * FROM S), 100, 1.0, 5));`;
    const events = [];
    for (let i = 0; i < 60; i++) {
      const dense = i % 2 === 0;
      const x = dense ? 5 + (i % 7) * 0.05 : 20 + ((i * 37) % 80);
      const y = dense ? 5 + (i % 5) * 0.05 : 20 + ((i * 53) % 80);
      events.push({ stream: "S", rowtime: T0 + i, rows: [[x, y]] });
    }
    const out = runFixture({ sql, inputs, events }, ["OUT"]).OUT!;
    const last = JSON.parse(out.at(-1)![2] as string) as { hotspots: { density: number; minValues: number[]; maxValues: number[] }[] };
    expect(last.hotspots.length).toBeGreaterThanOrEqual(1);
    const top = last.hotspots[0]!;
    expect(top.minValues[0]).toBeGreaterThanOrEqual(5);
    expect(top.maxValues[0]).toBeLessThanOrEqual(5.5);
    expect(top.density).toBeGreaterThan(1);
  });

  it("reports analysis errors with line and column", () => {
    expect(
      compileErrorOf(`CREATE STREAM "O" (n BIGINT);
CREATE PUMP "P" AS INSERT INTO "O"
SELECT STREAM COUNT(*) FROM "SOURCE_SQL_STREAM_001" GROUP BY "device_id";`).message,
    ).toBe(
      "A streaming GROUP BY needs a monotonic expression, such as STEP(ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(ROWTIME TO MINUTE) at line 3, column 62",
    );
    expect(compileErrorOf(`CREATE STREAM "O" (n BIGINT);\nCREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM n FROM "NOPE";`).message).toBe(
      'Stream "NOPE" not found at line 2, column 57',
    );
    expect(compileErrorOf(`CREATE STREAM "O" (n TIMESTAMP);\nCREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM "temp" FROM "SOURCE_SQL_STREAM_001";`).message).toBe(
      'Cannot insert DOUBLE ("temp") into column "N" of type TIMESTAMP at line 2, column 50',
    );
    expect(compileErrorOf(`CREATE STREAM "O" (n DOUBLE);\nCREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM temp FROM "SOURCE_SQL_STREAM_001";`).message).toContain(
      'Column "TEMP" not found (did you mean "temp"?',
    );
    expect(
      compileErrorOf(`CREATE STREAM "O" (d VARCHAR(9), n BIGINT);
CREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM "device_id", "temp" FROM "SOURCE_SQL_STREAM_001"
GROUP BY FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE);`).message,
    ).toBe('Column "device_id" must appear in GROUP BY or inside an aggregate function at line 2, column 50');
    expect(
      compileErrorOf(`CREATE STREAM "O" (n BIGINT);
CREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM COUNT(DISTINCT "device_id") FROM "SOURCE_SQL_STREAM_001"
GROUP BY FLOOR("SOURCE_SQL_STREAM_001".ROWTIME TO MINUTE);`).message,
    ).toContain("COUNT(DISTINCT ...) is not supported in a streaming GROUP BY");
    expect(compileErrorOf(`CREATE STREAM "O" (n BIGINT);\nCREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM AVG("temp") OVER w FROM "SOURCE_SQL_STREAM_001";`).message).toBe(
      'Window "W" is not defined at line 2, column 67',
    );
    expect(compileErrorOf(`CREATE STREAM "O" (n BIGINT); CREATE STREAM "O" (m BIGINT);`).message).toContain('Stream "O" already exists');
    expect(() => compileApplication(`CREATE STREAM "O" (n BIGINT); CREATE OR REPLACE STREAM "O" (m BIGINT);`, SRC)).not.toThrow();
    expect(
      compileErrorOf(`CREATE STREAM "O" (n DOUBLE); CREATE PUMP P AS INSERT INTO "O" SELECT STREAM "temp" FROM "SOURCE_SQL_STREAM_001";
        CREATE OR REPLACE STREAM "O" (m BIGINT);`).message,
    ).toContain('Stream "O" cannot be replaced after a pump uses it');
    expect(compileErrorOf(`CREATE STREAM "${"X".repeat(33)}" (n BIGINT);`).message).toContain("longer than 32 characters");
    expect(compileErrorOf(`CREATE STREAM "O" (n INTERVAL SECOND);`).message).toBe('Column "N": INTERVAL cannot be the type of a stream column at line 1, column 20');
    expect(
      compileErrorOf(`CREATE STREAM "O" (d VARCHAR(9), n BIGINT);
CREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM "device_id", COUNT(*) FROM "SOURCE_SQL_STREAM_001"
WINDOWED BY STAGGER (PARTITION BY "reading" RANGE INTERVAL '1' MINUTE);`).message,
    ).toBe('Column "device_id" must appear in WINDOWED BY STAGGER (PARTITION BY ...) or inside an aggregate function at line 2, column 50');
    expect(compileErrorOf(`CREATE STREAM "O" (n BIGINT);\nCREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM * FROM "error_stream";`).message).toContain(
      "error_stream cannot be read",
    );
    expect(compileErrorOf(`CREATE STREAM "O" (n BIGINT);\nCREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM "temp", 1 FROM "SOURCE_SQL_STREAM_001";`).message).toContain(
      "The query returns 2 columns but \"O\" accepts 1",
    );
  });
});

describe("aggregate catalog", () => {
  const inputs: InputSchemaDescriptor[] = [{ name: "S", columns: [{ name: "K", type: "VARCHAR(4)" }, { name: "V", type: "DOUBLE" }, { name: "M", type: "DECIMAL(8,2)" }] }];
  const rows = [
    ["a", 1, 100n],
    ["a", null, 250n],
    ["a", 3, null],
    ["a", 6, 1n],
  ];

  it("statistics, first/last values and decimal sums in a tumbling window", () => {
    const sql = `
      CREATE STREAM O (VP DOUBLE, VS DOUBLE, SP DOUBLE, SS DOUBLE, FV DOUBLE, LV DOUBLE, SM DECIMAL(10,2), AM DECIMAL(10,2), EV BOOLEAN, AN BOOLEAN, C BIGINT);
      CREATE PUMP P AS INSERT INTO O
      SELECT STREAM VAR_POP(V), VAR_SAMP(V), STDDEV_POP(V), STDDEV_SAMP(V), FIRST_VALUE(V), LAST_VALUE(V), SUM(M), AVG(M),
             EVERY(V > 0), ANY(V > 5), COUNT(V)
      FROM S GROUP BY FLOOR(S.ROWTIME TO MINUTE)`;
    const out = runFixture({ sql, inputs, events: [{ stream: "S", rowtime: T0, rows }, { bound: T0 + 60_000 }] }, ["O"]).O!;
    const [vp, vs, sp, ss, fv, lv, sm, am, ev, an, c, rt] = out[0] as unknown[];
    // Values 1, 3, 6: mean 10/3, squared deviations sum 14/3 + 0.111.. = 12.666..
    expect(vp).toBeCloseTo(38 / 9, 10);
    expect(vs).toBeCloseTo(38 / 6, 10);
    expect(sp).toBeCloseTo(Math.sqrt(38 / 9), 10);
    expect(ss).toBeCloseTo(Math.sqrt(38 / 6), 10);
    expect([fv, lv, sm, am, ev, an, c, rt]).toEqual([1, 6, 351n, 117n, true, true, 3, T0 + 60_000]);
  });

  it("LAG with IGNORE NULLS and defaults, NTH_VALUE, COUNT(DISTINCT) and EXP_AVG over windows", () => {
    const sql = `
      CREATE STREAM O (L1 DOUBLE, L2 DOUBLE, LI DOUBLE, N2 DOUBLE, CD BIGINT, EA DOUBLE);
      CREATE PUMP P AS INSERT INTO O
      SELECT STREAM LAG(V) OVER w, LAG(V, 2, -1) OVER w, LAG(V) IGNORE NULLS OVER w, NTH_VALUE(V, 2) OVER w,
             COUNT(DISTINCT K) OVER w, EXP_AVG(V, INTERVAL '1' SECOND) OVER w
      FROM S WINDOW w AS (RANGE INTERVAL '1' MINUTE PRECEDING)`;
    const events = rows.map((r, i) => ({ stream: "S", rowtime: T0 + i * 1000, rows: [r] }));
    const out = runFixture({ sql, inputs, events }, ["O"]).O!;
    expect(out.map((r) => r.slice(0, 5))).toEqual([
      [null, -1, null, null, 1],
      [1, -1, 1, null, 1],
      [null, 1, 1, null, 1],
      [3, null, 3, null, 1],
    ]);
    // EXP_AVG halves old weights every second: after 1 (t=0), 3 (t=2 s), 6 (t=3 s).
    const w1 = 0.25 * 0.5;
    const w3 = 0.5;
    expect(out[3]![5]).toBeCloseTo((1 * w1 + 3 * w3 + 6) / (w1 + w3 + 1), 10);
    expect(out[1]![3]).toBeNull(); // NTH_VALUE(V, 2) counts the NULL row: the 2nd value is NULL
    expect(out[2]![3]).toBeNull();
  });

  it("outer joins can re-emit matched rows at window end for compatibility with the AWS examples", () => {
    const joinInputs = ["A", "B"].map((name) => ({ name, columns: [{ name: "K", type: "INTEGER" }] }));
    const sql = `CREATE STREAM O (AK INTEGER, BK INTEGER);
      CREATE PUMP P AS INSERT INTO O SELECT STREAM a.K, b.K FROM "A" OVER (RANGE INTERVAL '1' SECOND PRECEDING) AS a
      LEFT JOIN "B" AS b ON a.K = b.K`;
    const events = [
      { stream: "A", rowtime: T0, rows: [[1]] },
      { stream: "B", rowtime: T0 + 500, rows: [[1]] },
      { bound: T0 + 5000 },
    ];
    expect(runFixture({ sql, inputs: joinInputs, events }, ["O"]).O).toEqual([[1, 1, T0 + 500]]);
    expect(runFixture({ sql, inputs: joinInputs, events, options: { outerJoinEmitsMatchedRows: true } }, ["O"]).O).toEqual([
      [1, 1, T0 + 500],
      [1, null, T0 + 1000],
    ]);
  });
});

describe("LAG without a frame", () => {
  it("reaches back n non-NULL values per partition", () => {
    const inputs: InputSchemaDescriptor[] = [{ name: "S", columns: [{ name: "K", type: "VARCHAR(4)" }, { name: "V", type: "INTEGER" }] }];
    const sql = `CREATE STREAM O (K VARCHAR(4), V INTEGER, P INTEGER, D INTEGER);
      CREATE PUMP P AS INSERT INTO O
      SELECT STREAM K, V, LAG(V) IGNORE NULLS OVER (PARTITION BY K), V - LAG(V, 1, 0) OVER (PARTITION BY K) FROM S`;
    const vals: [string, number | null][] = [["a", 1], ["b", 10], ["a", null], ["a", null], ["a", 4], ["b", 15]];
    const events = vals.map((r, i) => ({ stream: "S", rowtime: T0 + i, rows: [[...r]] }));
    const out = runFixture({ sql, inputs, events }, ["O"]).O!;
    expect(out.map((r) => r.slice(0, 4))).toEqual([
      ["a", 1, null, 1],
      ["b", 10, null, 10],
      ["a", null, 1, null],
      ["a", null, 1, null],
      ["a", 4, 1, null],
      ["b", 15, 10, 5],
    ]);
  });
});

describe("DISTINCT and GROUP_RANK", () => {
  const inputs: InputSchemaDescriptor[] = [{ name: "S", columns: [{ name: "K", type: "VARCHAR(4)" }, { name: "V", type: "INTEGER" }] }];

  it("SELECT STREAM DISTINCT groups on every item and needs a monotonic one", () => {
    const sql = `CREATE STREAM O (K VARCHAR(4), M TIMESTAMP);
      CREATE PUMP P AS INSERT INTO O SELECT STREAM DISTINCT K, FLOOR(S.ROWTIME TO MINUTE) FROM S`;
    const events = [
      { stream: "S", rowtime: T0, rows: [["a", 1], ["b", 2], ["a", 3]] },
      { stream: "S", rowtime: T0 + 61_000, rows: [["a", 1]] },
      { bound: T0 + 120_000 },
    ];
    const out = runFixture({ sql, inputs, events }, ["O"]).O!;
    expect(byRowtime(out)).toEqual(
      byRowtime([
        ["a", T0, T0 + 60_000],
        ["b", T0, T0 + 60_000],
        ["a", T0 + 60_000, T0 + 120_000],
      ]),
    );
    expect(() => compileApplication(`CREATE STREAM O (K VARCHAR(4)); CREATE PUMP P AS INSERT INTO O SELECT STREAM DISTINCT K FROM S`, inputs)).toThrow(
      "monotonic",
    );
  });

  it("GROUP_RANK ranks the rows of each ROWTIME", () => {
    const sql = `CREATE STREAM O (K VARCHAR(4), V INTEGER, "groupRank" INTEGER);
      CREATE PUMP P AS INSERT INTO O SELECT STREAM * FROM TABLE(group_rank(CURSOR(SELECT STREAM * FROM S), 'V', 'groupRank', 'DESC', 'ASC', 1000, 3))`;
    const events = [
      { stream: "S", rowtime: T0, rows: [["a", 5], ["b", 9], ["c", 5], ["d", 1]] },
      { stream: "S", rowtime: T0 + 10, rows: [["e", 2]] },
      { bound: T0 + 1000 },
    ];
    const out = runFixture({ sql, inputs, events }, ["O"]).O!;
    expect(out).toEqual([
      ["b", 9, 1, T0],
      ["a", 5, 2, T0],
      ["c", 5, 2, T0],
      ["e", 2, 1, T0 + 10],
    ]);
  });
});

describe("the AWS anomaly-explanation example program (dev/app-anom-with-exp-create-app)", () => {
  it("scores, explains and sorts each second's rows by descending anomaly score", () => {
    const sql = `
   --Creates a temporary stream.
   CREATE OR REPLACE STREAM "TEMP_STREAM" (
   	        "Systolic"                  INTEGER,
   	        "Diastolic"                 INTEGER,
   	        "BloodPressureLevel"        varchar(20),
   	        "ANOMALY_SCORE"             DOUBLE,
   	        "ANOMALY_EXPLANATION"       varchar(512));

   --Creates another stream for application output.
   CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
   	        "Systolic"                  INTEGER,
   	        "Diastolic"                 INTEGER,
   	        "BloodPressureLevel"        varchar(20),
   	        "ANOMALY_SCORE"             DOUBLE,
   	        "ANOMALY_EXPLANATION"       varchar(512));

   -- Compute an anomaly score with explanation for each record in the input stream
   -- using RANDOM_CUT_FOREST_WITH_EXPLANATION
   CREATE OR REPLACE PUMP "STREAM_PUMP" AS
      INSERT INTO "TEMP_STREAM"
         SELECT STREAM "Systolic", "Diastolic", "BloodPressureLevel", ANOMALY_SCORE, ANOMALY_EXPLANATION
         FROM TABLE(RANDOM_CUT_FOREST_WITH_EXPLANATION(
                 CURSOR(SELECT STREAM * FROM "SOURCE_SQL_STREAM_001"), 100, 256, 100000, 1, true));

   -- Sort records by descending anomaly score, insert into output stream
   CREATE OR REPLACE PUMP "OUTPUT_PUMP" AS
      INSERT INTO "DESTINATION_SQL_STREAM"
         SELECT STREAM * FROM "TEMP_STREAM"
         ORDER BY FLOOR("TEMP_STREAM".ROWTIME TO SECOND), ANOMALY_SCORE DESC;`;
    const inputs: InputSchemaDescriptor[] = [
      {
        name: "SOURCE_SQL_STREAM_001",
        columns: [
          { name: "Systolic", type: "INTEGER" },
          { name: "Diastolic", type: "INTEGER" },
          { name: "BloodPressureLevel", type: "VARCHAR(20)" },
        ],
      },
    ];
    const app = compileApplication(sql, inputs);
    const out = collect(app, "DESTINATION_SQL_STREAM");
    let x = 7;
    const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % 1000) / 1000;
    for (let s = 0; s < 60; s++) {
      const rows: unknown[][] = [];
      for (let i = 0; i < 10; i++) rows.push([100 + Math.floor(rnd() * 20), 60 + Math.floor(rnd() * 20), "NORMAL"]);
      if (s === 50) rows.push([190, 130, "HIGH"]);
      app.push("SOURCE_SQL_STREAM_001", rows, T0 + s * 1000 + 100);
    }
    app.advanceTime(T0 + 61_000);
    expect(out).toHaveLength(601);
    expect(isRowtimeOrdered(out)).toBe(true);
    // Each second is emitted at its end, sorted by descending score.
    const second50 = out.filter((r) => r[5] === T0 + 51_000);
    expect(second50).toHaveLength(11);
    const scores = second50.map((r) => r[3] as number);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(second50[0]!.slice(0, 3)).toEqual([190, 130, "HIGH"]);
    const explanation = JSON.parse(second50[0]![4] as string) as Record<string, Record<string, string>>;
    expect(Object.keys(explanation)).toEqual(["Systolic", "Diastolic"]);
    expect(explanation.Systolic?.DIRECTION).toBe("HIGH");
    expect(explanation.Diastolic?.DIRECTION).toBe("HIGH");
    expect(scores[0]).toBeGreaterThan(2 * (scores[1] as number));
  });
});

describe("join windows from the WINDOW clause", () => {
  it("OVER w on a join side uses the named window", () => {
    const inputs = ["A", "B"].map((name) => ({ name, columns: [{ name: "K", type: "INTEGER" }] }));
    const sql = `CREATE STREAM O (AK INTEGER, BK INTEGER);
      CREATE PUMP P AS INSERT INTO O SELECT STREAM a.K, b.K FROM "A" OVER w AS a JOIN "B" AS b ON a.K = b.K
      WINDOW w AS (RANGE INTERVAL '2' SECOND PRECEDING)`;
    const events = [
      { stream: "A", rowtime: T0, rows: [[1]] },
      { stream: "B", rowtime: T0 + 2000, rows: [[1]] },
      { stream: "B", rowtime: T0 + 2001, rows: [[1]] },
    ];
    expect(runFixture({ sql, inputs, events }, ["O"]).O).toEqual([[1, 1, T0 + 2000]]);
  });
});

describe("several monotonic GROUP BY keys", () => {
  it("a change of any of them closes the open groups", () => {
    const inputs: InputSchemaDescriptor[] = [{ name: "S", columns: [{ name: "V", type: "INTEGER" }] }];
    const sql = `CREATE STREAM O (M TIMESTAMP, T TIMESTAMP, N BIGINT);
      CREATE PUMP P AS INSERT INTO O SELECT STREAM FLOOR(S.ROWTIME TO MINUTE), STEP(S.ROWTIME BY INTERVAL '10' SECOND), COUNT(*)
      FROM S GROUP BY FLOOR(S.ROWTIME TO MINUTE), STEP(S.ROWTIME BY INTERVAL '10' SECOND)`;
    const events = [
      { stream: "S", rowtime: T0 + 1000, rows: [[1], [2]] },
      { stream: "S", rowtime: T0 + 12_000, rows: [[3]] },
      { bound: T0 + 30_000 },
    ];
    expect(runFixture({ sql, inputs, events }, ["O"]).O).toEqual([
      [T0, T0, 2, T0 + 10_000],
      [T0, T0 + 10_000, 1, T0 + 20_000],
    ]);
  });
});
