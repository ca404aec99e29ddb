import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { hashRecords, CRASH_SHARDS, type Ack } from "./helpers/storage-crash-hash.js";
import { openFile, readAll, tempDataDir } from "./helpers/storage-fixtures.js";

const ROUNDS = 6;
const RUN_MS_MIN = 150;
const RUN_MS_MAX = 900;

/** Runs the writer until a random moment after its first acknowledgement, then SIGKILLs it. */
function runAndKill(dataDir: string, acks: Ack[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/storage-crash-writer.ts", dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let partial = "";
    let seen = 0;
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const [tag, shard, first, count, hash] = line.split(" ");
        if (tag !== "ack") continue;
        acks.push({ shard: shard!, firstOffset: Number(first), count: Number(count), hash: hash! });
        seen++;
        timer ??= setTimeout(() => child.kill("SIGKILL"), RUN_MS_MIN + Math.random() * (RUN_MS_MAX - RUN_MS_MIN));
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (signal !== "SIGKILL") reject(new Error(`writer exited by itself (${code ?? signal}): ${stderr}`));
      else resolve(seen);
    });
  });
}

describe("file backend crash safety", () => {
  it("keeps every acknowledged record, in order, exactly once, across SIGKILLs", { timeout: 60_000 }, async () => {
    const { dir, cleanup } = await tempDataDir();
    const acks: Ack[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const acked = await runAndKill(dir, acks);
        expect(acked).toBeGreaterThan(0);
        const backend = await openFile(dir, { segmentBytesMax: 256 * 1024 });
        try {
          for (const shardId of CRASH_SHARDS) {
            const log = await backend.logs.open({ account: "123456789012", region: "us-east-1", streamName: "crash", shardId });
            const records = await readAll(log);
            expect(records.map((r) => r.offset)).toEqual(Array.from({ length: log.endOffset }, (_, i) => i));
            for (const ack of acks.filter((a) => a.shard === shardId)) {
              expect(ack.firstOffset + ack.count).toBeLessThanOrEqual(log.endOffset);
              expect(hashRecords(records.slice(ack.firstOffset, ack.firstOffset + ack.count))).toBe(ack.hash);
            }
          }
        } finally {
          await backend.close();
        }
      }
    } finally {
      await cleanup();
    }
  });
});
