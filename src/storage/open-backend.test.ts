import { describe, expect, it } from "vitest";
import { openBackend, parseFsyncMode } from "./open-backend.js";

describe("parseFsyncMode", () => {
  it("parses the three modes", () => {
    expect(parseFsyncMode("always")).toEqual({ kind: "always" });
    expect(parseFsyncMode("never")).toEqual({ kind: "never" });
    expect(parseFsyncMode("interval:250")).toEqual({ kind: "interval", intervalMs: 250 });
  });

  it.each(["", "Always", "interval", "interval:", "interval:0", "interval:-5", "interval:1.5", "interval:abc", "sometimes"])(
    "rejects %j with a clear message",
    (text) => {
      expect(() => parseFsyncMode(text)).toThrow(/invalid fsync mode .*expected "always", "interval:<milliseconds>"/);
    },
  );
});

describe("openBackend", () => {
  it("opens a memory backend", async () => {
    const backend = await openBackend({ kind: "memory", dataDir: "/nonexistent", fsync: { kind: "always" } });
    expect(backend.kind).toBe("memory");
    await backend.close();
  });
});
