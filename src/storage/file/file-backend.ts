import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/log.js";
import type { FsyncMode } from "../open-backend.js";
import type { StorageBackend } from "../types.js";

export interface FileBackendOptions {
  dataDir: string;
  fsync: FsyncMode;
  segmentBytesMax: number;
  logger: Logger;
  clock: Clock;
}

export function createFileBackend(_options: FileBackendOptions): Promise<StorageBackend> {
  return Promise.reject(new Error("the file backend is not implemented yet; use --storage memory"));
}
