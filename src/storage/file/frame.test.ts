import { describe, expect, it } from "vitest";
import { checkFrame, decodeFrame, encodeBatch, frameBytesAt } from "./frame.js";

describe("frame encoding", () => {
  it("round-trips ASCII and non-ASCII partition keys of every length class", () => {
    const keys = ["", "a", "pk-42", "x".repeat(64), "y".repeat(65), "é", "key-ü", "ascii-then-😀", "日本語キー", `${"z".repeat(63)}é`, "k".repeat(256)];
    const records = keys.map((partitionKey, i) => ({ partitionKey, data: new Uint8Array([i, i + 1, i + 2]) }));
    const buf = encodeBatch(records, 7, 1_700_000_000_000);
    let at = 0;
    for (let i = 0; i < keys.length; i++) {
      expect(checkFrame(buf, at, buf.length)).toEqual({ kind: "ok", bytes: frameBytesAt(buf, at) });
      const record = decodeFrame(buf, at);
      expect(record.partitionKey).toBe(keys[i]);
      expect(record.offset).toBe(7 + i);
      expect([...record.data]).toEqual([i, i + 1, i + 2]);
      at += frameBytesAt(buf, at);
    }
    expect(at).toBe(buf.length);
  });
});
