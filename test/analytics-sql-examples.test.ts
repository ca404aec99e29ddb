/**
 * Every SQL example of the shared reference (analytics-sql.md §§2-6), run with hand-computed inputs and
 * outputs: tumbling, sliding and stagger windows, stream-to-table and stream-to-stream joins.
 */
import { describe, expect, it } from "vitest";
import { byRowtime, runFixture, type FixtureEvent } from "../src/analytics/sql/testing.js";
import type { InputSchemaDescriptor } from "../src/analytics/sql/engine.js";

const at = (s: string): number => Date.parse(`2026-01-01T${s}Z`);
const SRC: InputSchemaDescriptor[] = [
  {
    name: "SOURCE_SQL_STREAM_001",
    columns: [
      { name: "DEVICE_ID", type: "VARCHAR(16)" },
      { name: "TEMP", type: "DOUBLE" },
      { name: "EVENT_TS", type: "TIMESTAMP" },
    ],
  },
];
const row = (t: string, device: string, temp: number, eventTs = t): FixtureEvent => ({
  stream: "SOURCE_SQL_STREAM_001",
  rowtime: at(t),
  rows: [[device, temp, at(eventTs)]],
});

describe("reference §5 windows", () => {
  const events: FixtureEvent[] = [
    row("10:00:05", "d1", 20, "10:00:01"),
    row("10:00:20", "d2", 30, "10:00:15"),
    row("10:00:29", "d1", 25, "10:00:28"),
    row("10:00:31", "d1", 22, "10:00:59"),
    row("10:01:10", "d1", 40, "10:01:05"),
    { bound: at("10:05:00") },
  ];

  it("tumbling: COUNT and MAX per device and 30 seconds of ROWTIME", () => {
    const sql = `CREATE STREAM "OUT" (device_id VARCHAR(16), n BIGINT, hi DOUBLE);
      CREATE PUMP "P" AS INSERT INTO "OUT"
      SELECT STREAM device_id, COUNT(*) AS n, MAX(temp) AS hi
      FROM "SOURCE_SQL_STREAM_001"
      GROUP BY device_id, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '30' SECOND);`;
    const out = runFixture({ sql, inputs: SRC, events }, ["OUT"]).OUT!;
    expect(byRowtime(out)).toEqual(
      byRowtime([
        ["d1", 2, 25, at("10:00:30")],
        ["d2", 1, 30, at("10:00:30")],
        ["d1", 1, 22, at("10:01:00")],
        ["d1", 1, 40, at("10:01:30")],
      ]),
    );
  });

  it("sliding: a one-minute average per device, one row per input row", () => {
    const sql = `CREATE STREAM "OUT" (device_id VARCHAR(16), temp DOUBLE, avg_1m DOUBLE);
      CREATE PUMP "P" AS INSERT INTO "OUT"
      SELECT STREAM device_id, temp, AVG(temp) OVER w AS avg_1m
      FROM "SOURCE_SQL_STREAM_001"
      WINDOW w AS (PARTITION BY device_id RANGE INTERVAL '1' MINUTE PRECEDING);`;
    const out = runFixture({ sql, inputs: SRC, events }, ["OUT"]).OUT!;
    expect(out).toEqual([
      ["d1", 20, 20, at("10:00:05")],
      ["d2", 30, 30, at("10:00:20")],
      ["d1", 25, 22.5, at("10:00:29")],
      ["d1", 22, (20 + 25 + 22) / 3, at("10:00:31")],
      // 10:00:05 has left the window (10:01:10 − 1 minute = 10:00:10).
      ["d1", 40, (25 + 22 + 40) / 3, at("10:01:10")],
    ]);
  });

  it("stagger: per event-minute and device windows opening on their first row", () => {
    const sql = `CREATE STREAM "OUT" (device_id VARCHAR(16), n BIGINT);
      CREATE PUMP "P" AS INSERT INTO "OUT"
      SELECT STREAM device_id, COUNT(*) AS n
      FROM "SOURCE_SQL_STREAM_001"
      WINDOWED BY STAGGER (PARTITION BY FLOOR(event_ts TO MINUTE), device_id RANGE INTERVAL '1' MINUTE);`;
    const out = runFixture({ sql, inputs: SRC, events }, ["OUT"]).OUT!;
    // (10:00, d1) opens at 10:00:05 and takes the rows of 10:00:29 and 10:00:31 (event 10:00:59);
    // (10:00, d2) opens at 10:00:20; (10:01, d1) opens at 10:01:10.
    expect(out).toEqual([
      ["d1", 3, at("10:01:05")],
      ["d2", 1, at("10:01:20")],
      ["d1", 1, at("10:02:10")],
    ]);
  });
});

describe("reference §6 joins", () => {
  it("stream-to-table: LEFT JOIN looks each row up in the reference table", () => {
    const sql = `CREATE STREAM "OUT" (device_id VARCHAR(16), temp DOUBLE, site VARCHAR(16));
      CREATE PUMP "P" AS INSERT INTO "OUT"
      SELECT STREAM s.device_id, s.temp, r.site
      FROM "SOURCE_SQL_STREAM_001" AS s
      LEFT JOIN "DEVICES" AS r ON s.device_id = r.device_id;`;
    const tables = [{ name: "DEVICES", columns: [{ name: "DEVICE_ID", type: "VARCHAR(16)" }, { name: "SITE", type: "VARCHAR(16)" }], rows: [["d1", "plant-a"]] }];
    const out = runFixture({ sql, inputs: SRC, tables, events: [row("10:00:00", "d1", 20), row("10:00:01", "d2", 21)] }, ["OUT"]).OUT!;
    expect(out).toEqual([
      ["d1", 20, "plant-a", at("10:00:00")],
      ["d2", 21, null, at("10:00:01")],
    ]);
  });

  it("stream-to-stream: A's last 10 seconds joined to each B row, stamped with the later ROWTIME", () => {
    const inputs = ["A", "B"].map((name) => ({ name, columns: [{ name: "ID", type: "INTEGER" }, { name: "V", type: "VARCHAR(8)" }] }));
    const sql = `CREATE STREAM "OUT" (id INTEGER, av VARCHAR(8), bv VARCHAR(8));
      CREATE PUMP "P" AS INSERT INTO "OUT"
      SELECT STREAM a.id, a.v, b.v
      FROM "A" OVER (RANGE INTERVAL '10' SECOND PRECEDING) AS a
      JOIN "B" AS b ON a.id = b.id;`;
    const events: FixtureEvent[] = [
      { stream: "A", rowtime: at("10:00:00"), rows: [[1, "a1"]] },
      { stream: "A", rowtime: at("10:00:05"), rows: [[2, "a2"]] },
      { stream: "B", rowtime: at("10:00:08"), rows: [[1, "b1"]] },
      { stream: "B", rowtime: at("10:00:10"), rows: [[1, "b2"]] },
      { stream: "B", rowtime: at("10:00:11"), rows: [[1, "b3"], [2, "b4"]] },
      // B has no window: a later A row does not see earlier B rows.
      { stream: "A", rowtime: at("10:00:12"), rows: [[2, "a3"]] },
    ];
    const out = runFixture({ sql, inputs, events }, ["OUT"]).OUT!;
    expect(out).toEqual([
      [1, "a1", "b1", at("10:00:08")],
      [1, "a1", "b2", at("10:00:10")],
      [2, "a2", "b4", at("10:00:11")],
    ]);
  });
});
