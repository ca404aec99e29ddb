import { describe, expect, it } from "vitest";
import { decodeBase64 } from "../validation/deserialize.js";
import { scanFlatJson, type FlatJsonShape } from "./flat-json.js";

const SHAPE: FlatJsonShape = {
  strings: new Set(["StreamName", "StreamARN"]),
  listName: "Records",
  itemStrings: new Set(["PartitionKey", "ExplicitHashKey"]),
  itemBlobs: new Set(["Data"]),
};

/** JSON.parse's value with every Data string decoded: what the scanner must return when it accepts. */
function reference(body: string): unknown {
  const value = JSON.parse(body) as { Records?: { Data?: string }[] };
  for (const item of value.Records ?? []) if (typeof item.Data === "string") (item as Record<string, unknown>).Data = Buffer.from(item.Data, "base64");
  return value;
}

function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const scan = (text: string) => scanFlatJson(Buffer.from(text, "utf8"), SHAPE);

describe("flat JSON scanner", () => {
  it("returns JSON.parse's value with blobs decoded, for random bodies in its subset", () => {
    const next = random(3);
    const space = () => [" ", "", "\n", "\t", "\r\n "][Math.floor(next() * 5)]!;
    for (let round = 0; round < 300; round++) {
      const count = Math.floor(next() * 20);
      const records: string[] = [];
      for (let i = 0; i < count; i++) {
        const data = Buffer.alloc(Math.floor(next() * 40));
        for (let b = 0; b < data.length; b++) data[b] = Math.floor(next() * 256);
        const members = [`"Data"${space()}:${space()}"${data.toString("base64")}"`, `"PartitionKey":"pk-${i} ~!@#$%^&*()'"`];
        if (next() < 0.3) members.push(`"ExplicitHashKey":"${Math.floor(next() * 1e9)}"`);
        if (next() < 0.5) members.reverse();
        records.push(`${space()}{${space()}${members.join(`${space()},${space()}`)}${space()}}`);
      }
      const top = [`"Records":[${records.join(",")}${space()}]`, `"StreamName":"s-${round}"`];
      if (next() < 0.2) top.push(`"StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s"`);
      if (next() < 0.5) top.reverse();
      const body = `${space()}{${top.join(",")}}${space()}`;
      const scanned = scan(body);
      expect(scanned).toEqual(reference(body));
      for (const item of (scanned as { Records: { Data: unknown }[] }).Records) expect(Buffer.isBuffer(item.Data)).toBe(true);
    }
  });

  it("accepts empty objects, lists and data", () => {
    expect(scan("{}")).toEqual({});
    expect(scan('{"Records":[]}')).toEqual({ Records: [] });
    expect(scan('{"Records":[{}]}')).toEqual({ Records: [{}] });
    expect(scan('{"Records":[{"Data":""}]}')).toEqual({ Records: [{ Data: Buffer.alloc(0) }] });
    expect(scan('{"Records":[{"Data":"AQ=="},{"Data":"AQI="},{"Data":"AQID"}]}')).toEqual({
      Records: [{ Data: Buffer.from([1]) }, { Data: Buffer.from([1, 2]) }, { Data: Buffer.from([1, 2, 3]) }],
    });
  });

  it("declines everything outside its subset, so the ordinary route can answer as AWS does", () => {
    const declined = [
      "",
      "[]",
      '"x"',
      "{",
      '{"Records":[}',
      '{"Records":[{"Data":"AQID"}]',
      '{"Records":[{"Data":"AQID"}]} x',
      '{"StreamName":"a","StreamName":"b"}',
      '{"Records":[{"Data":"AQID","Data":"AQID"}]}',
      '{"Unknown":"x"}',
      '{"__proto__":"x"}',
      '{"StreamName":null}',
      '{"StreamName":1}',
      '{"StreamName":"caf\\u00e9"}',
      '{"StreamName":"café"}',
      '{"StreamName":"tab\there"}',
      '{"Records":{"Data":"AQID"}}',
      '{"Records":[{"Data":"AQI"}]}',
      '{"Records":[{"Data":"AQ=A"}]}',
      '{"Records":[{"Data":"AR=="}]}',
      '{"Records":[{"Data":"AQJ="}]}',
      '{"Records":[{"Data":"A-_B"}]}',
      '{"Records":[{"Data":"AQ ID"}]}',
      '{"Records":[{"Data":"===="}]}',
      '{"Records":[{"Data":1}]}',
      '{"Records":[{"PartitionKey":["a"]}]}',
      '{"Records":["x"]}',
      '{"Records":[{"Data":"AQID"},]}',
      '{"Records":[{"Data":"AQID"}],}',
    ];
    for (const body of declined) expect(scan(body), body).toBeUndefined();
  });

  it("accepts exactly the blobs the deserializer accepts, with the same bytes", () => {
    const next = random(11);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const odd = ["=", "-", "_", " ", "\\/", "\\u0041", "é", "\t"];
    let accepted = 0;
    for (let i = 0; i < 5_000; i++) {
      let text = "";
      const length = Math.floor(next() * 24);
      for (let c = 0; c < length; c++) text += next() < 0.05 ? odd[Math.floor(next() * odd.length)]! : alphabet[Math.floor(next() * 64)]!;
      if (next() < 0.5) text = Buffer.from(text).toString("base64"); // mostly valid ones too
      if (next() < 0.3) text += next() < 0.5 ? "=" : "==";
      const body = `{"Records":[{"Data":"${text}"}]}`;
      let expected: Buffer | undefined;
      try {
        const parsed = JSON.parse(body) as { Records: { Data: string }[] };
        expected = decodeBase64(parsed.Records[0]!.Data);
      } catch {
        expected = undefined;
      }
      const scanned = scan(body) as { Records: { Data: Buffer }[] } | undefined;
      if (scanned !== undefined) {
        accepted++;
        expect(expected, text).toBeDefined();
        expect(scanned.Records[0]!.Data.equals(expected!), text).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(1_000);
  });
});
