import { join } from "node:path";
import { assert } from "../../core/assert.js";
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/log.js";
import { DIRECT_IO_BLOCK_BYTES, INDEX_INTERVAL_BYTES, READ_CHUNK_BYTES_MAX, READ_FIRST_BYTES_MAX, RECOVERY_READ_BYTES } from "../../core/limits.js";
import type { FsyncMode } from "../open-backend.js";
import type { AppendRecord, AppendResult, ReadOptions, ReadResult, ShardLog, ShardLogKey, StoredRecord } from "../types.js";
import { StorageError } from "../types.js";
import type { BufferPool } from "./buffer-pool.js";
import { DirectTail, type AlignedArena } from "./direct-io.js";
import type { SealedIndexCache } from "./sealed-index-cache.js";
import { batchBoundBytes, checkFrame, decodeFrame, encodeBatchInto, frameArrivalMsAt, frameBytesAt, frameOffsetAt, FRAME_HEADER_BYTES } from "./frame.js";
import type { FileSystem } from "./fs-layer.js";
import { errnoCode, hasDataSync, syncDirectory } from "./fs-layer.js";
import { SegmentCursor } from "./segment-cursor.js";
import { parseSegmentFileName, SegmentIndex, segmentFileBase } from "./segment-index.js";
import type { ShardTail, TailCache } from "./tail-cache.js";

export interface ShardLogContext {
  fs: FileSystem;
  fsync: FsyncMode;
  segmentBytesMax: number;
  logger: Logger;
  clock: Clock;
  tailCache: TailCache;
  encodeBuffers: BufferPool;
  /** Staging for O_DIRECT appends; present when `--fsync always` and the file system takes direct writes. */
  directArena?: AlignedArena | undefined;
  /** Which sealed segments keep their indexes in memory (shared by all shards; the rest reload from files). */
  sealedIndexes: SealedIndexCache;
}

/** Written on a clean close so the next open can trust the newest segment without scanning it. */
const CLEAN_SHUTDOWN_FILE = "clean-shutdown.json";
/** Smallest first read of a batch: below this a syscall costs more than the bytes. */
const READ_FIRST_BYTES_MIN = 16 * 1024;
/** The first read of a batch asks for this multiple of (mean frame size x records wanted). */
const READ_ESTIMATE_MARGIN = 1.25;

interface Segment {
  base: number;
  /** Log bytes: durable bytes for the active segment; for sealed ones known once the index is loaded. */
  bytes: number;
  index: SegmentIndex | undefined;
  loading: Promise<SegmentIndex> | undefined;
}

interface PendingBatch {
  /** The encoded frames: a view into `backing`, a pooled buffer returned once written. */
  buffer: Buffer;
  backing: Buffer;
  firstOffset: number;
  count: number;
  arrivalMs: number;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

interface CleanShutdown {
  base: number;
  bytes: number;
  endOffset: number;
  lastArrivalMs: number | null;
}

export function toStorageError(err: unknown, what: string): StorageError {
  if (err instanceof StorageError) return err;
  const code = errnoCode(err);
  if (code === "ENOSPC" || code === "EDQUOT") return new StorageError("disk-full", `${what}: no space left on device`, { cause: err });
  return new StorageError("io", `${what}: ${code ?? (err instanceof Error ? err.message : String(err))}`, { cause: err });
}

/**
 * One shard's log on disk: a folder of segments named by first offset. Appends are encoded at once
 * (offsets assigned synchronously) and queued; one disk task at a time writes everything queued with
 * one durable pwritev (group commit), then acknowledges it. All operations on the active
 * segment's descriptor run in that one serial chain, so a roll never closes a descriptor in use.
 */
export class FileShardLog implements ShardLog {
  private segments: Segment[] = [];
  private activeFd: number | undefined;
  /** Offset the next append gets (includes queued, not yet durable batches). */
  private plannedEnd = 0;
  private plannedLastArrival: number | undefined;
  /** One past the newest durable record: readers never see beyond it. */
  private durableEnd = 0;
  private durableLastArrival: number | undefined;
  private start = 0;
  private pending: PendingBatch[] = [];
  private flushQueued = false;
  private diskChain: Promise<void> = Promise.resolve();
  private dirty = false;
  /** Set when a failed write could not be truncated away: retried before anything else is written. */
  private truncateTo: number | undefined;
  /** Set when a new segment's directory entry is not yet known to be durable. */
  private dirNeedsSync = false;
  private cancelTimer: (() => void) | undefined;
  private closed = false;
  private readonly tail: ShardTail;
  private readonly log: Logger;
  /**
   * With `--fsync always` the active segment is opened O_DSYNC: each pwritev returns once its data are
   * durable, so a group commit is one thread-pool round trip instead of pwritev + fdatasync. The other
   * modes write to the page cache (no O_DSYNC) and stay fast.
   */
  private readonly writesAreDurable: boolean;
  /** With `--fsync always` where possible, the active segment is also opened O_DIRECT (see direct-io.ts). */
  private readonly direct: { arena: AlignedArena; tail: DirectTail } | undefined;

  private constructor(
    readonly key: ShardLogKey,
    private readonly dir: string,
    private readonly ctx: ShardLogContext,
    private readonly onClosed: () => void,
  ) {
    this.tail = ctx.tailCache.shard();
    this.log = ctx.logger.child({ stream: key.streamName, shard: key.shardId });
    this.writesAreDurable = ctx.fsync.kind === "always" && hasDataSync;
    this.direct = this.writesAreDurable && ctx.directArena ? { arena: ctx.directArena, tail: new DirectTail(false) } : undefined;
  }

  static async open(key: ShardLogKey, dir: string, ctx: ShardLogContext, onClosed: () => void): Promise<FileShardLog> {
    const log = new FileShardLog(key, dir, ctx, onClosed);
    await log.recover();
    if (ctx.fsync.kind === "interval") log.armIntervalSync(ctx.fsync.intervalMs);
    return log;
  }

  get endOffset(): number {
    return this.plannedEnd;
  }

  get startOffset(): number {
    return this.start;
  }

  get lastArrivalMs(): number | undefined {
    return this.plannedLastArrival;
  }

  // ---------------------------------------------------------------- appends

  append(records: readonly AppendRecord[], arrivalMs: number): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StorageError("closed", "shard log is closed"));
    const firstOffset = this.plannedEnd;
    if (records.length === 0) return Promise.resolve({ firstOffset, count: 0 });
    // Arrival times are kept non-decreasing per shard so that the time index can be searched.
    const arrival = Math.max(arrivalMs, this.plannedLastArrival ?? arrivalMs);
    let buffer: Buffer;
    const backing = this.ctx.encodeBuffers.take(batchBoundBytes(records));
    try {
      buffer = encodeBatchInto(backing, records, firstOffset, arrival);
    } catch (err) {
      this.ctx.encodeBuffers.give(backing);
      return Promise.reject(err);
    }
    this.plannedEnd += records.length;
    this.plannedLastArrival = arrival;
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ buffer, backing, firstOffset, count: records.length, arrivalMs: arrival, resolve, reject });
      if (!this.flushQueued) {
        this.flushQueued = true;
        this.enqueueDisk(() => this.flushPending());
      }
    });
  }

  private enqueueDisk(task: () => Promise<void>): Promise<void> {
    const run = this.diskChain.then(task);
    // A task handles its own errors; the chain must survive anything that slips through.
    this.diskChain = run.catch((err: unknown) => this.log.error("storage task failed", { error: err }));
    return this.diskChain;
  }

  /** Writes everything queued so far: one run per segment, each one pwritev (O_DSYNC with fsync always). */
  private async flushPending(): Promise<void> {
    this.flushQueued = false;
    const group = this.pending;
    this.pending = [];
    let i = 0;
    /** Batches before this one are acknowledged. */
    let settled = 0;
    try {
      while (i < group.length) {
        const active = this.segments.at(-1);
        if (this.activeFd === undefined || !active || active.bytes >= this.ctx.segmentBytesMax) {
          await this.roll((group[i] as PendingBatch).firstOffset);
        }
        const segment = this.segments.at(-1) as Segment;
        const runStart = i;
        let runBytes = 0;
        while (i < group.length && (runBytes === 0 || segment.bytes + runBytes < this.ctx.segmentBytesMax)) {
          runBytes += (group[i] as PendingBatch).buffer.length;
          i++;
        }
        const run = group.slice(runStart, i);
        await this.writeRun(segment, run, runBytes);
        for (const batch of run) {
          this.ctx.encodeBuffers.give(batch.backing);
          batch.resolve({ firstOffset: batch.firstOffset, count: batch.count });
        }
        settled = i;
      }
    } catch (err) {
      // Everything not yet durable fails, including appends queued meanwhile: their offsets followed the
      // failed ones, and offsets must stay contiguous. The log continues from the last durable record.
      const error = toStorageError(err, "append failed");
      this.log.error("append failed; rejecting unwritten batches", { code: error.code, error: err });
      const failed = [...group.slice(settled), ...this.pending];
      this.pending = [];
      this.plannedEnd = this.durableEnd;
      this.plannedLastArrival = this.durableLastArrival;
      for (const batch of failed) {
        this.ctx.encodeBuffers.give(batch.backing);
        batch.reject(error);
      }
    }
  }

  private async writeRun(segment: Segment, run: PendingBatch[], runBytes: number): Promise<void> {
    const fd = this.activeFd as number;
    const position = segment.bytes;
    if (this.truncateTo !== undefined) {
      // Frames of a failed run may still sit past the end; a restart must never find them.
      await this.ctx.fs.ftruncate(fd, this.truncateTo);
      this.truncateTo = undefined;
    }
    if (this.dirNeedsSync) {
      await syncDirectory(this.ctx.fs, this.dir);
      this.dirNeedsSync = false;
    }
    assertFramesBeforeWrite(run);
    try {
      if (this.direct) await this.direct.tail.write(this.ctx.fs, fd, this.direct.arena, position, run.map((b) => b.buffer), runBytes);
      else await this.writeBuffered(fd, run, runBytes, position);
    } catch (err) {
      // Leave nothing partial behind: a later append or a restart must not find half of this run.
      await this.ctx.fs.ftruncate(fd, position).catch((truncateErr: unknown) => {
        this.truncateTo = position;
        this.log.error("could not truncate after a failed write; retrying before the next write", { error: truncateErr });
      });
      throw err;
    }
    let framePosition = position;
    for (const batch of run) {
      const buf = batch.buffer;
      for (let at = 0; at < buf.length; ) {
        segment.index?.noteFrame(frameOffsetAt(buf, at), framePosition + at, batch.arrivalMs);
        at += frameBytesAt(buf, at);
      }
      framePosition += buf.length;
      this.tail.add(batch.firstOffset, batch.count, buf);
    }
    segment.bytes = position + runBytes;
    const last = run.at(-1) as PendingBatch;
    this.durableEnd = last.firstOffset + last.count;
    this.durableLastArrival = last.arrivalMs;
    this.dirty = this.ctx.fsync.kind !== "always";
  }

  private async writeBuffered(fd: number, run: readonly PendingBatch[], runBytes: number, position: number): Promise<void> {
    let written = 0;
    let buffers: Uint8Array[] = run.map((b) => b.buffer);
    while (written < runBytes) {
      const n = await this.ctx.fs.writev(fd, buffers, position + written);
      written += n;
      if (written < runBytes) buffers = remainingBuffers(buffers, n);
    }
    if (this.ctx.fsync.kind === "always" && !this.writesAreDurable) await this.ctx.fs.fdatasync(fd);
  }

  /** Direct writes pad the last block with zeros; a sealed or closed segment ends exactly at its last frame. */
  private async cutDirectPadding(fd: number, segment: Segment): Promise<void> {
    if (!this.direct) return;
    await this.ctx.fs.ftruncate(fd, segment.bytes);
    await this.ctx.fs.fdatasync(fd);
  }

  /** Seals the active segment (its indexes to disk) and starts a new one at `base`. */
  private async roll(base: number): Promise<void> {
    const previous = this.segments.at(-1);
    if (this.activeFd !== undefined && this.truncateTo !== undefined) {
      await this.ctx.fs.ftruncate(this.activeFd, this.truncateTo);
      this.truncateTo = undefined;
    }
    if (this.activeFd !== undefined && previous) {
      if (this.ctx.fsync.kind !== "never" && !this.writesAreDurable) await this.ctx.fs.fdatasync(this.activeFd);
      await this.cutDirectPadding(this.activeFd, previous);
      await this.ctx.fs.close(this.activeFd);
      this.activeFd = undefined;
      await this.writeIndexFiles(previous, base);
      if (previous.base !== base) this.ctx.sealedIndexes.touch(previous);
    }
    const fd = await this.ctx.fs.open(this.pathOf(base, "log"), "w+", { dataSync: this.writesAreDurable, direct: this.direct !== undefined });
    this.activeFd = fd;
    this.direct?.tail.reset();
    if (previous?.base === base) this.segments.pop();
    this.segments.push({ base, bytes: 0, index: new SegmentIndex(base), loading: undefined });
    // The new file's name must be durable before records in it are acknowledged.
    this.dirNeedsSync = this.ctx.fsync.kind !== "never";
  }

  private async writeIndexFiles(segment: Segment, nextBase: number): Promise<void> {
    const index = segment.index;
    if (!index || nextBase <= segment.base) return;
    index.noteLast(nextBase - 1, this.durableLastArrival ?? 0);
    try {
      await this.ctx.fs.writeFileDurably(this.pathOf(segment.base, "index"), index.encodeOffsets());
      await this.ctx.fs.writeFileDurably(this.pathOf(segment.base, "timeindex"), index.encodeTimes());
    } catch (err) {
      // Indexes are derived data: a missing or damaged one is rebuilt from the log when first needed.
      this.log.warn("could not write segment index files", { segment: segment.base, error: err });
    }
  }

  private armIntervalSync(intervalMs: number): void {
    const tick = () => {
      if (this.closed) return;
      if (this.dirty) {
        this.dirty = false;
        void this.enqueueDisk(async () => {
          if (this.activeFd === undefined) return;
          await this.ctx.fs.fdatasync(this.activeFd).catch((err: unknown) => {
            this.dirty = true;
            this.log.error("interval fsync failed", { error: err });
          });
        });
      }
      this.cancelTimer = this.ctx.clock.setTimer(intervalMs, tick);
    };
    this.cancelTimer = this.ctx.clock.setTimer(intervalMs, tick);
  }

  // ---------------------------------------------------------------- reads

  async read(options: ReadOptions): Promise<ReadResult> {
    if (this.closed) throw new StorageError("closed", "shard log is closed");
    let from = Math.max(options.fromOffset, this.start);
    const out: StoredRecord[] = [];
    let dataBytes = 0;
    for (;;) {
      if (from >= this.durableEnd || out.length >= options.recordsMax) break;
      const cachedFrom = this.tail.firstOffset;
      if (cachedFrom !== undefined && cachedFrom <= from) {
        from = this.tail.read(from, options.recordsMax, options.bytesMax, out, dataBytes).nextOffset;
        break;
      }
      const segmentIndex = this.segmentIndexFor(from);
      const segment = this.segments[segmentIndex];
      if (!segment) break;
      const segmentEnd = this.segments[segmentIndex + 1]?.base ?? this.durableEnd;
      let result: SegmentReadResult;
      try {
        result = await this.readSegment(segment, segmentEnd, from, options, out, dataBytes);
      } catch (err) {
        if (errnoCode(err) === "ENOENT" && !this.segments.includes(segment)) {
          // Retention deleted the segment under us: continue from the new start.
          from = Math.max(from, this.start);
          continue;
        }
        throw toStorageError(err, "read failed");
      }
      from = result.nextOffset;
      dataBytes = result.dataBytes;
      if (result.full) break;
      from = Math.max(from, segmentEnd);
    }
    return { records: out, nextOffset: from };
  }

  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.segments[mid] as Segment).base <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  private isActive(segment: Segment): boolean {
    return segment === this.segments.at(-1);
  }

  private async readSegment(
    segment: Segment,
    segmentEnd: number,
    from: number,
    options: ReadOptions,
    out: StoredRecord[],
    dataBytesIn: number,
  ): Promise<SegmentReadResult> {
    const index = await this.indexOf(segment, segmentEnd);
    const endPosition = segment.bytes;
    const fd = await this.ctx.fs.open(this.pathOf(segment.base, "log"), "r");
    let dataBytes = dataBytesIn;
    let next = from;
    try {
      // Size the first read from what the caller wants and this segment's mean frame size, with a
      // quarter more for frames larger than the mean; a short estimate costs one more (larger) read.
      const meanFrameBytes = segment.bytes / Math.max(1, segmentEnd - segment.base);
      const wantedBytes = Math.min(options.bytesMax + FRAME_HEADER_BYTES * options.recordsMax, meanFrameBytes * options.recordsMax * READ_ESTIMATE_MARGIN);
      const firstRead = Math.min(READ_FIRST_BYTES_MAX, Math.max(READ_FIRST_BYTES_MIN, wantedBytes + INDEX_INTERVAL_BYTES));
      const cursor = new SegmentCursor(this.ctx.fs, fd, endPosition, firstRead, READ_CHUNK_BYTES_MAX);
      let position = index.floor(from).position;
      while (position < endPosition && next < segmentEnd) {
        if (!cursor.has(position, FRAME_HEADER_BYTES)) await cursor.load(position, FRAME_HEADER_BYTES);
        let check = checkFrame(cursor.buf, position - cursor.start, cursor.buf.length);
        if (check.kind === "short" && position + check.bytes <= endPosition) {
          await cursor.load(position, check.bytes);
          check = checkFrame(cursor.buf, position - cursor.start, cursor.buf.length);
        }
        if (check.kind !== "ok") {
          // A damaged frame is never served: skip to the next indexed frame (or the segment's end).
          const resume = index.after(position);
          const resumeOffset = resume?.offset ?? segmentEnd;
          this.log.error("damaged frame skipped on read", {
            segment: segment.base,
            position,
            reason: check.kind === "bad" ? check.reason : "frame runs past the end of the segment",
            skippedFrom: next,
            skippedTo: resumeOffset,
          });
          if (!resume) return { nextOffset: Math.max(next, resumeOffset), dataBytes, full: false };
          position = resume.position;
          next = Math.max(next, resume.offset);
          continue;
        }
        const at = position - cursor.start;
        const offset = frameOffsetAt(cursor.buf, at);
        if (offset >= segmentEnd) break;
        if (offset >= next) {
          const record = decodeFrame(cursor.buf, at);
          if (out.length > 0 && dataBytes + record.data.length > options.bytesMax) return { nextOffset: offset, dataBytes, full: true };
          out.push(record);
          dataBytes += record.data.length;
          next = offset + 1;
          if (out.length >= options.recordsMax) return { nextOffset: next, dataBytes, full: true };
        }
        position += check.bytes;
      }
      return { nextOffset: next, dataBytes, full: false };
    } finally {
      await this.ctx.fs.close(fd);
    }
  }

  async offsetAtTime(timeMs: number): Promise<number> {
    if (this.closed) throw new StorageError("closed", "shard log is closed");
    if (this.durableLastArrival === undefined || timeMs > this.durableLastArrival) return this.durableEnd;
    // The first segment whose newest record is at or after timeMs holds the answer.
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const segment = this.segments[mid] as Segment;
      const newest = (await this.indexOf(segment, (this.segments[mid + 1] as Segment).base)).newestArrivalMs ?? -Infinity;
      if (newest < timeMs) lo = mid + 1;
      else hi = mid;
    }
    const segment = this.segments[lo];
    if (!segment) return this.durableEnd;
    const segmentEnd = this.segments[lo + 1]?.base ?? this.durableEnd;
    const index = await this.indexOf(segment, segmentEnd);
    let from = Math.max(index.timeFloorOffset(timeMs), this.start);
    // Scan forward from the time entry; the index bounds how far.
    for (;;) {
      const read = await this.read({ fromOffset: from, recordsMax: 1000, bytesMax: READ_FIRST_BYTES_MAX });
      if (read.records.length === 0) return read.nextOffset;
      for (const record of read.records) if (record.arrivalMs >= timeMs) return record.offset;
      from = read.nextOffset;
    }
  }

  // ---------------------------------------------------------------- retention

  async trimOlderThan(cutoffMs: number): Promise<void> {
    if (this.closed) throw new StorageError("closed", "shard log is closed");
    while (this.segments.length > 1) {
      const oldest = this.segments[0] as Segment;
      const next = this.segments[1] as Segment;
      const newest = (await this.indexOf(oldest, next.base)).newestArrivalMs;
      if (newest === undefined || newest >= cutoffMs || this.segments[0] !== oldest) break;
      // Forget it first (readers move on), then delete the log before its indexes: a crash in between
      // leaves only orphan index files, which the next open removes.
      this.segments.shift();
      this.ctx.sealedIndexes.forget(oldest);
      this.start = next.base;
      try {
        await this.ctx.fs.unlink(this.pathOf(oldest.base, "log"));
        await this.unlinkQuietly(this.pathOf(oldest.base, "index"));
        await this.unlinkQuietly(this.pathOf(oldest.base, "timeindex"));
      } catch (err) {
        throw toStorageError(err, "retention could not delete a segment");
      }
      this.log.debug("segment deleted by retention", { segment: oldest.base });
    }
  }

  // ---------------------------------------------------------------- indexes

  /** The index of a segment; a sealed segment's is loaded from its files on first use or rebuilt. */
  private indexOf(segment: Segment, segmentEnd: number): Promise<SegmentIndex> {
    if (segment.index) {
      if (!this.isActive(segment)) this.ctx.sealedIndexes.touch(segment);
      return Promise.resolve(segment.index);
    }
    segment.loading ??= this.loadIndex(segment, segmentEnd).then(
      (index) => {
        segment.index = index;
        segment.loading = undefined;
        if (this.segments.includes(segment) && !this.isActive(segment)) this.ctx.sealedIndexes.touch(segment);
        return index;
      },
      (err: unknown) => {
        segment.loading = undefined;
        throw toStorageError(err, "could not load a segment index");
      },
    );
    return segment.loading;
  }

  private async loadIndex(segment: Segment, nextBase: number): Promise<SegmentIndex> {
    const fd = await this.ctx.fs.open(this.pathOf(segment.base, "log"), "r");
    try {
      segment.bytes = await this.ctx.fs.fsize(fd);
      const [offsets, times] = await Promise.all([
        this.ctx.fs.readFile(this.pathOf(segment.base, "index")).catch(() => undefined),
        this.ctx.fs.readFile(this.pathOf(segment.base, "timeindex")).catch(() => undefined),
      ]);
      const index = offsets && times ? SegmentIndex.decode(segment.base, nextBase, segment.bytes, offsets, times) : undefined;
      if (index) return index;
      this.log.warn("segment index missing or damaged; rebuilding it from the log", { segment: segment.base });
      const rebuilt = await this.rebuildIndex(fd, segment, nextBase);
      await this.ctx.fs.writeFileDurably(this.pathOf(segment.base, "index"), rebuilt.encodeOffsets()).catch(() => undefined);
      await this.ctx.fs.writeFileDurably(this.pathOf(segment.base, "timeindex"), rebuilt.encodeTimes()).catch(() => undefined);
      return rebuilt;
    } finally {
      await this.ctx.fs.close(fd);
    }
  }

  /** Scans a sealed segment; damaged stretches are skipped by searching byte by byte for the next valid frame. */
  private async rebuildIndex(fd: number, segment: Segment, nextBase: number): Promise<SegmentIndex> {
    const index = new SegmentIndex(segment.base);
    const cursor = new SegmentCursor(this.ctx.fs, fd, segment.bytes, RECOVERY_READ_BYTES, RECOVERY_READ_BYTES);
    let position = 0;
    let lastOffset = segment.base - 1;
    let lastArrival = -Infinity;
    while (position < segment.bytes) {
      if (!cursor.has(position, FRAME_HEADER_BYTES)) await cursor.load(position, FRAME_HEADER_BYTES);
      let check = checkFrame(cursor.buf, position - cursor.start, cursor.buf.length);
      if (check.kind === "short" && position + check.bytes <= segment.bytes) {
        await cursor.load(position, check.bytes);
        check = checkFrame(cursor.buf, position - cursor.start, cursor.buf.length);
      }
      const at = position - cursor.start;
      const offset = check.kind === "ok" ? frameOffsetAt(cursor.buf, at) : -1;
      if (check.kind !== "ok" || offset <= lastOffset || offset >= nextBase) {
        position++;
        continue;
      }
      const arrival = frameArrivalMsAt(cursor.buf, at);
      index.noteFrame(offset, position, arrival);
      lastOffset = offset;
      lastArrival = Math.max(lastArrival, arrival);
      position += check.bytes;
    }
    if (lastOffset >= segment.base) index.noteLast(nextBase - 1, lastArrival);
    return index;
  }

  // ---------------------------------------------------------------- open, recovery and close

  private pathOf(base: number, ext: "log" | "index" | "timeindex"): string {
    return join(this.dir, `${segmentFileBase(base)}.${ext}`);
  }

  private async unlinkQuietly(path: string): Promise<void> {
    await this.ctx.fs.unlink(path).catch((err: unknown) => {
      if (errnoCode(err) !== "ENOENT") throw err;
    });
  }

  /**
   * Lists segments by name (older segments are not read) and recovers the newest: trusted as is after a
   * clean close, otherwise scanned and truncated at its first invalid frame.
   */
  private async recover(): Promise<void> {
    const { fs } = this.ctx;
    await fs.mkdir(this.dir);
    const names = await fs.readdir(this.dir);
    const logs = new Set<number>();
    for (const name of names) {
      const parsed = parseSegmentFileName(name);
      if (parsed?.ext === "log") logs.add(parsed.base);
    }
    for (const name of names) {
      const parsed = parseSegmentFileName(name);
      if (parsed && parsed.ext !== "log" && !logs.has(parsed.base)) await this.unlinkQuietly(join(this.dir, name));
    }
    const bases = [...logs].sort((a, b) => a - b);
    const clean = await this.takeCleanShutdown(names.includes(CLEAN_SHUTDOWN_FILE));
    while (bases.length > 0) {
      const base = bases.at(-1) as number;
      const fd = await fs.open(this.pathOf(base, "log"), "r+", { dataSync: this.writesAreDurable });
      const recovered = (await this.trustClean(fd, base, clean)) ?? (await this.scanNewest(fd, base));
      if (recovered.count === 0 && bases.length > 1) {
        // An empty newest segment (a crash right after a roll): the previous one becomes active again.
        await fs.close(fd);
        await fs.unlink(this.pathOf(base, "log"));
        if (this.ctx.fsync.kind !== "never") await syncDirectory(fs, this.dir);
        bases.pop();
        continue;
      }
      // The active segment's index lives in memory; stale files from an earlier seal would mislead.
      await this.unlinkQuietly(this.pathOf(base, "index"));
      await this.unlinkQuietly(this.pathOf(base, "timeindex"));
      this.activeFd = fd;
      if (this.direct) {
        // Scanned through the page cache (unaligned reads); appended to directly from here on.
        this.activeFd = await fs.open(this.pathOf(base, "log"), "r+", { dataSync: true, direct: true });
        await fs.close(fd);
      }
      this.segments = bases.map((b) => ({ base: b, bytes: 0, index: undefined, loading: undefined }));
      const active = this.segments.at(-1) as Segment;
      active.bytes = recovered.bytes;
      active.index = recovered.index;
      this.durableEnd = this.plannedEnd = base + recovered.count;
      const lastArrival = recovered.lastArrivalMs ?? (await this.previousNewestArrival());
      this.durableLastArrival = this.plannedLastArrival = lastArrival;
      this.start = (this.segments[0] as Segment).base;
      return;
    }
  }

  private async previousNewestArrival(): Promise<number | undefined> {
    const previous = this.segments.at(-2);
    if (!previous) return undefined;
    return (await this.indexOf(previous, (this.segments.at(-1) as Segment).base)).newestArrivalMs;
  }

  private async takeCleanShutdown(present: boolean): Promise<CleanShutdown | undefined> {
    if (!present) return undefined;
    const path = join(this.dir, CLEAN_SHUTDOWN_FILE);
    let clean: CleanShutdown | undefined;
    try {
      clean = JSON.parse((await this.ctx.fs.readFile(path)).toString("utf8")) as CleanShutdown;
    } catch {
      clean = undefined;
    }
    // Removed before anything is appended, so a crash later in this run forces a scan next time.
    await this.ctx.fs.unlink(path);
    if (this.ctx.fsync.kind !== "never") await syncDirectory(this.ctx.fs, this.dir);
    return clean;
  }

  private async trustClean(fd: number, base: number, clean: CleanShutdown | undefined): Promise<RecoveredSegment | undefined> {
    if (!clean || clean.base !== base || clean.endOffset <= base) return undefined;
    const bytes = await this.ctx.fs.fsize(fd);
    if (bytes !== clean.bytes) return undefined;
    const [offsets, times] = await Promise.all([
      this.ctx.fs.readFile(this.pathOf(base, "index")).catch(() => undefined),
      this.ctx.fs.readFile(this.pathOf(base, "timeindex")).catch(() => undefined),
    ]);
    if (!offsets || !times) return undefined;
    const index = SegmentIndex.decode(base, clean.endOffset, bytes, offsets, times);
    if (!index) return undefined;
    return { bytes, count: clean.endOffset - base, index, lastArrivalMs: clean.lastArrivalMs ?? undefined };
  }

  /** Reads the newest segment front to back, keeps its valid prefix and truncates the rest. */
  private async scanNewest(fd: number, base: number): Promise<RecoveredSegment> {
    const { fs } = this.ctx;
    const fileBytes = await fs.fsize(fd);
    const index = new SegmentIndex(base);
    const cursor = new SegmentCursor(fs, fd, fileBytes, RECOVERY_READ_BYTES, RECOVERY_READ_BYTES);
    let position = 0;
    let count = 0;
    let lastArrivalMs: number | undefined;
    let reason = "";
    while (position < fileBytes) {
      if (!cursor.has(position, FRAME_HEADER_BYTES)) await cursor.load(position, FRAME_HEADER_BYTES);
      let check = checkFrame(cursor.buf, position - cursor.start, cursor.buf.length);
      if (check.kind === "short" && position + check.bytes <= fileBytes) {
        await cursor.load(position, check.bytes);
        check = checkFrame(cursor.buf, position - cursor.start, cursor.buf.length);
      }
      if (check.kind !== "ok") {
        reason = check.kind === "bad" ? check.reason : "torn frame at the end";
        break;
      }
      const at = position - cursor.start;
      const offset = frameOffsetAt(cursor.buf, at);
      const arrival = frameArrivalMsAt(cursor.buf, at);
      if (offset !== base + count || (lastArrivalMs !== undefined && arrival < lastArrivalMs)) {
        reason = "frame out of sequence";
        break;
      }
      index.noteFrame(offset, position, arrival);
      lastArrivalMs = arrival;
      count++;
      position += check.bytes;
    }
    if (position < fileBytes) {
      const fields = { segment: base, validBytes: position, droppedBytes: fileBytes - position, reason };
      // What a direct write pads its last block with is expected after a crash, not worth a warning.
      if (await isZeroPadding(fs, fd, position, fileBytes)) this.log.debug("dropping the zero padding of the last direct write", fields);
      else this.log.warn("truncating the newest segment at its first invalid frame", fields);
      await fs.ftruncate(fd, position);
      await fs.fdatasync(fd);
    }
    return { bytes: position, count, index, lastArrivalMs };
  }

  /** Flushes what was accepted, then records a clean shutdown so the next open needs no scan. */
  async close(): Promise<void> {
    if (this.closed) return this.diskChain;
    this.closed = true;
    this.cancelTimer?.();
    this.onClosed();
    await this.enqueueDisk(async () => {
      const fd = this.activeFd;
      this.activeFd = undefined;
      if (fd === undefined) return;
      try {
        const active = this.segments.at(-1);
        // Cutting the padding syncs too.
        if (this.direct && active) await this.cutDirectPadding(fd, active);
        else if (this.ctx.fsync.kind !== "never") await this.ctx.fs.fdatasync(fd);
        await this.writeCleanShutdown();
      } catch (err) {
        this.log.warn("could not record a clean shutdown; the next open scans the newest segment", { error: err });
      } finally {
        await this.ctx.fs.close(fd);
      }
    });
    this.tail.clear();
    for (const segment of this.segments) this.ctx.sealedIndexes.forget(segment);
  }

  private async writeCleanShutdown(): Promise<void> {
    const active = this.segments.at(-1);
    if (!active?.index || this.durableEnd <= active.base) return;
    // A copy with the closing time entry, so the live index stays as appends left it.
    const index = active.index;
    const last = this.durableLastArrival ?? 0;
    const times = Buffer.concat([index.encodeTimes(), closingTimeEntry(index, this.durableEnd - 1, last)]);
    await this.ctx.fs.writeFileDurably(this.pathOf(active.base, "index"), index.encodeOffsets());
    await this.ctx.fs.writeFileDurably(this.pathOf(active.base, "timeindex"), times);
    const clean: CleanShutdown = { base: active.base, bytes: active.bytes, endOffset: this.durableEnd, lastArrivalMs: this.durableLastArrival ?? null };
    await this.ctx.fs.writeFileDurably(join(this.dir, CLEAN_SHUTDOWN_FILE), Buffer.from(JSON.stringify(clean)));
    if (this.ctx.fsync.kind !== "never") await syncDirectory(this.ctx.fs, this.dir);
  }
}

function closingTimeEntry(index: SegmentIndex, lastOffset: number, lastArrivalMs: number): Buffer {
  if (index.lastTimeOffset === lastOffset) return Buffer.alloc(0);
  const entry = Buffer.allocUnsafe(12);
  entry.writeDoubleLE(lastArrivalMs, 0);
  entry.writeUInt32LE(lastOffset - index.base, 8);
  return entry;
}

interface RecoveredSegment {
  bytes: number;
  count: number;
  index: SegmentIndex;
  lastArrivalMs: number | undefined;
}

interface SegmentReadResult {
  nextOffset: number;
  dataBytes: number;
  /** A limit (records or bytes) was reached. */
  full: boolean;
}

/**
 * Checks the framing of what is about to be written: frame lengths tile each buffer exactly and offsets
 * run on without a gap. (Each frame's CRC was computed over these very bytes while encoding.)
 */
function assertFramesBeforeWrite(run: readonly PendingBatch[]): void {
  for (const batch of run) {
    const buf = batch.buffer;
    let expected = batch.firstOffset;
    let at = 0;
    while (at < buf.length) {
      assert(frameOffsetAt(buf, at) === expected, "frame offset out of sequence before write");
      const frameBytes = frameBytesAt(buf, at);
      assert(frameBytes >= FRAME_HEADER_BYTES, "frame length invalid before write");
      at += frameBytes;
      expected++;
    }
    assert(at === buf.length && expected === batch.firstOffset + batch.count, "batch framing inconsistent before write");
  }
}

/** Whether [position, fileBytes) is the zero fill of a last, partially used block. */
async function isZeroPadding(fs: FileSystem, fd: number, position: number, fileBytes: number): Promise<boolean> {
  const bytes = fileBytes - position;
  if (fileBytes % DIRECT_IO_BLOCK_BYTES !== 0 || bytes >= DIRECT_IO_BLOCK_BYTES) return false;
  const buf = Buffer.alloc(bytes);
  if ((await fs.read(fd, buf, 0, bytes, position)) !== bytes) return false;
  return buf.every((b) => b === 0);
}

function remainingBuffers(buffers: Uint8Array[], skipBytes: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let skip = skipBytes;
  for (const b of buffers) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}
