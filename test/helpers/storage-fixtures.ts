import { mkdtemp, readdir, rm, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../src/core/clock.js";
import type { Logger } from "../../src/core/log.js";
import { createLogger, silentLogger } from "../../src/core/log.js";
import { createFileBackend } from "../../src/storage/file/file-backend.js";
import type { FileSystem } from "../../src/storage/file/fs-layer.js";
import { nodeFileSystem } from "../../src/storage/file/fs-layer.js";
import type { FsyncMode } from "../../src/storage/open-backend.js";
import type { AppendRecord, ShardLog, ShardLogKey, StorageBackend } from "../../src/storage/types.js";

export const SHARD: ShardLogKey = { account: "123456789012", region: "us-east-1", streamName: "s", shardId: "shardId-000000000000" };
export const T0_MS = Date.UTC(2026, 0, 1);

export async function tempDataDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-storage-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function shardDir(dataDir: string, key: ShardLogKey = SHARD): string {
  return join(dataDir, "logs", key.account, key.region, key.streamName, key.shardId);
}

export interface CapturedLog {
  logger: Logger;
  lines: { level: string; msg: string; [field: string]: unknown }[];
}

export function capturingLogger(): CapturedLog {
  const lines: CapturedLog["lines"] = [];
  const logger = createLogger("debug", (line) => lines.push(JSON.parse(line) as CapturedLog["lines"][number]));
  return { logger, lines };
}

export function openFile(
  dataDir: string,
  options: { segmentBytesMax?: number; fs?: FileSystem; logger?: Logger; fsync?: FsyncMode; tailCacheBytesMax?: number; directIo?: boolean } = {},
): Promise<StorageBackend> {
  return createFileBackend({
    dataDir,
    fsync: options.fsync ?? { kind: "always" },
    segmentBytesMax: options.segmentBytesMax ?? 64 * 1024,
    logger: options.logger ?? silentLogger,
    clock: systemClock,
    fs: options.fs ?? nodeFileSystem,
    tailCacheBytesMax: options.tailCacheBytesMax ?? 0,
    directIo: options.directIo ?? true,
  });
}

/** Deterministic records whose bytes can be recomputed from their offset and tag. */
export function makeRecords(count: number, dataBytes: number, tag: string): AppendRecord[] {
  return Array.from({ length: count }, (_, i) => ({ partitionKey: `${tag}-${i}`, data: recordData(tag, i, dataBytes) }));
}

export function recordData(tag: string, i: number, dataBytes: number): Uint8Array {
  const data = new Uint8Array(dataBytes);
  let x = (i + 1) * 2654435761;
  for (let c = 0; c < tag.length; c++) x ^= tag.charCodeAt(c) << (c % 24);
  for (let j = 0; j < dataBytes; j++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[j] = x >>> 24;
  }
  return data;
}

export async function readAll(log: ShardLog, fromOffset = 0): Promise<{ offset: number; partitionKey: string; data: Uint8Array }[]> {
  const out: { offset: number; partitionKey: string; data: Uint8Array }[] = [];
  let offset = fromOffset;
  for (;;) {
    const read = await log.read({ fromOffset: offset, recordsMax: 10_000, bytesMax: 8 * 1024 * 1024 });
    for (const r of read.records) out.push({ offset: r.offset, partitionKey: r.partitionKey, data: r.data });
    if (read.records.length === 0 && read.nextOffset >= log.endOffset) break;
    if (read.nextOffset === offset && read.records.length === 0) break;
    offset = read.nextOffset;
  }
  return out;
}

/** Makes the next open treat the shard as crashed (no clean-shutdown record), as after SIGKILL. */
export async function forgetCleanShutdown(dataDir: string, key: ShardLogKey = SHARD): Promise<void> {
  await unlink(join(shardDir(dataDir, key), "clean-shutdown.json")).catch(() => undefined);
}

export async function segmentFiles(dataDir: string, ext: string, key: ShardLogKey = SHARD): Promise<string[]> {
  return (await readdir(shardDir(dataDir, key))).filter((n) => n.endsWith(`.${ext}`)).sort();
}
