import { describe, expect, it } from "vitest";
import { CborDecodeError, decodeCbor, encodeCbor } from "./cbor.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("CBOR decoding", () => {
  it("decodes RFC 8949 appendix A examples", () => {
    expect(decodeCbor(hex("00"))).toBe(0);
    expect(decodeCbor(hex("17"))).toBe(23);
    expect(decodeCbor(hex("1818"))).toBe(24);
    expect(decodeCbor(hex("1903e8"))).toBe(1000);
    expect(decodeCbor(hex("1a000f4240"))).toBe(1000000);
    expect(decodeCbor(hex("1b000000e8d4a51000"))).toBe(1000000000000);
    expect(decodeCbor(hex("20"))).toBe(-1);
    expect(decodeCbor(hex("3903e7"))).toBe(-1000);
    expect(decodeCbor(hex("f93c00"))).toBe(1);
    expect(decodeCbor(hex("f97bff"))).toBe(65504);
    expect(decodeCbor(hex("fa47c35000"))).toBe(100000);
    expect(decodeCbor(hex("fb3ff199999999999a"))).toBe(1.1);
    expect(decodeCbor(hex("f4"))).toBe(false);
    expect(decodeCbor(hex("f5"))).toBe(true);
    expect(decodeCbor(hex("f6"))).toBe(null);
    expect(decodeCbor(hex("6449455446"))).toBe("IETF");
    expect(decodeCbor(hex("62c3bc"))).toBe("ü");
    expect(decodeCbor(hex("4401020304"))).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(decodeCbor(hex("83010203"))).toEqual([1, 2, 3]);
  });

  it("decodes indefinite-length strings, arrays and maps", () => {
    expect(decodeCbor(hex("5f42010243030405ff"))).toEqual(Buffer.from([1, 2, 3, 4, 5]));
    expect(decodeCbor(hex("7f657374726561646d696e67ff"))).toBe("streaming");
    expect(decodeCbor(hex("9f018202039f0405ffff"))).toEqual([1, [2, 3], [4, 5]]);
    expect(decodeCbor(hex("bf61610161629f0203ffff"))).toEqual({ a: 1, b: [2, 3] });
    // kinesalite's canned CBOR error body
    const body = Buffer.concat([hex("bf66"), Buffer.from("__type"), hex("76"), Buffer.from("SerializationException"), hex("ff")]);
    expect(decodeCbor(body)).toEqual({ __type: "SerializationException" });
  });

  it("turns tag 1 into a Date, reading milliseconds (Java SDK) or seconds (RFC 8949)", () => {
    expect(decodeCbor(hex("c11b00000167be38c5c3"))).toEqual(new Date(1545084650947)); // ms, as the Java SDK sends
    expect(decodeCbor(hex("c11a514b67b0"))).toEqual(new Date(1363896240000)); // seconds
    expect(decodeCbor(hex("c1fb41d452d9ec200000"))).toEqual(new Date(1363896240500)); // fractional seconds
    expect(() => decodeCbor(hex("c16161"))).toThrow(CborDecodeError);
  });

  it("refuses malformed input with CborDecodeError", () => {
    const bad = ["", "18", "19 01", "62 61", "83 01 02", "a1 01 02", "5f 01 ff", "5f 41 00", "ff", "1c", "01 02", "9a ffffffff", "bf 61 61", "f8 20"];
    for (const h of bad) expect(() => decodeCbor(hex(h)), h).toThrow(CborDecodeError);
  });

  it("bounds nesting depth", () => {
    expect(() => decodeCbor(Buffer.alloc(10_000, 0x81))).toThrow(CborDecodeError);
  });

  it("keeps __proto__ as an own property", () => {
    const value = decodeCbor(hex("a1 69 5f5f70726f746f5f5f a1 61 78 01")) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
  });
});

describe("CBOR encoding", () => {
  it("encodes by JavaScript type", () => {
    expect(encodeCbor(0)).toEqual(hex("00"));
    expect(encodeCbor(24)).toEqual(hex("1818"));
    expect(encodeCbor(1000000000000)).toEqual(hex("1b000000e8d4a51000"));
    expect(encodeCbor(-1000)).toEqual(hex("3903e7"));
    expect(encodeCbor(1.1)).toEqual(hex("fb3ff199999999999a"));
    expect(encodeCbor("ü")).toEqual(hex("62c3bc"));
    expect(encodeCbor(true)).toEqual(hex("f5"));
    expect(encodeCbor(null)).toEqual(hex("f6"));
    expect(encodeCbor(new Uint8Array([1, 2]))).toEqual(hex("420102"));
    expect(encodeCbor(new Date(1545084650987))).toEqual(hex("1b00000167be38c5eb"));
    expect(encodeCbor({ a: 1, skip: undefined, nil: null, b: [2] })).toEqual(hex("a2 6161 01 6162 8102"));
  });

  it("round-trips a GetRecords-shaped output, long strings and large blobs", () => {
    const data = Buffer.alloc(300_000, 7);
    const value = {
      Records: [{ SequenceNumber: "4".repeat(56), ApproximateArrivalTimestamp: new Date(1545084650987), Data: data, PartitionKey: "é".repeat(100) }],
      MillisBehindLatest: 0,
      NextShardIterator: "x".repeat(300),
    };
    const decoded = decodeCbor(encodeCbor(value)) as { Records: Array<Record<string, unknown>> };
    expect(decoded.Records[0]!.Data).toEqual(data);
    expect(decoded.Records[0]!.PartitionKey).toBe("é".repeat(100));
    expect(decoded.Records[0]!.ApproximateArrivalTimestamp).toBe(1545084650987);
  });
});
