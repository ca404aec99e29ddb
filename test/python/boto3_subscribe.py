"""boto3 SubscribeToShard against Tributary: botocore reads the event stream from an HTTP/1.1 chunked body.
Subscribes at LATEST, puts records, receives them, and closes the stream; prints one JSON object."""
import sys
import time

from tributary_client import client, emit, wait_active, wait_consumer_active

endpoint, name = sys.argv[1], sys.argv[2]
k = client(endpoint)
k.create_stream(StreamName=name, ShardCount=1)
wait_active(k, name)
arn = k.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
consumer_arn = k.register_stream_consumer(StreamARN=arn, ConsumerName="boto3-sub")["Consumer"]["ConsumerARN"]
wait_consumer_active(k, consumer_arn)

response = k.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId="shardId-000000000000", StartingPosition={"Type": "LATEST"})
stream = response["EventStream"]
out = {"status": response["ResponseMetadata"]["HTTPStatusCode"], "contentType": response["ResponseMetadata"]["HTTPHeaders"].get("content-type")}

# botocore itself reads the initial-response event (and fails the call without one): its payload is
# parsed into the response's top-level members, which SubscribeToShardOutput has none of.
out["initialResponse"] = {key: value for key, value in response.items() if key not in ("EventStream", "ResponseMetadata")}

expected = [f"boto3-{i}" for i in range(5)]
events_iter = iter(stream)
received, latencies_ms, continuation, events = [], [], None, 0
for data in expected:
    # One record at a time: put it, then read events until it arrives (push, not polling).
    started = time.perf_counter()
    k.put_record(StreamName=name, PartitionKey="k", Data=data.encode())
    while data not in received:
        event = next(events_iter)
        events += 1
        body = event.get("SubscribeToShardEvent")
        if body is None:
            continue
        received.extend(record["Data"].decode() for record in body["Records"])
        continuation = body["ContinuationSequenceNumber"]
        out["millisBehindLatest"] = body["MillisBehindLatest"]
    latencies_ms.append((time.perf_counter() - started) * 1000)
stream.close()

out.update({"received": received, "events": events, "continuation": continuation, "latenciesMs": latencies_ms})
emit(out)
