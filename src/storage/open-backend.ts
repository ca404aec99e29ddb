import type { Clock } from "../core/clock.js";
import { systemClock } from "../core/clock.js";
import type { Logger } from "../core/log.js";
import { silentLogger } from "../core/log.js";
import { SEGMENT_BYTES_DEFAULT_MAX } from "../core/limits.js";
import { createFileBackend } from "./file/file-backend.js";
import { createMemoryBackend } from "./memory/memory-backend.js";
import type { StorageBackend } from "./types.js";

/**
 * When the file backend forces written records to the disk:
 * - `always`: before acknowledging them (group commit shares one fsync among concurrent appends);
 * - `interval`: in the background every `intervalMs`; a power cut loses up to that much acknowledged data;
 * - `never`: leaves it to the operating system; only for throwaway runs.
 * A process crash loses nothing acknowledged in any mode (written data sits in the OS page cache).
 */
export type FsyncMode = { kind: "always" } | { kind: "interval"; intervalMs: number } | { kind: "never" };

export interface OpenBackendOptions {
  kind: "file" | "memory";
  dataDir: string;
  fsync: FsyncMode;
  segmentBytesMax?: number;
  /** false: durable appends through the page cache even where O_DIRECT works (see file/direct-io.ts). */
  directIo?: boolean;
  logger?: Logger;
  clock?: Clock;
}

/** Parses the `--fsync` option: `always`, `interval:<ms>` or `never`. */
export function parseFsyncMode(text: string): FsyncMode {
  if (text === "always") return { kind: "always" };
  if (text === "never") return { kind: "never" };
  const match = /^interval:(\d+)$/.exec(text);
  if (match) {
    const intervalMs = Number(match[1]);
    if (Number.isSafeInteger(intervalMs) && intervalMs > 0) return { kind: "interval", intervalMs };
  }
  throw new Error(`invalid fsync mode ${JSON.stringify(text)}: expected "always", "interval:<milliseconds>" (a positive integer) or "never"`);
}

export async function openBackend(options: OpenBackendOptions): Promise<StorageBackend> {
  if (options.kind === "memory") return createMemoryBackend();
  return createFileBackend({
    dataDir: options.dataDir,
    fsync: options.fsync,
    segmentBytesMax: options.segmentBytesMax ?? SEGMENT_BYTES_DEFAULT_MAX,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
    directIo: options.directIo ?? true,
  });
}
