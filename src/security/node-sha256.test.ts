import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NodeSha256 } from "./node-sha256.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("NodeSha256", () => {
  it("digests zero, one and several pieces as node:crypto does, and again after reset", async () => {
    for (const pieces of [[], ["abc"], ["ab", "c"], ["a", "b", "c"]]) {
      const expected = createHash("sha256").update(pieces.join("")).digest("hex");
      const h = new NodeSha256();
      for (const p of pieces) h.update(bytes(p));
      expect(Buffer.from(await h.digest()).toString("hex")).toBe(expected);
      h.reset();
      for (const p of pieces) h.update(bytes(p));
      expect(Buffer.from(await h.digest()).toString("hex")).toBe(expected);
    }
  });

  it("computes HMACs with a string or byte key", async () => {
    for (const key of ["AWS4secret", bytes("AWS4secret")]) {
      const h = new NodeSha256(key);
      h.update(bytes("20150830"));
      h.update(bytes("/more"));
      expect(Buffer.from(await h.digest()).toString("hex")).toBe(createHmac("sha256", "AWS4secret").update("20150830/more").digest("hex"));
      h.reset();
      h.update(bytes("x"));
      expect(Buffer.from(await h.digest()).toString("hex")).toBe(createHmac("sha256", "AWS4secret").update("x").digest("hex"));
    }
  });
});
