import { describe, expect, it } from "vitest";
import { SealedTokenCodec } from "../../core/sealed-token.js";
import { ShardIteratorCodec, type IteratorPosition } from "./shard-iterator.js";

const position: IteratorPosition = {
  account: "123456789012",
  region: "us-east-1",
  streamName: "s",
  streamCreatedMs: 1_700_000_000_000,
  shardId: "shardId-000000000001",
  offset: 42,
  issuedMs: 1_700_000_001_000,
};

describe("shard iterator sealing", () => {
  it("round-trips, through the issued cache and through a fresh codec with the same key", () => {
    const key = ShardIteratorCodec.randomKey();
    const codec = new ShardIteratorCodec(key);
    const token = codec.encode(position);
    expect(codec.decode(token)).toEqual(position);
    expect(new ShardIteratorCodec(key).decode(token)).toEqual(position);
    expect(new ShardIteratorCodec(ShardIteratorCodec.randomKey()).decode(token)).toBeUndefined();
  });

  it("never repeats a nonce, so equal positions give different tokens", () => {
    const codec = new ShardIteratorCodec(ShardIteratorCodec.randomKey());
    const nonces = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const raw = Buffer.from(codec.encode(position), "base64");
      nonces.add(raw.subarray(1, 13).toString("hex"));
    }
    expect(nonces.size).toBe(5_000);
  });

  it("rejects altered tokens", () => {
    const key = ShardIteratorCodec.randomKey();
    const raw = Buffer.from(new ShardIteratorCodec(key).encode(position), "base64");
    raw[20]! ^= 1;
    expect(new ShardIteratorCodec(key).decode(raw.toString("base64"))).toBeUndefined();
  });

  it("hands out copies from the cache", () => {
    const codec = new ShardIteratorCodec(ShardIteratorCodec.randomKey());
    const token = codec.encode(position);
    const first = codec.decode(token)!;
    first.offset = 99;
    expect(codec.decode(token)!.offset).toBe(42);
  });

  it("sealed NextTokens share the nonce source and still round-trip", () => {
    const key = ShardIteratorCodec.randomKey();
    const tokens = new SealedTokenCodec(key);
    const a = tokens.seal({ page: 1 });
    const b = tokens.seal({ page: 1 });
    expect(a).not.toBe(b);
    expect(new SealedTokenCodec(key).open(a)).toEqual({ page: 1 });
    expect(new SealedTokenCodec(ShardIteratorCodec.randomKey()).open(a)).toBeUndefined();
  });
});
