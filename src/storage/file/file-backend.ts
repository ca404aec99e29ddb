import { join } from "node:path";
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/log.js";
import { ENCODE_BUFFER_BYTES_MIN, ENCODE_POOL_BYTES_MAX, SEALED_INDEXES_CACHED_MAX, SEGMENT_BYTES_LIMIT_MAX, TAIL_CACHE_BYTES_MAX } from "../../core/limits.js";
import type { FsyncMode } from "../open-backend.js";
import type { StorageBackend } from "../types.js";
import { lockDataDir } from "./data-dir-lock.js";
import { FileLogStore } from "./file-log-store.js";
import type { FileSystem } from "./fs-layer.js";
import { hasDataSync, nodeFileSystem } from "./fs-layer.js";
import { BufferPool } from "./buffer-pool.js";
import { AlignedArena, probeDirectIo } from "./direct-io.js";
import { SealedIndexCache } from "./sealed-index-cache.js";
import { SqliteMetadataStore } from "./sqlite-metadata.js";
import { TailCache } from "./tail-cache.js";

export interface FileBackendOptions {
  dataDir: string;
  fsync: FsyncMode;
  segmentBytesMax: number;
  logger: Logger;
  clock: Clock;
  /** Replaced by tests to inject faults. */
  fs?: FileSystem;
  tailCacheBytesMax?: number;
  /**
   * With `--fsync always`, append with O_DIRECT when the file system allows it (the default); false keeps
   * durable appends going through the page cache (O_DSYNC only).
   */
  directIo?: boolean;
}

/**
 * The embedded default: shard logs as segment files under `<dataDir>/logs`, metadata in
 * `<dataDir>/metadata.sqlite`, the directory locked against a second server. Opening costs no more
 * with more data: shard logs are recovered when first opened, and then only their newest segment.
 */
export async function createFileBackend(options: FileBackendOptions): Promise<StorageBackend> {
  if (!(options.segmentBytesMax > 0 && options.segmentBytesMax <= SEGMENT_BYTES_LIMIT_MAX)) {
    throw new Error(`segmentBytesMax must be between 1 and ${SEGMENT_BYTES_LIMIT_MAX} bytes`);
  }
  const fs = options.fs ?? nodeFileSystem;
  await fs.mkdir(options.dataDir);
  const unlock = await lockDataDir(options.dataDir);
  let metadata: SqliteMetadataStore | undefined;
  try {
    metadata = new SqliteMetadataStore(join(options.dataDir, "metadata.sqlite"));
    const logsDir = join(options.dataDir, "logs");
    const directArena = await directArenaFor(fs, logsDir, options);
    const logs = new FileLogStore(
      logsDir,
      {
        fs,
        fsync: options.fsync,
        segmentBytesMax: options.segmentBytesMax,
        logger: options.logger,
        clock: options.clock,
        tailCache: new TailCache(options.tailCacheBytesMax ?? TAIL_CACHE_BYTES_MAX),
        encodeBuffers: new BufferPool(ENCODE_POOL_BYTES_MAX, ENCODE_BUFFER_BYTES_MIN),
        directArena,
        sealedIndexes: new SealedIndexCache(SEALED_INDEXES_CACHED_MAX),
      },
      options.logger,
    );
    await logs.start();
    const store = metadata;
    let closing: Promise<void> | undefined;
    return {
      kind: "file",
      logs,
      metadata: store,
      close() {
        closing ??= (async () => {
          try {
            await logs.close();
            await store.close();
          } finally {
            await unlock();
          }
        })();
        return closing;
      },
    };
  } catch (err) {
    await metadata?.close();
    await unlock();
    throw err;
  }
}

async function directArenaFor(fs: FileSystem, logsDir: string, options: FileBackendOptions): Promise<AlignedArena | undefined> {
  if (options.fsync.kind !== "always" || options.directIo === false || !hasDataSync) return undefined;
  await fs.mkdir(logsDir);
  const arena = new AlignedArena();
  if (await probeDirectIo(fs, logsDir, arena)) return arena;
  options.logger.info("the data directory's file system refuses O_DIRECT; durable appends go through the page cache", { dir: logsDir });
  return undefined;
}
