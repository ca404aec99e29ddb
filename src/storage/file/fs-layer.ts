import * as fs from "node:fs";

/**
 * The file-system calls the file backend makes, as a small interface so that tests can inject faults
 * (ENOSPC, EIO) at exact points. Everything is asynchronous on file descriptors: the event loop stays
 * free while the disk works.
 */
export interface FileSystem {
  /**
   * Opens a file. With `dataSync` (O_DSYNC) every write returns only once its data are on stable storage,
   * as if followed by fdatasync, so a durable write is one thread-pool round trip instead of two.
   */
  open(path: string, flags: OpenFlags, options?: OpenOptions): Promise<number>;
  close(fd: number): Promise<void>;
  /** Writes all buffers at `position` (pwritev); may write fewer bytes than given, like the syscall. */
  writev(fd: number, buffers: readonly Uint8Array[], position: number): Promise<number>;
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  fdatasync(fd: number): Promise<void>;
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, bytes: number): Promise<void>;
  fsize(fd: number): Promise<number>;
  mkdir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmTree(path: string): Promise<void>;
  readFile(path: string): Promise<Buffer>;
  /** Writes a whole file (create or replace) and forces it to disk. */
  writeFileDurably(path: string, data: Uint8Array): Promise<void>;
}

/** The fopen-style flags the backend uses. */
export type OpenFlags = "r" | "r+" | "w" | "w+";

export interface OpenOptions {
  dataSync?: boolean;
  /** O_DIRECT: writes bypass the page cache; buffers, positions and lengths must be block-aligned. */
  direct?: boolean;
}

const C = fs.constants;
const OPEN_FLAG_BITS: Record<OpenFlags, number> = {
  r: C.O_RDONLY,
  "r+": C.O_RDWR,
  w: C.O_WRONLY | C.O_CREAT | C.O_TRUNC,
  "w+": C.O_RDWR | C.O_CREAT | C.O_TRUNC,
};

/** Numeric open(2) flags; O_DSYNC is 0 where the platform lacks it (then callers fdatasync anyway, see `hasDataSync`). */
function openFlagBits(flags: OpenFlags, options: OpenOptions | undefined): number {
  return OPEN_FLAG_BITS[flags] | (options?.dataSync ? (C.O_DSYNC ?? 0) : 0) | (options?.direct ? (C.O_DIRECT ?? 0) : 0);
}

/** Whether this platform can open files with O_DSYNC (Linux, macOS, the BSDs; not Windows). */
export const hasDataSync = typeof C.O_DSYNC === "number" && C.O_DSYNC !== 0;

/** Whether this platform has O_DIRECT (Linux; macOS and Windows have other mechanisms, not used here). */
export const hasDirectIo = typeof C.O_DIRECT === "number" && C.O_DIRECT !== 0;

function call<T>(fn: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

function done(fn: (cb: (err: NodeJS.ErrnoException | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));
}

export const nodeFileSystem: FileSystem = {
  open: (path, flags, options) => call((cb) => fs.open(path, openFlagBits(flags, options), 0o644, cb)),
  close: (fd) => done((cb) => fs.close(fd, cb)),
  writev: (fd, buffers, position) => call((cb) => fs.writev(fd, buffers as Uint8Array[], position, cb)),
  read: (fd, buffer, offset, length, position) => call((cb) => fs.read(fd, buffer, offset, length, position, cb)),
  fdatasync: (fd) => done((cb) => fs.fdatasync(fd, cb)),
  fsync: (fd) => done((cb) => fs.fsync(fd, cb)),
  ftruncate: (fd, bytes) => done((cb) => fs.ftruncate(fd, bytes, cb)),
  fsize: (fd) => call<fs.Stats>((cb) => fs.fstat(fd, cb)).then((s) => s.size),
  mkdir: (path) => fs.promises.mkdir(path, { recursive: true }).then(() => undefined),
  readdir: (path) => fs.promises.readdir(path),
  rename: (from, to) => fs.promises.rename(from, to),
  unlink: (path) => fs.promises.unlink(path),
  rmTree: (path) => fs.promises.rm(path, { recursive: true, force: true }),
  readFile: (path) => fs.promises.readFile(path),
  async writeFileDurably(path, data) {
    const fd = await nodeFileSystem.open(path, "w");
    try {
      let written = 0;
      while (written < data.length) written += await nodeFileSystem.writev(fd, [data.subarray(written)], written);
      await nodeFileSystem.fdatasync(fd);
    } finally {
      await nodeFileSystem.close(fd);
    }
  },
};

/** Makes a directory's new or removed entries durable (needed after creating, renaming or deleting files). */
export async function syncDirectory(fsl: FileSystem, path: string): Promise<void> {
  const fd = await fsl.open(path, "r");
  try {
    await fsl.fsync(fd);
  } finally {
    await fsl.close(fd);
  }
}

export function errnoCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
}
