import { join } from "node:path";
import { DIRECT_IO_BLOCK_BYTES, DIRECT_IO_CHUNK_BYTES, DIRECT_IO_CHUNKS_MAX } from "../../core/limits.js";
import type { FileSystem } from "./fs-layer.js";
import { errnoCode, hasDirectIo } from "./fs-layer.js";

/**
 * Direct I/O for `--fsync always` appends.
 *
 * Durable appends through the page cache (O_DSYNC) leave every written page cached. On this kind of
 * machine (a VM) the kernel's cost per write grows once gigabytes of such pages pile up: measured with
 * `dd oflag=dsync`, system time per GB rose fourfold after ~4 GB, and PutRecords throughput fell by a
 * quarter with it. O_DIRECT writes bypass the cache (reads of old segments still use it), and cost the
 * same after 10 GB as after one.
 *
 * O_DIRECT needs the memory address, the file position and the length of every write aligned to the
 * device's block size. Node gives no aligned Buffers, but a WebAssembly.Memory is page-aligned, so the
 * staging chunks are carved out of one. A log's end is rarely aligned, so each commit rewrites the
 * partial block at the end (kept in memory as the log's `DirectTail`) together with the new frames, and
 * pads the last block with zeros; the padding is cut off when the segment is sealed or closed, and a
 * recovery scan drops it like any other invalid tail.
 */

/** The one WebAssembly API used here (the project's TypeScript libs carry no WebAssembly types). */
interface WasmMemoryConstructor {
  new (descriptor: { initial: number }): { readonly buffer: ArrayBuffer };
}
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly.Memory;

/** Fixed-size, page-aligned staging buffers shared by all shard logs of one backend. */
export class AlignedArena {
  private readonly free: Buffer[] = [];
  private readonly waiting: ((chunk: Buffer) => void)[] = [];

  constructor(
    readonly chunkBytes: number = DIRECT_IO_CHUNK_BYTES,
    chunks: number = DIRECT_IO_CHUNKS_MAX,
  ) {
    if (chunkBytes % DIRECT_IO_BLOCK_BYTES !== 0 || chunkBytes <= 0) throw new Error("chunkBytes must be a positive multiple of the block size");
    const wasmPageBytes = 64 * 1024;
    const memory = new WasmMemory({ initial: Math.ceil((chunkBytes * chunks) / wasmPageBytes) });
    // Never grown: growing would detach these views. Pages are touched (made resident) only when used;
    // the free list is a stack, so a quiet backend keeps reusing the same few chunks.
    for (let i = chunks - 1; i >= 0; i--) this.free.push(Buffer.from(memory.buffer, i * chunkBytes, chunkBytes));
  }

  /** A chunk for one write; waits when every chunk is in use (many shards committing at once). */
  take(): Promise<Buffer> {
    const chunk = this.free.pop();
    if (chunk) return Promise.resolve(chunk);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  give(chunk: Buffer): void {
    const next = this.waiting.shift();
    if (next) next(chunk);
    else this.free.push(chunk);
  }
}

/** The bytes of a log's last, partial block: rewritten with the next commit, since writes are whole blocks. */
export class DirectTail {
  private readonly bytes = Buffer.allocUnsafe(DIRECT_IO_BLOCK_BYTES);
  private length = 0;
  /** False until the block has been read back (a log reopened after a restart). */
  private known: boolean;

  constructor(known: boolean) {
    this.known = known;
  }

  /** A new, empty segment. */
  reset(): void {
    this.length = 0;
    this.known = true;
  }

  /**
   * Writes `buffers` (`runBytes` in all) at log position `position` as whole blocks, from the start of
   * the block holding `position`. Throws on any failure, leaving this tail as it was.
   */
  async write(fs: FileSystem, fd: number, arena: AlignedArena, position: number, buffers: readonly Uint8Array[], runBytes: number): Promise<void> {
    const blockStart = position - (position % DIRECT_IO_BLOCK_BYTES);
    const chunk = await arena.take();
    try {
      if (!this.known) await this.readBack(fs, fd, chunk, blockStart, position - blockStart);
      chunk.set(this.bytes.subarray(0, this.length), 0);
      let fill = this.length;
      let fileAt = blockStart;
      for (const buffer of buffers) {
        for (let from = 0; from < buffer.length; ) {
          const n = Math.min(buffer.length - from, chunk.length - fill);
          chunk.set(n === buffer.length ? buffer : buffer.subarray(from, from + n), fill);
          fill += n;
          from += n;
          if (fill === chunk.length) {
            await writeBlocks(fs, fd, chunk, fileAt);
            fileAt += chunk.length;
            fill = 0;
          }
        }
      }
      if (fill > 0) {
        const padded = Math.ceil(fill / DIRECT_IO_BLOCK_BYTES) * DIRECT_IO_BLOCK_BYTES;
        chunk.fill(0, fill, padded);
        await writeBlocks(fs, fd, chunk.subarray(0, padded), fileAt);
      }
      const end = position + runBytes;
      if (end - fileAt !== fill) throw new Error("direct write: staged bytes do not match the run");
      this.length = end % DIRECT_IO_BLOCK_BYTES;
      this.bytes.set(chunk.subarray(fill - this.length, fill), 0);
      this.known = true;
    } finally {
      arena.give(chunk);
    }
  }

  private async readBack(fs: FileSystem, fd: number, chunk: Buffer, blockStart: number, tailBytes: number): Promise<void> {
    let got = 0;
    if (tailBytes > 0) {
      // Aligned buffer, position and length: allowed on a direct descriptor; a short read ends at EOF.
      got = await fs.read(fd, chunk, 0, DIRECT_IO_BLOCK_BYTES, blockStart);
      if (got < tailBytes) throw new Error(`direct write: the log's last block holds ${got} bytes, expected ${tailBytes}`);
    }
    this.bytes.set(chunk.subarray(0, tailBytes), 0);
    this.length = tailBytes;
    this.known = true;
  }
}

/** One aligned write, continued while the device takes whole blocks; a short write mid-block is an error. */
async function writeBlocks(fs: FileSystem, fd: number, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const n = await fs.writev(fd, [written === 0 ? data : data.subarray(written)], position + written);
    // The rest of a write that stopped mid-block could not be aligned.
    if (n <= 0 || (written + n < data.length && n % DIRECT_IO_BLOCK_BYTES !== 0)) throw shortWriteError();
    written += n;
  }
}

function shortWriteError(): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error("direct write stopped inside a block (disk full?)");
  err.code = "ENOSPC";
  return err;
}

/**
 * Whether the log directory's file system takes O_DIRECT writes from the arena (tmpfs and some others
 * refuse them). Writes and removes one probe file.
 */
export async function probeDirectIo(fs: FileSystem, dir: string, arena: AlignedArena): Promise<boolean> {
  if (!hasDirectIo) return false;
  const path = join(dir, ".direct-io-probe");
  const chunk = await arena.take();
  try {
    const fd = await fs.open(path, "w+", { dataSync: true, direct: true });
    try {
      chunk.fill(0, 0, DIRECT_IO_BLOCK_BYTES);
      return (await fs.writev(fd, [chunk.subarray(0, DIRECT_IO_BLOCK_BYTES)], 0)) === DIRECT_IO_BLOCK_BYTES;
    } finally {
      await fs.close(fd);
    }
  } catch (err) {
    if (errnoCode(err) === "EINVAL" || errnoCode(err) === "EOPNOTSUPP") return false;
    throw err;
  } finally {
    arena.give(chunk);
    await fs.unlink(path).catch(() => undefined);
  }
}
