/**
 * Programs as users wrote them (AWS guide examples and public repositories), compiled and run unchanged:
 * the parser must accept their comments, quoting, bare SELECTs and comma joins.
 */
import { describe, expect, it } from "vitest";
import { compileApplication, withImplicitSourceColumns, type InputSchemaDescriptor } from "../src/analytics/sql/engine.js";
import type { Row } from "../src/analytics/sql/scope.js";
import { isRowtimeOrdered } from "../src/analytics/sql/testing.js";

const T0 = Date.UTC(2026, 0, 1);

function run(sql: string, inputs: InputSchemaDescriptor[], feed: (push: (stream: string, rows: unknown[][], t: number) => void) => void, output: string): Row[] {
  const app = compileApplication(sql, inputs);
  const out: Row[] = [];
  app.onOutput(output, (rows) => out.push(...rows));
  const errors: Row[] = [];
  app.onOutput("error_stream", (rows) => errors.push(...rows));
  feed((stream, rows, t) => app.push(stream, rows, t));
  app.advanceTime(app.now() + 3_600_000);
  expect(errors).toEqual([]);
  expect(isRowtimeOrdered(out)).toBe(true);
  return out;
}

describe("real programs", () => {
  it("anomaly detection with RANDOM_CUT_FOREST comma-joined to the source, then sorted per second", () => {
    const sql = `
-- Creates a temporary in-application stream
CREATE OR REPLACE STREAM "TEMP_STREAM" (
   "tickerSymbol" VARCHAR(8),
   "tradeType"    VARCHAR(4),
   "price"        DOUBLE,
   "quantity"    INTEGER,
   "id"           INTEGER,
   "ANOMALY_SCORE" DOUBLE);

-- Creates an output stream
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
   "tickerSymbol"        VARCHAR(8),
   "tradeType"        VARCHAR(4),
   "price"        DOUBLE,
   "quantity"    INTEGER,
   "id"           INTEGER,
   "ANOMALY_SCORE"  DOUBLE);

-- Compute an anomaly score for each record in the source stream
-- using Random Cut Forest
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "TEMP_STREAM"
SELECT STREAM source."tickerSymbol", source."tradeType", rcf."price", rcf."quantity", source."id", rcf."ANOMALY_SCORE" FROM
  TABLE(RANDOM_CUT_FOREST(
    CURSOR(SELECT STREAM "price", "quantity" FROM "SOURCE_SQL_STREAM_001")
  )
) AS rcf, SOURCE_SQL_STREAM_001 AS source;

-- Sort records by descending anomaly score, insert into output stream events that have an anomaly score higher than 1
CREATE OR REPLACE PUMP "OUTPUT_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM * FROM "TEMP_STREAM"
WHERE ANOMALY_SCORE > 1
ORDER BY FLOOR("TEMP_STREAM".ROWTIME TO SECOND), ANOMALY_SCORE DESC;`;
    const inputs: InputSchemaDescriptor[] = [
      {
        name: "SOURCE_SQL_STREAM_001",
        columns: [
          { name: "tickerSymbol", type: "VARCHAR(8)" },
          { name: "tradeType", type: "VARCHAR(4)" },
          { name: "price", type: "DOUBLE" },
          { name: "quantity", type: "INTEGER" },
          { name: "id", type: "INTEGER" },
        ],
      },
    ];
    const out = run(
      sql,
      inputs,
      (push) => {
        // One row per ROWTIME, so the comma join (same-ROWTIME rows) pairs each row with its own score.
        for (let i = 0; i < 400; i++) push("SOURCE_SQL_STREAM_001", [["AMZN", "BUY", 100 + (i % 10), 10 + (i % 3), i]], T0 + i * 10);
        push("SOURCE_SQL_STREAM_001", [["AMZN", "SELL", 900, 500, 400]], T0 + 4000);
      },
      "DESTINATION_SQL_STREAM",
    );
    expect(out.at(-1)?.slice(0, 5)).toEqual(["AMZN", "SELL", 900, 500, 400]);
    expect(out.at(-1)?.[5]).toBeGreaterThan(1);
  });

  it("a sliding window with comments between clauses and DECIMAL without precision", () => {
    const sql = `
-- Create output stream, which can be used to send to a destination
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" ("read_date" VARCHAR(16), "heating_and_cooling" DECIMAL);
-- Create a pump which continuously selects from a source stream (SOURCE_SQL_STREAM_001)
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
-- COUNT|AVG|MAX|MIN|SUM|STDDEV_POP|STDDEV_SAMP|VAR_POP|VAR_SAMP)
SELECT STREAM "read_date", AVG("submeter3_heatcool") OVER TEN_SECOND_SLIDING_WINDOW AS "heating_and_cooling"
FROM "SOURCE_SQL_STREAM_001"
-- Results partitioned by ticker_symbol and a 10-second sliding time window
WINDOW TEN_SECOND_SLIDING_WINDOW AS (
  PARTITION BY "read_date"
  RANGE INTERVAL '10' SECOND PRECEDING);
`;
    const inputs: InputSchemaDescriptor[] = [
      { name: "SOURCE_SQL_STREAM_001", columns: [{ name: "read_date", type: "VARCHAR(16)" }, { name: "submeter3_heatcool", type: "DOUBLE" }] },
    ];
    const out = run(
      sql,
      inputs,
      (push) => {
        push("SOURCE_SQL_STREAM_001", [["2026-01-01", 10]], T0);
        push("SOURCE_SQL_STREAM_001", [["2026-01-01", 13]], T0 + 5000);
        push("SOURCE_SQL_STREAM_001", [["2026-01-01", 20]], T0 + 16_000);
      },
      "DESTINATION_SQL_STREAM",
    );
    expect(out).toEqual([
      ["2026-01-01", 10n, T0],
      ["2026-01-01", 12n, T0 + 5000],
      ["2026-01-01", 20n, T0 + 16_000],
    ]);
  });

  it("a per-minute count with ROWTIME selected, a bare SELECT around a sub-query, and a sliding MIN", () => {
    const sql = `
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (datetime TIMESTAMP, status INTEGER, statusCount INTEGER);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM ROWTIME as datetime,
"response" as status,
COUNT(*) AS statusCount FROM "SOURCE_SQL_STREAM_001"
GROUP BY "response", STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);

CREATE OR REPLACE STREAM "RULES" (RULE_ID VARCHAR(50), CONTROL_VALUE VARCHAR(200), REQUESTS_COUNT INTEGER, FIRST_REQUEST_RECEIVED_ON TIMESTAMP);
CREATE OR REPLACE PUMP "RULES_PUMP" AS INSERT INTO "RULES"
SELECT * FROM (
    SELECT STREAM
        'r1' as RULE_ID,
        "ip" as CONTROL_VALUE,
        COUNT(*) OVER SLIDING_WINDOW AS REQUESTS_COUNT,
        MIN("receivedOn") OVER SLIDING_WINDOW AS FIRST_REQUEST_RECEIVED_ON
    FROM "SOURCE_SQL_STREAM_001"
    WINDOW SLIDING_WINDOW AS (PARTITION BY "ip" RANGE INTERVAL '1' MINUTE PRECEDING)
) AS results
WHERE REQUESTS_COUNT > 1;`;
    const inputs: InputSchemaDescriptor[] = [
      {
        name: "SOURCE_SQL_STREAM_001",
        columns: [
          { name: "response", type: "INTEGER" },
          { name: "ip", type: "VARCHAR(15)" },
          { name: "receivedOn", type: "TIMESTAMP" },
        ],
      },
    ];
    const app = compileApplication(sql, inputs);
    const counts: Row[] = [];
    const rules: Row[] = [];
    app.onOutput("DESTINATION_SQL_STREAM", (rows) => counts.push(...rows));
    app.onOutput("RULES", (rows) => rules.push(...rows));
    app.push("SOURCE_SQL_STREAM_001", [[200, "1.1.1.1", T0 - 5], [404, "2.2.2.2", T0 - 4]], T0 + 1000);
    app.push("SOURCE_SQL_STREAM_001", [[200, "1.1.1.1", T0 - 3]], T0 + 2000);
    app.advanceTime(T0 + 60_000);
    // DATETIME is the group's ROWTIME: the end of the minute.
    expect(counts).toEqual([
      [T0 + 60_000, 200, 2, T0 + 60_000],
      [T0 + 60_000, 404, 1, T0 + 60_000],
    ]);
    expect(rules).toEqual([["r1", "1.1.1.1", 2, T0 - 5, T0 + 2000]]);
  });
});

describe("AWS guide tumbling examples", () => {
  it("event-time tumbling (dev/examples-window-tumbling-event): two STEP keys, ROWTIME triggers emission", () => {
    const sql = `
      CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (EVENT_TIME timestamp, TICKER VARCHAR(4), min_price REAL, max_price REAL);

      CREATE OR REPLACE PUMP "STREAM_PUMP" AS
        INSERT INTO "DESTINATION_SQL_STREAM"
          SELECT STREAM STEP("SOURCE_SQL_STREAM_001".EVENT_TIME BY INTERVAL '60' SECOND),
              TICKER,
               MIN(PRICE) AS MIN_PRICE,
               MAX(PRICE) AS MAX_PRICE
          FROM    "SOURCE_SQL_STREAM_001"
          GROUP BY TICKER,
                   STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND),
                   STEP("SOURCE_SQL_STREAM_001".EVENT_TIME BY INTERVAL '60' SECOND);`;
    const inputs: InputSchemaDescriptor[] = [
      {
        name: "SOURCE_SQL_STREAM_001",
        columns: [
          { name: "EVENT_TIME", type: "TIMESTAMP" },
          { name: "TICKER", type: "VARCHAR(4)" },
          { name: "PRICE", type: "REAL" },
        ],
      },
    ];
    const ts = (s: string): number => Date.parse(`2018-06-13T${s}Z`);
    const out = run(
      sql,
      inputs,
      (push) => {
        // Event times lag ROWTIME by about 5 seconds, as in the guide's generator.
        push("SOURCE_SQL_STREAM_001", [[ts("14:11:05.766"), "TBV", 43.65]], ts("14:11:10"));
        push("SOURCE_SQL_STREAM_001", [[ts("14:11:05.848"), "AMZN", 35.61]], ts("14:11:10.1"));
        push("SOURCE_SQL_STREAM_001", [[ts("14:11:56"), "AMZN", 18.64]], ts("14:12:01"));
        push("SOURCE_SQL_STREAM_001", [[ts("14:12:03"), "AMZN", 20.5]], ts("14:12:08"));
      },
      "DESTINATION_SQL_STREAM",
    );
    // REAL values pass through as the runtime decoded them (only REAL arithmetic rounds to 32 bits).
    const f = (x: number): number => x;
    expect(out).toEqual([
      [ts("14:11:00"), "TBV", f(43.65), f(43.65), ts("14:12:00")],
      [ts("14:11:00"), "AMZN", f(35.61), f(35.61), ts("14:12:00")],
      // The late 14:11:56 event arrives in the next ROWTIME minute: a second, partial 14:11 row.
      [ts("14:11:00"), "AMZN", f(18.64), f(18.64), ts("14:13:00")],
      [ts("14:12:00"), "AMZN", f(20.5), f(20.5), ts("14:13:00")],
    ]);
  });

  it("tumbling on ROWTIME with repeated aliases (dev/tumbling-window-concepts)", () => {
    const sql = `
      CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER_SYMBOL VARCHAR(4), MIN_PRICE REAL, MAX_PRICE REAL);
      CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM ROWTIME,
             Ticker_Symbol,
             MIN(Price) AS Price,
             MAX(Price) AS Price
      FROM     "SOURCE_SQL_STREAM_001"
      GROUP BY Ticker_Symbol,
               STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);`;
    const inputs: InputSchemaDescriptor[] = [
      {
        name: "SOURCE_SQL_STREAM_001",
        columns: [
          { name: "TICKER_SYMBOL", type: "VARCHAR(4)" },
          { name: "SECTOR", type: "VARCHAR(16)" },
          { name: "CHANGE", type: "REAL" },
          { name: "PRICE", type: "REAL" },
        ],
      },
    ];
    const out = run(
      sql,
      inputs,
      (push) => {
        push("SOURCE_SQL_STREAM_001", [["AMZN", "TECH", 1, 10], ["AMZN", "TECH", 1, 12]], T0 + 1000);
        push("SOURCE_SQL_STREAM_001", [["AMZN", "TECH", 1, 11]], T0 + 2000);
      },
      "DESTINATION_SQL_STREAM",
    );
    expect(out).toEqual([["AMZN", 10, 12, T0 + 60_000]]);
  });
});

describe("the two-window pattern on APPROXIMATE_ARRIVAL_TIME (reference §4)", () => {
  it("groups on ROWTIME to emit and on the arrival minute as the bucket; a later pump merges the partial counts", () => {
    const sql = `
      CREATE OR REPLACE STREAM "CALC_COUNT_SQL_STREAM" (TICKER VARCHAR(4), TRADETIME TIMESTAMP, TICKERCOUNT DOUBLE);
      CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (TICKER VARCHAR(4), TRADETIME TIMESTAMP, TICKERCOUNT DOUBLE);
      CREATE PUMP "CALC_COUNT_SQL_PUMP_001" AS
        INSERT INTO "CALC_COUNT_SQL_STREAM" ("TICKER", "TRADETIME", "TICKERCOUNT")
        SELECT STREAM "TICKER_SYMBOL",
               STEP("SOURCE_SQL_STREAM_001"."APPROXIMATE_ARRIVAL_TIME" BY INTERVAL '1' MINUTE) AS "TradeTime",
               COUNT(*) AS "TickerCount"
        FROM "SOURCE_SQL_STREAM_001"
        GROUP BY STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' MINUTE),
                 STEP("SOURCE_SQL_STREAM_001"."APPROXIMATE_ARRIVAL_TIME" BY INTERVAL '1' MINUTE),
                 TICKER_SYMBOL;
      CREATE PUMP "AGGREGATED_SQL_PUMP" AS
        INSERT INTO "DESTINATION_SQL_STREAM" ("TICKER", "TRADETIME", "TICKERCOUNT")
        SELECT STREAM "TICKER", "TRADETIME", SUM("TICKERCOUNT") OVER W1 AS "TICKERCOUNT"
        FROM "CALC_COUNT_SQL_STREAM"
        WINDOW W1 AS (PARTITION BY "TRADETIME" RANGE INTERVAL '10' MINUTE PRECEDING);`;
    const inputs: InputSchemaDescriptor[] = [{ name: "SOURCE_SQL_STREAM_001", columns: withImplicitSourceColumns([{ name: "TICKER_SYMBOL", type: "VARCHAR(4)" }]) }];
    const ts = (s: string): number => Date.parse(`2026-01-01T${s}Z`);
    // [ticker, APPROXIMATE_ARRIVAL_TIME, SHARD_ID] entering at ROWTIME; the 10:59:50 record is late.
    const out = run(
      sql,
      inputs,
      (push) => {
        push("SOURCE_SQL_STREAM_001", [["AMZN", ts("11:00:05"), "shardId-000000000000"]], ts("11:00:10"));
        push("SOURCE_SQL_STREAM_001", [["AMZN", ts("10:59:50"), "shardId-000000000001"]], ts("11:00:20"));
        push("SOURCE_SQL_STREAM_001", [["AMZN", ts("11:00:35"), "shardId-000000000000"]], ts("11:00:40"));
        push("SOURCE_SQL_STREAM_001", [["AMZN", ts("11:00:59"), "shardId-000000000000"]], ts("11:01:10"));
      },
      "DESTINATION_SQL_STREAM",
    );
    expect(out.map((r) => JSON.stringify(r)).sort()).toEqual(
      [
        ["AMZN", ts("11:00:00"), 2, ts("11:01:00")],
        ["AMZN", ts("10:59:00"), 1, ts("11:01:00")],
        // The 11:00:59 record entered in the next ROWTIME minute: a partial count, merged by the sliding SUM.
        ["AMZN", ts("11:00:00"), 3, ts("11:02:00")],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
  });
});
