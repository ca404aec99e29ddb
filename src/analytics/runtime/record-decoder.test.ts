import { describe, expect, it } from "vitest";
import { compileDecoder, DecodeError, parseJsonPath } from "./record-decoder.js";

const json = (columns: { name: string; sqlType: string; mapping?: string }[], rowPath = "$") => compileDecoder({ kind: "JSON", rowPath }, columns);

function decodeError(fn: () => unknown): DecodeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error("expected a DecodeError");
}

describe("JSON records", () => {
  it("maps paths, nested keys and quoted keys; a missing path is NULL", () => {
    const decode = json([
      { name: "a", sqlType: "INTEGER", mapping: "$.a" },
      { name: "c", sqlType: "VARCHAR(8)", mapping: "$.b.c" },
      { name: "sp", sqlType: "VARCHAR(8)", mapping: '$["x y"]' },
      { name: "none", sqlType: "DOUBLE", mapping: "$.nope.deeper" },
    ]);
    expect(decode('{"a":1,"b":{"c":"hi"},"x y":"q"}')).toEqual([[1, "hi", "q", null]]);
  });

  it("applies the documented coercions", () => {
    const decode = json([
      { name: "i", sqlType: "INTEGER", mapping: "$.i" },
      { name: "b", sqlType: "BOOLEAN", mapping: "$.b" },
      { name: "s", sqlType: "VARCHAR(3)", mapping: "$.s" },
      { name: "o", sqlType: "VARCHAR(32)", mapping: "$.o" },
      { name: "d", sqlType: "DECIMAL(6,2)", mapping: "$.d" },
      { name: "t", sqlType: "TIMESTAMP", mapping: "$.t" },
      { name: "n", sqlType: "DOUBLE", mapping: "$.n" },
    ]);
    expect(decode('{"i":true,"b":0,"s":"truncated","o":{"k":[1]},"d":"12.345","t":"1992-02-14 18:35:44.0","n":"2.5"}')).toEqual([
      [1, false, "tru", '{"k":[1]}', 1235n, Date.UTC(1992, 1, 14, 18, 35, 44), 2.5],
    ]);
    expect(decode('{"b":"TRUE","s":12}')[0]!.slice(1, 3)).toEqual([true, "12"]);
  });

  it("rejects precision loss, overflow, unparseable text and non-JSON", () => {
    const decode = json([{ name: "i", sqlType: "INTEGER", mapping: "$.i" }]);
    expect(decodeError(() => decode('{"i":123.4}')).errorName).toBe("COERCION_ERROR");
    expect(decodeError(() => decode('{"i":3000000000}')).errorName).toBe("COERCION_ERROR");
    expect(decodeError(() => decode('{"i":"abc"}')).errorName).toBe("COERCION_ERROR");
    expect(decodeError(() => decode("not json")).errorName).toBe("SCHEMA_MISMATCH");
    expect(decodeError(() => decode("[1,2]")).errorName).toBe("SCHEMA_MISMATCH");
  });

  it("gives one row per element of a row-path array and of a flattened column array", () => {
    expect(json([{ name: "v", sqlType: "INTEGER", mapping: "$.v" }], "$.items")('{"items":[{"v":1},{"v":2}]}')).toEqual([[1], [2]]);
    const flat = json([
      { name: "id", sqlType: "INTEGER", mapping: "$.id" },
      { name: "qty", sqlType: "INTEGER", mapping: "$.lines[0:].qty" },
    ]);
    expect(flat('{"id":7,"lines":[{"qty":1},{"qty":2}]}')).toEqual([
      [7, 1],
      [7, 2],
    ]);
    expect(flat('{"id":7,"lines":[]}')).toEqual([[7, null]]);
    const whole = json([{ name: "arr", sqlType: "VARCHAR(16)", mapping: "$.arr[0:]" }]);
    expect(whole('{"arr":[1,"a"]}')).toEqual([['[1,"a"]']]);
  });

  it("parses the JSONPath subset and refuses two flattened arrays", () => {
    expect(parseJsonPath("$.a.b")).toEqual({ keys: ["a", "b"], arrayAt: undefined });
    expect(parseJsonPath("$.a[0:].b[0:]")).toBeUndefined();
    expect(parseJsonPath("a.b")).toBeUndefined();
  });
});

describe("CSV records", () => {
  it("splits rows and columns by the configured delimiters; empty numeric fields are NULL", () => {
    const decode = compileDecoder({ kind: "CSV", rowDelimiter: "\\n", columnDelimiter: "|" }, [
      { name: "t", sqlType: "VARCHAR(4)" },
      { name: "p", sqlType: "DOUBLE" },
    ]);
    expect(decode("AMZN|1.5|extra\nAAPL|\n")).toEqual([
      ["AMZN", 1.5],
      ["AAPL", null],
    ]);
    expect(decodeError(() => decode("only-one-field")).errorName).toBe("SCHEMA_MISMATCH");
  });
});
