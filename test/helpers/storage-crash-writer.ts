/**
 * Appends random batches with fsync `always` to a few shards until killed, printing one line per
 * acknowledged batch: `ack <shard> <firstOffset> <count> <hash>`. Run by test/storage-crash.test.ts.
 */
import { randomBytes, randomInt } from "node:crypto";
import { systemClock } from "../../src/core/clock.js";
import { silentLogger } from "../../src/core/log.js";
import { createFileBackend } from "../../src/storage/file/file-backend.js";
import type { AppendRecord } from "../../src/storage/types.js";
import { CRASH_SHARDS, hashRecords } from "./storage-crash-hash.js";

const APPENDERS_PER_SHARD = 3;

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: storage-crash-writer.ts <dataDir>");

const backend = await createFileBackend({
  dataDir,
  fsync: { kind: "always" },
  segmentBytesMax: 256 * 1024,
  logger: silentLogger,
  clock: systemClock,
});

function batch(): AppendRecord[] {
  return Array.from({ length: randomInt(1, 120) }, () => ({
    partitionKey: randomBytes(randomInt(1, 12)).toString("hex"),
    data: randomBytes(randomInt(0, 600)),
  }));
}

process.stdout.write("ready\n");
await Promise.all(
  CRASH_SHARDS.map(async (shardId) => {
    const log = await backend.logs.open({ account: "123456789012", region: "us-east-1", streamName: "crash", shardId });
    await Promise.all(
      Array.from({ length: APPENDERS_PER_SHARD }, async () => {
        for (;;) {
          const records = batch();
          const { firstOffset, count } = await log.append(records, Date.now());
          process.stdout.write(`ack ${shardId} ${firstOffset} ${count} ${hashRecords(records)}\n`);
        }
      }),
    );
  }),
);
