import type { Service } from "../../server/service.js";
import type { KinesisDeps, KinesisOperationFactory } from "./kinesis-operation.js";
import { kinesisShapes } from "./generated/shapes.js";
import { AddTagsToStream } from "./AddTagsToStream.js";
import { CreateStream } from "./CreateStream.js";
import { DecreaseStreamRetentionPeriod } from "./DecreaseStreamRetentionPeriod.js";
import { DeleteResourcePolicy } from "./DeleteResourcePolicy.js";
import { DeleteStream } from "./DeleteStream.js";
import { DeregisterStreamConsumer } from "./DeregisterStreamConsumer.js";
import { DescribeAccountSettings } from "./DescribeAccountSettings.js";
import { DescribeLimits } from "./DescribeLimits.js";
import { DescribeStream } from "./DescribeStream.js";
import { DescribeStreamConsumer } from "./DescribeStreamConsumer.js";
import { DescribeStreamSummary } from "./DescribeStreamSummary.js";
import { DisableEnhancedMonitoring } from "./DisableEnhancedMonitoring.js";
import { EnableEnhancedMonitoring } from "./EnableEnhancedMonitoring.js";
import { GetRecords } from "./GetRecords.js";
import { GetResourcePolicy } from "./GetResourcePolicy.js";
import { GetShardIterator } from "./GetShardIterator.js";
import { IncreaseStreamRetentionPeriod } from "./IncreaseStreamRetentionPeriod.js";
import { ListShards } from "./ListShards.js";
import { ListStreamConsumers } from "./ListStreamConsumers.js";
import { ListStreams } from "./ListStreams.js";
import { ListTagsForResource } from "./ListTagsForResource.js";
import { ListTagsForStream } from "./ListTagsForStream.js";
import { MergeShards } from "./MergeShards.js";
import { PutRecord } from "./PutRecord.js";
import { PutRecords } from "./PutRecords.js";
import { PutResourcePolicy } from "./PutResourcePolicy.js";
import { RegisterStreamConsumer } from "./RegisterStreamConsumer.js";
import { RemoveTagsFromStream } from "./RemoveTagsFromStream.js";
import { SplitShard } from "./SplitShard.js";
import { StartStreamEncryption } from "./StartStreamEncryption.js";
import { StopStreamEncryption } from "./StopStreamEncryption.js";
import { SubscribeToShard } from "./SubscribeToShard.js";
import { TagResource } from "./TagResource.js";
import { UntagResource } from "./UntagResource.js";
import { UpdateAccountSettings } from "./UpdateAccountSettings.js";
import { UpdateMaxRecordSize } from "./UpdateMaxRecordSize.js";
import { UpdateShardCount } from "./UpdateShardCount.js";
import { UpdateStreamMode } from "./UpdateStreamMode.js";
import { UpdateStreamWarmThroughput } from "./UpdateStreamWarmThroughput.js";

const OPERATIONS: Record<string, KinesisOperationFactory> = {
  AddTagsToStream,
  CreateStream,
  DecreaseStreamRetentionPeriod,
  DeleteResourcePolicy,
  DeleteStream,
  DeregisterStreamConsumer,
  DescribeAccountSettings,
  DescribeLimits,
  DescribeStream,
  DescribeStreamConsumer,
  DescribeStreamSummary,
  DisableEnhancedMonitoring,
  EnableEnhancedMonitoring,
  GetRecords,
  GetResourcePolicy,
  GetShardIterator,
  IncreaseStreamRetentionPeriod,
  ListShards,
  ListStreamConsumers,
  ListStreams,
  ListTagsForResource,
  ListTagsForStream,
  MergeShards,
  PutRecord,
  PutRecords,
  PutResourcePolicy,
  RegisterStreamConsumer,
  RemoveTagsFromStream,
  SplitShard,
  StartStreamEncryption,
  StopStreamEncryption,
  SubscribeToShard,
  TagResource,
  UntagResource,
  UpdateAccountSettings,
  UpdateMaxRecordSize,
  UpdateShardCount,
  UpdateStreamMode,
  UpdateStreamWarmThroughput,
};

/** Kinesis Data Streams on the shared endpoint: every operation of the 2013-12-02 model. */
export function createKinesisService(deps: KinesisDeps): Service {
  const missing = Object.keys(kinesisShapes.operations).filter((name) => !(name in OPERATIONS));
  if (missing.length > 0) throw new Error(`Kinesis operations without an implementation: ${missing.join(", ")}`);
  return {
    name: "kinesis",
    targetPrefix: kinesisShapes.metadata.targetPrefix,
    jsonContentType: "application/x-amz-json-1.1",
    operations: new Map(Object.entries(OPERATIONS).map(([name, factory]) => [name, factory(deps)])),
  };
}
