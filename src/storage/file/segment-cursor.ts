import type { FileSystem } from "./fs-layer.js";

/**
 * Buffered random access to one segment file: frames are parsed from whole byte ranges read with one
 * syscall each. Every refill reads into a fresh buffer, so records already handed out as views into an
 * earlier buffer stay valid.
 */
export class SegmentCursor {
  buf: Buffer = Buffer.alloc(0);
  /** File position of buf[0]. */
  start = 0;
  private readBytes: number;

  constructor(
    private readonly fsl: FileSystem,
    private readonly fd: number,
    /** Bytes of the file that may be read (a live segment's durable size). */
    readonly endPosition: number,
    firstReadBytes: number,
    private readonly laterReadBytesMax: number,
  ) {
    this.readBytes = firstReadBytes;
  }

  /** Whether [position, position + bytes) is in the buffer. */
  has(position: number, bytes: number): boolean {
    return position >= this.start && position + bytes <= this.start + this.buf.length;
  }

  /** Reads from `position` at least `bytes` (when the file has them); returns false at the end of the file. */
  async load(position: number, bytes: number): Promise<boolean> {
    const available = this.endPosition - position;
    if (available <= 0) return false;
    const length = Math.min(available, Math.max(bytes, this.readBytes));
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = await this.fsl.read(this.fd, buf, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    this.buf = got === length ? buf : buf.subarray(0, got);
    this.start = position;
    // Later refills of one scan grow, so a long read costs few syscalls.
    this.readBytes = Math.min(this.readBytes * 2, this.laterReadBytesMax);
    return got >= Math.min(bytes, available);
  }
}
