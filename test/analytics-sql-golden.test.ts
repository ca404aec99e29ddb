/**
 * Golden tests from the AWS documentation's examples with documented inputs and outputs, fed through the
 * engine's virtual time (every row's ROWTIME is fixed by the test).
 */
import { describe, expect, it } from "vitest";
import { compileApplication, withImplicitSourceColumns } from "../src/analytics/sql/engine.js";
import { byRowtime, isRowtimeOrdered, runFixture, type FixtureEvent } from "../src/analytics/sql/testing.js";

const at = (hms: string, day = "2026-01-01"): number => Date.parse(`${day}T${hms}Z`);

describe("stagger versus tumbling windows (dev/stagger-window-concepts)", () => {
  // ROWTIME, EVENT_TIME, TICKER_SYMBOL as in the guide's tables.
  const events: FixtureEvent[] = [
    ["11:00:20", "11:00:10"],
    ["11:00:30", "11:00:20"],
    ["11:01:05", "11:00:55"],
    ["11:01:15", "11:01:05"],
  ].map(([rt, et]) => ({ stream: "SOURCE_SQL_STREAM_001", rowtime: at(rt!), rows: [["AMZN", at(et!)]] }));
  events.push({ bound: at("11:10:00") });
  const inputs = [{ name: "SOURCE_SQL_STREAM_001", columns: [{ name: "TICKER_SYMBOL", type: "VARCHAR(4)" }, { name: "EVENT_TIME", type: "TIMESTAMP" }] }];

  it("tumbling window: partial results per ROWTIME minute", () => {
    const sql = `
      CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
          TICKER_SYMBOL VARCHAR(4),
          EVENT_TIME TIMESTAMP,
          TICKER_COUNT     DOUBLE);
      CREATE OR REPLACE PUMP "STREAM_PUMP" AS
        INSERT INTO "DESTINATION_SQL_STREAM"
          SELECT STREAM
              TICKER_SYMBOL,
              FLOOR(EVENT_TIME TO MINUTE),
              COUNT(TICKER_SYMBOL) AS TICKER_COUNT
          FROM "SOURCE_SQL_STREAM_001"
          GROUP BY ticker_symbol, FLOOR(EVENT_TIME TO MINUTE), STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);`;
    const out = runFixture({ sql, inputs, events }, ["DESTINATION_SQL_STREAM"]).DESTINATION_SQL_STREAM!;
    expect(out).toEqual([
      ["AMZN", at("11:00:00"), 2, at("11:01:00")],
      ["AMZN", at("11:00:00"), 1, at("11:02:00")],
      ["AMZN", at("11:01:00"), 1, at("11:02:00")],
    ]);
  });

  it("stagger window: one complete result per partition, at open time + range", () => {
    const sql = `
      CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
          ticker_symbol    VARCHAR(4),
          event_time       TIMESTAMP,
          ticker_count     DOUBLE);
      CREATE OR REPLACE PUMP "STREAM_PUMP" AS
        INSERT INTO "DESTINATION_SQL_STREAM"
          SELECT STREAM
              TICKER_SYMBOL,
              FLOOR(EVENT_TIME TO MINUTE),
              COUNT(TICKER_SYMBOL) AS ticker_count
          FROM "SOURCE_SQL_STREAM_001"
          WINDOWED BY STAGGER (
                  PARTITION BY FLOOR(EVENT_TIME TO MINUTE), TICKER_SYMBOL RANGE INTERVAL '1' MINUTE);`;
    const out = runFixture({ sql, inputs, events }, ["DESTINATION_SQL_STREAM"]).DESTINATION_SQL_STREAM!;
    expect(out).toEqual([
      ["AMZN", at("11:00:00"), 3, at("11:01:20")],
      ["AMZN", at("11:01:00"), 1, at("11:02:15")],
    ]);
  });
});

describe("windowed aggregation on streams: WEATHERSTREAM (sqlref/sql-reference-windowed-aggregation-stream)", () => {
  const readings: [string, string, string, number][] = [
    ["2018-11-01", "01:00:00", "Denver", 29],
    ["2018-11-01", "01:00:00", "Anchorage", 2],
    ["2018-11-01", "06:00:00", "Miami", 65],
    ["2018-11-01", "07:00:00", "Denver", 32],
    ["2018-11-01", "09:00:00", "Anchorage", 9],
    ["2018-11-01", "13:00:00", "Denver", 50],
    ["2018-11-01", "17:00:00", "Anchorage", 10],
    ["2018-11-01", "18:00:00", "Miami", 71],
    ["2018-11-01", "19:00:00", "Denver", 43],
    ["2018-11-02", "01:00:00", "Anchorage", 4],
    ["2018-11-02", "01:00:00", "Denver", 39],
    ["2018-11-02", "07:00:00", "Denver", 46],
    ["2018-11-02", "09:00:00", "Anchorage", 3],
    ["2018-11-02", "13:00:00", "Denver", 56],
    ["2018-11-02", "17:00:00", "Anchorage", 2],
    ["2018-11-02", "19:00:00", "Denver", 50],
    ["2018-11-03", "01:00:00", "Denver", 36],
    ["2018-11-03", "01:00:00", "Anchorage", 1],
  ];
  const events: FixtureEvent[] = readings.map(([d, t, city, temp]) => ({ stream: "WEATHERSTREAM", rowtime: at(t, d), rows: [[city, temp]] }));
  const inputs = [{ name: "WEATHERSTREAM", columns: [{ name: "CITY", type: "VARCHAR(20)" }, { name: "TEMP", type: "INTEGER" }] }];

  it("MIN and MAX over RANGE INTERVAL '1' DAY PRECEDING, inclusive of the row one day back", () => {
    const sql = `
      CREATE STREAM "OUT" (WMIN_TEMP INTEGER, WMAX_TEMP INTEGER);
      CREATE PUMP "P" AS INSERT INTO "OUT"
      SELECT STREAM
             ROWTIME,
             MIN(TEMP) OVER W1 AS WMIN_TEMP,
             MAX(TEMP) OVER W1 AS WMAX_TEMP
      FROM WEATHERSTREAM
      WINDOW W1 AS (
         RANGE INTERVAL '1' DAY PRECEDING
      );`;
    const out = runFixture({ sql, inputs, events }, ["OUT"]).OUT!;
    const expected: [string, string, number, number][] = [
      ["2018-11-01", "01:00:00", 29, 29],
      ["2018-11-01", "01:00:00", 2, 29],
      ["2018-11-01", "06:00:00", 2, 65],
      ["2018-11-01", "07:00:00", 2, 65],
      ["2018-11-01", "09:00:00", 2, 65],
      ["2018-11-01", "13:00:00", 2, 65],
      ["2018-11-01", "17:00:00", 2, 65],
      ["2018-11-01", "18:00:00", 2, 71],
      ["2018-11-01", "19:00:00", 2, 71],
      ["2018-11-02", "01:00:00", 2, 71],
      ["2018-11-02", "01:00:00", 2, 71],
      ["2018-11-02", "07:00:00", 4, 71],
      ["2018-11-02", "09:00:00", 3, 71],
      ["2018-11-02", "13:00:00", 3, 71],
      ["2018-11-02", "17:00:00", 2, 71],
      ["2018-11-02", "19:00:00", 2, 56],
      ["2018-11-03", "01:00:00", 2, 56],
      ["2018-11-03", "01:00:00", 1, 56],
    ];
    expect(out).toEqual(expected.map(([d, t, mn, mx]) => [mn, mx, at(t, d)]));
  });

  it("tumbling daily aggregation per city emits at the end of each day", () => {
    // Not a documented table; recomputed by hand from the same data. AVG over INTEGER truncates.
    const sql = `
      CREATE STREAM "DAILY" (CITY VARCHAR(20), N BIGINT, LO INTEGER, HI INTEGER, AVG_TEMP INTEGER);
      CREATE PUMP "P" AS INSERT INTO "DAILY"
      SELECT STREAM CITY, COUNT(*), MIN(TEMP), MAX(TEMP), AVG(TEMP)
      FROM WEATHERSTREAM
      GROUP BY CITY, FLOOR(WEATHERSTREAM.ROWTIME TO DAY);`;
    const out = runFixture({ sql, inputs, events: [...events, { bound: at("00:00:00", "2018-11-04") }] }, ["DAILY"]).DAILY!;
    expect(isRowtimeOrdered(out)).toBe(true);
    expect(byRowtime(out)).toEqual(
      byRowtime([
        ["Denver", 4, 29, 50, 38, at("00:00:00", "2018-11-02")],
        ["Anchorage", 3, 2, 10, 7, at("00:00:00", "2018-11-02")],
        ["Miami", 2, 65, 71, 68, at("00:00:00", "2018-11-02")],
        ["Anchorage", 3, 2, 4, 3, at("00:00:00", "2018-11-03")],
        ["Denver", 4, 39, 56, 47, at("00:00:00", "2018-11-03")],
        ["Denver", 1, 36, 36, 36, at("00:00:00", "2018-11-04")],
        ["Anchorage", 1, 1, 1, 1, at("00:00:00", "2018-11-04")],
      ]),
    );
  });
});

describe("implicit source columns (reference §1: APPROXIMATE_ARRIVAL_TIME, SHARD_ID)", () => {
  const inputs = [
    {
      name: "SOURCE_SQL_STREAM_001",
      columns: withImplicitSourceColumns([
        { name: "ticker", type: "VARCHAR(4)" },
        { name: "price", type: "DOUBLE" },
      ]),
    },
  ];
  // The runtime appends the implicit values after the configured columns of every row.
  const events: FixtureEvent[] = [
    { stream: "SOURCE_SQL_STREAM_001", rowtime: at("11:00:02"), rows: [["AMZN", 10, at("11:00:01"), "shardId-000000000000"]] },
    { stream: "SOURCE_SQL_STREAM_001", rowtime: at("11:00:03"), rows: [["AAPL", 20, at("11:00:03"), "shardId-000000000001"]] },
    { bound: at("11:02:00") },
  ];

  it("are readable by name, qualified or not, and through sub-queries", () => {
    const sql = `
      CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(4), arrived TIMESTAMP, shard VARCHAR(32), delay_ms BIGINT);
      CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
        SELECT STREAM "ticker", s.APPROXIMATE_ARRIVAL_TIME, "SHARD_ID", TSDIFF(APPROXIMATE_ARRIVAL_TIME, s.ROWTIME)
        FROM "SOURCE_SQL_STREAM_001" AS s;
      CREATE OR REPLACE STREAM "PER_SHARD" (shard VARCHAR(32), n INTEGER, first_arrival TIMESTAMP);
      CREATE OR REPLACE PUMP "P2" AS INSERT INTO "PER_SHARD"
        SELECT STREAM SHARD_ID, COUNT(*), MIN(APPROXIMATE_ARRIVAL_TIME)
        FROM "SOURCE_SQL_STREAM_001"
        GROUP BY SHARD_ID, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE);`;
    const out = runFixture({ sql, inputs, events }, ["OUT", "PER_SHARD"]);
    expect(out.OUT).toEqual([
      ["AMZN", at("11:00:01"), "shardId-000000000000", 1000, at("11:00:02")],
      ["AAPL", at("11:00:03"), "shardId-000000000001", 0, at("11:00:03")],
    ]);
    expect(byRowtime(out.PER_SHARD!)).toEqual([
      [at("11:01:00"), [JSON.stringify(["shardId-000000000000", 1, at("11:00:01")]), JSON.stringify(["shardId-000000000001", 1, at("11:00:03")])]],
    ]);
  });

  it("are not part of SELECT * (of the stream or of a relation)", () => {
    const sql = `
      CREATE OR REPLACE STREAM "COPY" (ticker VARCHAR(4), price DOUBLE);
      CREATE OR REPLACE PUMP "P" AS INSERT INTO "COPY" SELECT STREAM * FROM "SOURCE_SQL_STREAM_001";
      CREATE OR REPLACE STREAM "COPY2" (ticker VARCHAR(4), price DOUBLE, shard VARCHAR(32));
      CREATE OR REPLACE PUMP "P2" AS INSERT INTO "COPY2" SELECT STREAM s.*, s.SHARD_ID FROM "SOURCE_SQL_STREAM_001" AS s;`;
    const out = runFixture({ sql, inputs, events }, ["COPY", "COPY2"]);
    expect(out.COPY).toEqual([
      ["AMZN", 10, at("11:00:02")],
      ["AAPL", 20, at("11:00:03")],
    ]);
    expect(out.COPY2!.map((r) => r[2])).toEqual(["shardId-000000000000", "shardId-000000000001"]);
  });

  it("are described as hidden columns of the input stream; a configured column of the same name wins", () => {
    const app = compileApplication(`CREATE STREAM "O" (t TIMESTAMP); CREATE PUMP "P" AS INSERT INTO "O" SELECT STREAM APPROXIMATE_ARRIVAL_TIME FROM "S";`, [
      { name: "S", columns: withImplicitSourceColumns([{ name: "APPROXIMATE_ARRIVAL_TIME", type: "TIMESTAMP" }]) },
    ]);
    const input = app.streams.find((s) => s.name === "S")!;
    expect(input.columns.map((c) => [c.name, c.sqlType, c.hidden])).toEqual([
      ["APPROXIMATE_ARRIVAL_TIME", "TIMESTAMP", false],
      ["SHARD_ID", "VARCHAR(128)", true],
    ]);
    expect(withImplicitSourceColumns([], "firehose").map((c) => c.name)).toEqual(["APPROXIMATE_ARRIVAL_TIME"]);
  });
});
