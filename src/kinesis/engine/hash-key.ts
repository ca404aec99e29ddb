import { createHash } from "node:crypto";

/** Hash keys are unsigned 128-bit integers; kept as bigint, never as JavaScript numbers. */
export const HASH_KEY_MAX = (1n << 128n) - 1n;
export const HASH_KEY_SPACE = 1n << 128n;

/** MD5 of the partition key's UTF-8 bytes, read as an unsigned big-endian 128-bit integer. */
export function partitionKeyHash(partitionKey: string): bigint {
  const digest = createHash("md5").update(partitionKey, "utf8").digest();
  return (digest.readBigUInt64BE(0) << 64n) | digest.readBigUInt64BE(8);
}

/**
 * Producers reuse few partition keys, so remembering recent hashes saves an MD5 per record on the
 * PutRecords hot path. Bounded: cleared wholesale when full (cheap, and the working set refills fast).
 */
export class PartitionKeyHashCache {
  private readonly entries = new Map<string, bigint>();
  constructor(private readonly entriesMax = 65_536) {}

  hash(partitionKey: string): bigint {
    let hash = this.entries.get(partitionKey);
    if (hash === undefined) {
      if (this.entries.size >= this.entriesMax) this.entries.clear();
      hash = partitionKeyHash(partitionKey);
      this.entries.set(partitionKey, hash);
    }
    return hash;
  }
}

export interface HashKeyRange {
  startingHashKey: bigint;
  endingHashKey: bigint;
}

/** AWS's even split for a new stream: shard i starts at floor(i * 2^128 / n). */
export function evenHashKeyRanges(shardCount: number): HashKeyRange[] {
  const n = BigInt(shardCount);
  const ranges: HashKeyRange[] = [];
  for (let i = 0n; i < n; i++) {
    const start = (i * HASH_KEY_SPACE) / n;
    const end = i === n - 1n ? HASH_KEY_MAX : ((i + 1n) * HASH_KEY_SPACE) / n - 1n;
    ranges.push({ startingHashKey: start, endingHashKey: end });
  }
  return ranges;
}

const DECIMAL = /^(0|[1-9]\d{0,38})$/;

/** Parses a decimal hash key; undefined when it is not a non-negative decimal integer. */
export function parseHashKey(text: string): bigint | undefined {
  if (!DECIMAL.test(text)) return undefined;
  return BigInt(text);
}
