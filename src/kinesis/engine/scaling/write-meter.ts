import type { ShardRuntime } from "../shard-runtime.js";

/**
 * Bytes written per shard since the on-demand scaler last looked. Keyed by the shard's runtime, so a
 * deleted stream's counters go with it.
 */
export class ShardWriteMeter {
  private readonly bytes = new WeakMap<ShardRuntime, number>();

  add(shard: ShardRuntime, bytes: number): void {
    this.bytes.set(shard, (this.bytes.get(shard) ?? 0) + bytes);
  }

  /** Returns the bytes counted for `shard` and starts counting again from zero. */
  take(shard: ShardRuntime): number {
    const bytes = this.bytes.get(shard) ?? 0;
    this.bytes.delete(shard);
    return bytes;
  }
}
