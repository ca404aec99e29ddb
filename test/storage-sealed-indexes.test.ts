import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SEALED_INDEXES_CACHED_MAX } from "../src/core/limits.js";
import { makeRecords, openFile, readAll, SHARD, segmentFiles, T0_MS, tempDataDir } from "./helpers/storage-fixtures.js";

let dataDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await tempDataDir());
});
afterEach(() => cleanup());

describe("sealed segment indexes", () => {
  it("serves reads and time lookups across more sealed segments than stay indexed in memory", async () => {
    const backend = await openFile(dataDir, { segmentBytesMax: 4096 });
    const log = await backend.logs.open(SHARD);
    for (let b = 0; b < 120; b++) await log.append(makeRecords(10, 200, `b${b}`), T0_MS + b * 1000);
    expect((await segmentFiles(dataDir, "log")).length).toBeGreaterThan(SEALED_INDEXES_CACHED_MAX * 2);
    // Twice over: the second pass reloads indexes the first pass's later segments pushed out.
    for (let pass = 0; pass < 2; pass++) {
      const records = await readAll(log);
      expect(records.map((r) => r.offset)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
      expect(records[355]!.partitionKey).toBe("b35-5");
    }
    expect(await log.offsetAtTime(T0_MS + 7000)).toBe(70);
    expect(await log.offsetAtTime(T0_MS + 51_000)).toBe(510);
    await backend.close();
  });
});
