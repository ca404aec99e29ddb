/**
 * Reusable encode buffers shared by the shards of one backend. A batch is encoded into a pooled buffer
 * and the buffer returns to the pool once written, so a steady stream of appends allocates nothing:
 * without this, hundreds of MiB of dead batch buffers pile up between garbage collections.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  private pooledBytes = 0;

  constructor(
    private readonly pooledBytesMax: number,
    private readonly bufferBytesMin: number,
  ) {}

  take(bytes: number): Buffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const buf = this.free[i] as Buffer;
      if (buf.length >= bytes) {
        this.free.splice(i, 1);
        this.pooledBytes -= buf.length;
        return buf;
      }
    }
    return Buffer.allocUnsafeSlow(Math.max(bytes, this.bufferBytesMin));
  }

  give(buf: Buffer): void {
    if (this.pooledBytes + buf.length > this.pooledBytesMax) return;
    this.free.push(buf);
    this.pooledBytes += buf.length;
  }
}
