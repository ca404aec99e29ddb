/**
 * Which shards of a source stream an application reads and from where: the starting position decides
 * the first offsets; a child shard is read only once all its parents have been read to their end, so
 * that records of one partition key stay in order across resharding.
 */
import type { StreamRuntime } from "../../kinesis/engine/stream-runtime.js";
import type { StreamsEngine } from "../../kinesis/engine/streams-engine.js";
import { streamKeyString } from "../../kinesis/engine/model.js";
import type { ShardPosition, StartingPosition } from "./run-spec.js";

/** Key of a stream's positions: a stream deleted and created again under the same name starts afresh. */
export function positionsKey(stream: StreamRuntime): string {
  return `${streamKeyString(stream.meta)}/${stream.meta.createdMs}`;
}

export function initialPositions(
  engine: StreamsEngine,
  stream: StreamRuntime,
  position: StartingPosition,
  saved: Record<string, ShardPosition> | undefined,
): Map<string, ShardPosition> {
  const positions = new Map<string, ShardPosition>();
  // LAST_STOPPED_POINT without a stopped point (never run) starts like NOW.
  if (position === "LAST_STOPPED_POINT" && saved !== undefined) {
    for (const [shardId, p] of Object.entries(saved)) positions.set(shardId, { ...p });
    return positions;
  }
  for (const meta of stream.meta.shards) {
    const shard = stream.shardsById.get(meta.shardId)!;
    if (engine.isExpired(stream, shard)) continue;
    if (position === "TRIM_HORIZON") positions.set(meta.shardId, { offset: 0, done: false });
    else positions.set(meta.shardId, shard.isOpen ? { offset: shard.visibleEnd, done: false } : { offset: shard.visibleEnd, done: true });
  }
  return positions;
}

/** Shards ready to read now: not finished, not already being read, and every parent finished. */
export function readableShards(engine: StreamsEngine, stream: StreamRuntime, positions: Map<string, ShardPosition>, reading: ReadonlySet<string>): string[] {
  const finished = (shardId: string | undefined): boolean => {
    if (shardId === undefined) return true;
    const shard = stream.shardsById.get(shardId);
    if (!shard || engine.isExpired(stream, shard)) return true;
    return positions.get(shardId)?.done ?? false;
  };
  const out: string[] = [];
  for (const meta of stream.meta.shards) {
    if (reading.has(meta.shardId)) continue;
    const shard = stream.shardsById.get(meta.shardId)!;
    if (engine.isExpired(stream, shard)) continue;
    let p = positions.get(meta.shardId);
    if (p?.done) continue;
    if (!finished(meta.parentShardId) || !finished(meta.adjacentParentShardId)) continue;
    if (!p) {
      // A shard born after the positions were taken (a reshard while stopped or running): from its start.
      p = { offset: 0, done: false };
      positions.set(meta.shardId, p);
    }
    out.push(meta.shardId);
  }
  return out;
}
