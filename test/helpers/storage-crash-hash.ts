import { createHash } from "node:crypto";

/** A digest of a run of records (keys and bytes), shared by the crash writer and its checker. */
export function hashRecords(records: readonly { partitionKey: string; data: Uint8Array }[]): string {
  const hash = createHash("sha256");
  const length = Buffer.alloc(4);
  for (const r of records) {
    hash.update(r.partitionKey);
    length.writeUInt32LE(r.data.length);
    hash.update(length);
    hash.update(r.data);
  }
  return hash.digest("hex").slice(0, 32);
}

export interface Ack {
  shard: string;
  firstOffset: number;
  count: number;
  hash: string;
}

export const CRASH_SHARDS = ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"];
