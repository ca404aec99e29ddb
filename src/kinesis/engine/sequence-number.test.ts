import { describe, expect, it } from "vitest";
import { decodeSequenceNumber, encodeSequenceNumber, sequenceBase, sequenceNumberAt } from "./sequence-number.js";

describe("sequence numbers", () => {
  it("decodes and re-encodes AWS's Lambda sample record exactly", () => {
    const aws = "49590338271490256608559692538361571095921575989136588898";
    const fields = decodeSequenceNumber(aws);
    expect(fields).toEqual({
      shardCreationSeconds: 1542776258,
      shardIndex: 6,
      counter: 0x67648a17n,
      arrivalSeconds: 1545084650,
    });
    expect(encodeSequenceNumber(fields!)).toBe(aws);
  });

  it("decodes the AWS CLI describe-stream example's starting sequence number", () => {
    const fields = decodeSequenceNumber("49600871682979337187563555549332609155523708941634633746");
    expect(fields?.shardIndex).toBe(1);
    expect(fields?.counter).toBe(0n);
    expect(fields?.shardCreationSeconds).toBe(fields?.arrivalSeconds);
  });

  it("orders by offset within a shard regardless of arrival second", () => {
    const early = BigInt(sequenceNumberAt(sequenceBase(100, 3, 200), 5));
    const late = BigInt(sequenceNumberAt(sequenceBase(100, 3, 100), 6));
    expect(late > early).toBe(true);
  });

  it("rejects numbers of another layout", () => {
    expect(decodeSequenceNumber("1")).toBeUndefined();
    expect(decodeSequenceNumber("9".repeat(56))).toBeUndefined();
  });
});
