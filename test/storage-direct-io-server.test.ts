/** `--direct-io`: how `--fsync always` appends reach the disk, seen through the SDK and the files they leave. */
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/core/config.js";
import { AlignedArena, probeDirectIo } from "../src/storage/file/direct-io.js";
import { nodeFileSystem } from "../src/storage/file/fs-layer.js";
import { kinesisClient, startTestTributary, uniqueName, waitForActive } from "./helpers/tributary.js";

async function activeSegmentBytes(dataDir: string): Promise<number> {
  // logs/<account>/<region>/<stream>/<shard>/<segment>.log: the one shard's newest segment.
  const logs: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(dir, entry.name));
      else if (entry.name.endsWith(".log")) logs.push(join(dir, entry.name));
    }
  };
  await walk(join(dataDir, "logs"));
  logs.sort();
  return (await stat(logs.at(-1)!)).size;
}

describe("--direct-io", () => {
  it("is read from the flag and the environment; auto by default", () => {
    expect(loadConfig([], {}).directIo).toBe("auto");
    expect(loadConfig(["--direct-io", "off"], {}).directIo).toBe("off");
    expect(loadConfig([], { TRIBUTARY_DIRECT_IO: "off" }).directIo).toBe("off");
    expect(() => loadConfig(["--direct-io", "sometimes"], {})).toThrow(/--direct-io/);
  });

  for (const directIo of ["auto", "off"] as const) {
    it(`serves what PutRecords acknowledged, with --fsync always --direct-io ${directIo}`, async () => {
      const dataDir = await mkdtemp(join(tmpdir(), "tributary-direct-io-"));
      const direct = directIo === "auto" && (await probeDirectIo(nodeFileSystem, dataDir, new AlignedArena(4096, 1)));
      const { server, cleanup } = await startTestTributary({ storage: "file", dataDir, config: { fsync: "always", directIo } });
      try {
        const client = kinesisClient(server.endpoint);
        const streamName = uniqueName("direct-io");
        await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
        await waitForActive(client, streamName);
        const sent: string[] = [];
        for (let call = 0; call < 3; call++) {
          const records = Array.from({ length: 7 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(`record ${call}-${i} `.repeat(i + 1)) }));
          sent.push(...records.map((r) => Buffer.from(r.Data).toString()));
          const put = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: records }));
          expect(put.FailedRecordCount).toBe(0);
        }
        const bytes = await activeSegmentBytes(dataDir);
        // Direct writes are whole 4 KiB blocks (the last one zero-padded) while the segment is active.
        expect(bytes % 4096 === 0).toBe(direct);
        const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
        const got = await client.send(new GetRecordsCommand({ ShardIterator }));
        expect((got.Records ?? []).map((r) => Buffer.from(r.Data!).toString())).toEqual(sent);
        client.destroy();
      } finally {
        await cleanup();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  }
});
