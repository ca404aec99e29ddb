/**
 * Where AWS checks and reports members (and prints enum sets) in an order other than the model's.
 *
 * AWS's validator walks members in its own (Java hash) order, which shows in multi-error messages
 * such as PutRecord's "sequenceNumberForOrdering ... partitionKey ... explicitHashKey ... data ...
 * streamName". The lists below are the orders that kinesalite recorded from real AWS responses (its
 * per-operation validation tables and tests). Members added to the model since (StreamARN, ...) are not
 * listed: they follow in model order, which is a guess. ListShards takes kinesalite's alphabetical
 * order, which its tests against AWS did not pin down either; it keeps us consistent with kinesalite.
 *
 * The generator bakes these into the shape tables as `validationOrder` / `enumMessageOrder`.
 */
export interface AwsOrderOverrides {
  readonly members: Readonly<Record<string, readonly string[]>>;
  readonly enums: Readonly<Record<string, readonly string[]>>;
}

export const kinesisAwsOrder: AwsOrderOverrides = {
  members: {
    AddTagsToStreamInput: ["Tags", "StreamName"],
    CreateStreamInput: ["ShardCount", "StreamName"],
    DecreaseStreamRetentionPeriodInput: ["RetentionPeriodHours", "StreamName"],
    DescribeStreamInput: ["Limit", "ExclusiveStartShardId", "StreamName"],
    GetRecordsInput: ["Limit", "ShardIterator"],
    GetShardIteratorInput: ["ShardId", "ShardIteratorType", "StartingSequenceNumber", "StreamName", "Timestamp"],
    IncreaseStreamRetentionPeriodInput: ["RetentionPeriodHours", "StreamName"],
    ListShardsInput: ["ExclusiveStartShardId", "MaxResults", "NextToken", "StreamCreationTimestamp", "StreamName"],
    ListStreamsInput: ["Limit", "ExclusiveStartStreamName"],
    ListTagsForStreamInput: ["Limit", "ExclusiveStartTagKey", "StreamName"],
    MergeShardsInput: ["ShardToMerge", "AdjacentShardToMerge", "StreamName"],
    PutRecordInput: ["SequenceNumberForOrdering", "PartitionKey", "ExplicitHashKey", "Data", "StreamName"],
    PutRecordsInput: ["Records", "StreamName"],
    PutRecordsRequestEntry: ["PartitionKey", "ExplicitHashKey", "Data"],
    RemoveTagsFromStreamInput: ["TagKeys", "StreamName"],
    SplitShardInput: ["NewStartingHashKey", "StreamName", "ShardToSplit"],
  },
  enums: {
    // AWS printed [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON] before AT_TIMESTAMP
    // existed; where AT_TIMESTAMP falls is kinesalite's placement.
    ShardIteratorType: ["AFTER_SEQUENCE_NUMBER", "LATEST", "AT_TIMESTAMP", "AT_SEQUENCE_NUMBER", "TRIM_HORIZON"],
  },
};

export const noAwsOrder: AwsOrderOverrides = { members: {}, enums: {} };
