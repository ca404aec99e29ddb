import { streamArn } from "../../core/arn.js";
import type { ChildShard as DomainChildShard, ConsumerMeta, ReadRecord, ShardMeta, StreamMeta } from "../engine/model.js";
import { encodeSequenceNumber, sequenceBase, sequenceNumberAt } from "../engine/sequence-number.js";
import type { ChildShard, Consumer, ConsumerDescription, Record as WireRecord, Shard, StreamSummary } from "./generated/types.js";

/** Domain values to the model's wire shapes (PascalCase). */

export function startingSequenceNumber(shard: ShardMeta): string {
  const seconds = Math.floor(shard.createdMs / 1000);
  return encodeSequenceNumber({ shardCreationSeconds: seconds, shardIndex: shard.index, counter: 0n, arrivalSeconds: seconds });
}

/** A closed shard's last sequence number: at or after its last record, before anything of its children. */
export function endingSequenceNumber(shard: ShardMeta): string | undefined {
  if (shard.closedMs === undefined) return undefined;
  const base = sequenceBase(Math.floor(shard.createdMs / 1000), shard.index, Math.floor(shard.closedMs / 1000));
  return sequenceNumberAt(base, (shard.endOffset ?? 0) - 1);
}

export function toWireShard(shard: ShardMeta): Shard {
  const wire: Shard = {
    ShardId: shard.shardId,
    HashKeyRange: { StartingHashKey: shard.startingHashKey, EndingHashKey: shard.endingHashKey },
    SequenceNumberRange: { StartingSequenceNumber: startingSequenceNumber(shard) },
  };
  if (shard.parentShardId !== undefined) wire.ParentShardId = shard.parentShardId;
  if (shard.adjacentParentShardId !== undefined) wire.AdjacentParentShardId = shard.adjacentParentShardId;
  const ending = endingSequenceNumber(shard);
  if (ending !== undefined) wire.SequenceNumberRange.EndingSequenceNumber = ending;
  return wire;
}

export function toWireChildShard(child: DomainChildShard): ChildShard {
  return {
    ShardId: child.shardId,
    ParentShards: child.parentShards,
    HashKeyRange: { StartingHashKey: child.startingHashKey, EndingHashKey: child.endingHashKey },
  };
}

export function toWireRecord(record: ReadRecord): WireRecord {
  return {
    SequenceNumber: record.sequenceNumber,
    ApproximateArrivalTimestamp: new Date(record.arrivalMs),
    Data: record.data,
    PartitionKey: record.partitionKey,
    EncryptionType: record.encryptionType,
  };
}

export function toWireStreamSummary(meta: StreamMeta): StreamSummary {
  return {
    StreamName: meta.streamName,
    StreamARN: streamArn(meta),
    StreamStatus: meta.status,
    StreamModeDetails: { StreamMode: meta.mode },
    StreamCreationTimestamp: new Date(meta.createdMs),
  };
}

export function toWireConsumer(consumer: ConsumerMeta): Consumer {
  return {
    ConsumerName: consumer.consumerName,
    ConsumerARN: consumer.consumerArn,
    ConsumerStatus: consumer.status,
    ConsumerCreationTimestamp: new Date(consumer.createdMs),
  };
}

export function toWireConsumerDescription(consumer: ConsumerMeta, meta: StreamMeta): ConsumerDescription {
  return { ...toWireConsumer(consumer), StreamARN: streamArn(meta) };
}

export function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key]! }));
}
