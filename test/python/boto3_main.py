"""boto3 driving the main Kinesis operations against Tributary; prints one JSON object of observations."""
import sys

from botocore.exceptions import ClientError

from tributary_client import client, emit, wait_active, wait_consumer_active

endpoint, name = sys.argv[1], sys.argv[2]
k = client(endpoint)
out = {}

k.create_stream(StreamName=name, ShardCount=4)
wait_active(k, name)
summary = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
out["summary"] = {key: summary[key] for key in ("StreamName", "StreamARN", "StreamStatus", "OpenShardCount", "RetentionPeriodHours")}
out["listed"] = name in k.list_streams()["StreamNames"]

put = k.put_record(StreamName=name, PartitionKey="user-123", Data=b"hello boto3")
out["put"] = {"ShardId": put["ShardId"], "SequenceNumber": put["SequenceNumber"], "EncryptionType": put.get("EncryptionType")}
batch = k.put_records(StreamName=name, Records=[{"PartitionKey": f"p{i}", "Data": f"b{i}".encode()} for i in range(10)])
out["batch"] = {"FailedRecordCount": batch["FailedRecordCount"], "count": len(batch["Records"])}

iterator = k.get_shard_iterator(StreamName=name, ShardId=put["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=put["SequenceNumber"])["ShardIterator"]
records = k.get_records(ShardIterator=iterator, Limit=1)
first = records["Records"][0]
out["get"] = {
    "Data": first["Data"].decode(),
    "PartitionKey": first["PartitionKey"],
    "ArrivalIsDatetime": hasattr(first["ApproximateArrivalTimestamp"], "timestamp"),
    "MillisBehindLatest": records["MillisBehindLatest"],
    "HasNext": bool(records.get("NextShardIterator")),
}

shards = k.list_shards(StreamName=name, MaxResults=2)
more = k.list_shards(NextToken=shards["NextToken"])
out["shards"] = [s["ShardId"] for s in shards["Shards"] + more["Shards"]]

k.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**124))
wait_active(k, name)
out["afterSplit"] = len(k.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"])

k.add_tags_to_stream(StreamName=name, Tags={"team": "data"})
out["tags"] = k.list_tags_for_stream(StreamName=name)["Tags"]

arn = summary["StreamARN"]
consumer = k.register_stream_consumer(StreamARN=arn, ConsumerName="boto3-app")["Consumer"]
wait_consumer_active(k, consumer["ConsumerARN"])
out["consumers"] = [c["ConsumerName"] for c in k.list_stream_consumers(StreamARN=arn)["Consumers"]]

try:
    k.describe_stream_summary(StreamName="no-such-stream")
except ClientError as error:
    out["error"] = {"Code": error.response["Error"]["Code"], "Message": error.response["Error"]["Message"], "Status": error.response["ResponseMetadata"]["HTTPStatusCode"]}
try:
    k.put_record(StreamName=name, PartitionKey="x", Data=b"x", ExplicitHashKey=str(2**128))
except ClientError as error:
    out["hashKeyError"] = error.response["Error"]["Code"]

k.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
emit(out)
