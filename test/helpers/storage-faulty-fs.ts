import type { FileSystem, OpenFlags, OpenOptions } from "../../src/storage/file/fs-layer.js";
import { nodeFileSystem } from "../../src/storage/file/fs-layer.js";

function errno(code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: injected fault`);
  err.code = code;
  return err;
}

/**
 * The real file system with switchable faults, as a disk that fills up or fails: `full` makes writes
 * write part of their bytes and then fail with ENOSPC (as a filling disk does); `fsyncError` makes
 * fdatasync fail with that code, and so writes to files opened O_DSYNC (their implied flush fails
 * after the bytes reached the page cache, as the kernel reports it).
 */
export class FaultyFileSystem implements FileSystem {
  full = false;
  fsyncError: string | undefined;
  openError: string | undefined;
  writeFailures = 0;
  fdatasyncCalls = 0;
  /** Successful opens with O_DSYNC. */
  dataSyncOpens = 0;
  private shortWriteDone = false;
  private readonly dataSyncFds = new Set<number>();
  private readonly directFds = new Set<number>();

  async open(path: string, flags: OpenFlags, options?: OpenOptions): Promise<number> {
    if (this.openError && flags !== "r") throw errno(this.openError);
    const fd = await nodeFileSystem.open(path, flags, options);
    if (options?.dataSync) {
      this.dataSyncFds.add(fd);
      this.dataSyncOpens++;
    } else this.dataSyncFds.delete(fd);
    if (options?.direct) this.directFds.add(fd);
    else this.directFds.delete(fd);
    return fd;
  }
  close = (fd: number): Promise<void> => {
    this.dataSyncFds.delete(fd);
    this.directFds.delete(fd);
    return nodeFileSystem.close(fd);
  };
  async writev(fd: number, buffers: readonly Uint8Array[], position: number): Promise<number> {
    if (!this.full) {
      this.shortWriteDone = false;
      const written = await nodeFileSystem.writev(fd, buffers, position);
      if (this.fsyncError && this.dataSyncFds.has(fd)) throw errno(this.fsyncError);
      return written;
    }
    this.writeFailures++;
    const first = buffers[0];
    // O_DIRECT writes go to the device in whole blocks, so a direct write stops at a block boundary.
    const partBytes = this.directFds.has(fd) ? Math.floor(first ? first.length / 2 / 4096 : 0) * 4096 : Math.floor((first?.length ?? 0) / 2);
    if (!this.shortWriteDone && first && partBytes > 0) {
      // The disk takes a part of the write before it is full.
      this.shortWriteDone = true;
      return nodeFileSystem.writev(fd, [first.subarray(0, partBytes)], position);
    }
    throw errno("ENOSPC");
  }
  /** read() calls, i.e. reads served from disk rather than from the tail cache. */
  reads = 0;
  read = (fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> => {
    this.reads++;
    return nodeFileSystem.read(fd, buffer, offset, length, position);
  };
  fdatasync(fd: number): Promise<void> {
    this.fdatasyncCalls++;
    if (this.fsyncError) return Promise.reject(errno(this.fsyncError));
    return nodeFileSystem.fdatasync(fd);
  }
  fsync = nodeFileSystem.fsync;
  ftruncate = nodeFileSystem.ftruncate;
  fsize = nodeFileSystem.fsize;
  mkdir = nodeFileSystem.mkdir;
  readdir = nodeFileSystem.readdir;
  rename = nodeFileSystem.rename;
  unlink = nodeFileSystem.unlink;
  rmTree = nodeFileSystem.rmTree;
  readFile = nodeFileSystem.readFile;
  writeFileDurably(path: string, data: Uint8Array): Promise<void> {
    if (this.full) return Promise.reject(errno("ENOSPC"));
    return nodeFileSystem.writeFileDurably(path, data);
  }
}
