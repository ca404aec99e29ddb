import { describe, expect, it } from "vitest";
import { discoverSchema } from "./schema-discovery.js";

describe("schema discovery", () => {
  it("widens types across samples and names clashing leaves by their parents", () => {
    const found = discoverSchema(['{"n":1,"a":{"id":"x"},"b":{"id":"y"}}', '{"n":2.5,"a":{"id":"xyz12"},"b":{"id":null}}']);
    expect(found?.columns).toEqual([
      { name: "n", sqlType: "DOUBLE", mapping: "$.n" },
      { name: "id", sqlType: "VARCHAR(8)", mapping: "$.a.id" },
      { name: "b_id", sqlType: "VARCHAR(1)", mapping: "$.b.id" },
    ]);
  });

  it("falls back to CSV and gives up on free text", () => {
    expect(discoverSchema(["1;x;true", "2;yy;false"])?.columns).toEqual([
      { name: "COL1", sqlType: "INTEGER" },
      { name: "COL2", sqlType: "VARCHAR(2)" },
      { name: "COL3", sqlType: "BOOLEAN" },
    ]);
    expect(discoverSchema(["just words", "more words here"])).toBeUndefined();
    expect(discoverSchema([])).toBeUndefined();
  });
});
