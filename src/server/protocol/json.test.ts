import { describe, expect, it } from "vitest";
import { encodeJson } from "./json.js";

describe("JSON output encoding", () => {
  it("encodes blobs as base64 and dates as epoch seconds with milliseconds", () => {
    const body = encodeJson({
      Data: Buffer.from("Hello"),
      Raw: new Uint8Array([1, 2, 3]),
      At: new Date(1545084650987),
      Whole: new Date(1545084650000),
      S: 'quote " and \\ and \n',
      N: 5,
      Inf: Infinity,
      B: false,
      L: [1, "two", null],
      Nested: { Empty: {}, Gone: undefined, Nil: null },
    });
    expect(body.toString()).toBe(
      '{"Data":"SGVsbG8=","Raw":"AQID","At":1545084650.987,"Whole":1545084650,"S":"quote \\" and \\\\ and \\n","N":5,"Inf":null,"B":false,"L":[1,"two",null],"Nested":{"Empty":{}}}',
    );
    expect(JSON.parse(body.toString()).At).toBe(1545084650.987);
  });

  it("matches JSON.stringify on plain values", () => {
    const value = { a: [1, 2, { b: "c\u2028\ud800" }], d: "ünïcode", e: [] };
    expect(encodeJson(value).toString()).toBe(JSON.stringify(value));
  });
});
