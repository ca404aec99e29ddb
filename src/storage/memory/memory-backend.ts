import type { LogStore, ShardLog, ShardLogKey, StorageBackend, StreamLogKey } from "../types.js";
import { StorageError } from "../types.js";
import { MemoryShardLog } from "./memory-log.js";
import { MemoryMetadataStore } from "./memory-metadata.js";

/** JSON of the key parts: unambiguous whatever characters the names contain. */
function streamId(key: StreamLogKey): string {
  return JSON.stringify([key.account, key.region, key.streamName]);
}

class MemoryLogStore implements LogStore {
  /** Logs by stream, then by shard id. */
  private readonly streams = new Map<string, Map<string, MemoryShardLog>>();
  private closed = false;

  open(key: ShardLogKey): Promise<ShardLog> {
    if (this.closed) return Promise.reject(new StorageError("closed", "log store is closed"));
    const id = streamId(key);
    let shards = this.streams.get(id);
    if (!shards) this.streams.set(id, (shards = new Map()));
    let log = shards.get(key.shardId);
    if (!log) shards.set(key.shardId, (log = new MemoryShardLog({ ...key })));
    return Promise.resolve(log);
  }

  async removeStream(key: StreamLogKey): Promise<void> {
    if (this.closed) throw new StorageError("closed", "log store is closed");
    const id = streamId(key);
    const shards = this.streams.get(id);
    this.streams.delete(id);
    for (const log of shards?.values() ?? []) await log.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const shards of this.streams.values()) for (const log of shards.values()) await log.close();
  }
}

/** Everything in process memory: for tests and `--storage memory`; lost when the process ends. */
export function createMemoryBackend(): StorageBackend {
  const logs = new MemoryLogStore();
  const metadata = new MemoryMetadataStore();
  return {
    kind: "memory",
    logs,
    metadata,
    async close() {
      await logs.close();
      await metadata.close();
    },
  };
}
