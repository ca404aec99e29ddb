import { describe, expect, it } from "vitest";
import { T, decimal, varchar } from "../sql/types.js";
import { compileEncoder } from "./record-encoder.js";

const columns = [
  { name: "TICKER", type: varchar(8) },
  { name: "PRICE", type: T.DOUBLE },
  { name: "AMOUNT", type: decimal(10, 2) },
  { name: "OK", type: T.BOOLEAN },
  { name: "AT", type: T.TIMESTAMP },
  { name: "N", type: T.INTEGER },
];
const row = ["a,\"b\"", 1.5, 12345n, true, Date.UTC(2026, 0, 1, 0, 0, 10), null, Date.UTC(2026, 0, 1)];

describe("output serialization", () => {
  it("writes one JSON object per row, without ROWTIME", () => {
    expect(JSON.parse(compileEncoder("JSON", columns)(row))).toEqual({ TICKER: 'a,"b"', PRICE: 1.5, AMOUNT: 123.45, OK: true, AT: "2026-01-01 00:00:10.000", N: null });
  });

  it("writes one CSV line per row, quoting where needed", () => {
    expect(compileEncoder("CSV", columns)(row)).toBe('"a,""b""",1.5,123.45,true,2026-01-01 00:00:10.000,\n');
  });
});
