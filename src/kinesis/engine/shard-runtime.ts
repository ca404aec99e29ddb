import type { ShardLog } from "../../storage/types.js";
import type { ShardMeta } from "./model.js";
import { sequenceBase } from "./sequence-number.js";

interface PendingAppend {
  endOffset: number;
  settled: boolean;
}

/**
 * A shard in memory: its metadata, its log (opened lazily) and the offset up to which records are
 * durable. Readers never see past `visibleEnd`, so a record is read only after its append was
 * acknowledged durable, and a crash cannot take back anything a consumer already saw.
 */
export class ShardRuntime {
  readonly startingHashKey: bigint;
  readonly endingHashKey: bigint;
  readonly creationSeconds: number;
  log: ShardLog | undefined;
  visibleEnd = 0;
  private readonly pending: PendingAppend[] = [];
  private cachedBaseSecond = -1;
  private cachedBase = 0n;

  constructor(public meta: ShardMeta) {
    this.startingHashKey = BigInt(meta.startingHashKey);
    this.endingHashKey = BigInt(meta.endingHashKey);
    this.creationSeconds = Math.floor(meta.createdMs / 1000);
  }

  get shardId(): string {
    return this.meta.shardId;
  }

  get isOpen(): boolean {
    return this.meta.closedMs === undefined;
  }

  get hasPendingAppends(): boolean {
    return this.pending.length > 0;
  }

  /** Sequence-number base for records arriving in the given second (cached: batches share a second). */
  sequenceBaseAt(arrivalSeconds: number): bigint {
    if (arrivalSeconds !== this.cachedBaseSecond) {
      this.cachedBase = sequenceBase(this.creationSeconds, this.meta.index, arrivalSeconds);
      this.cachedBaseSecond = arrivalSeconds;
    }
    return this.cachedBase;
  }

  /** Registers an append whose offsets end at `endOffset`; returns the function that marks it settled. */
  trackAppend(endOffset: number): () => void {
    const entry: PendingAppend = { endOffset, settled: false };
    this.pending.push(entry);
    return () => {
      entry.settled = true;
      while (this.pending.length > 0 && this.pending[0]!.settled) {
        const head = this.pending.shift()!;
        if (head.endOffset > this.visibleEnd) this.visibleEnd = head.endOffset;
      }
      // A failed append may have rolled the log back below what was assigned.
      if (this.log && this.visibleEnd > this.log.endOffset) this.visibleEnd = this.log.endOffset;
    };
  }
}
