"""Shared set-up for the boto3 scenarios: a client for the Tributary endpoint given on the command line."""
import json
import sys
import time

import boto3
import botocore.config


def client(endpoint, access_key="AKIDEXAMPLE", region="us-east-1"):
    return boto3.client(
        "kinesis",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key="dummy-secret",
        config=botocore.config.Config(retries={"max_attempts": 1}, read_timeout=30),
    )


def wait_active(kinesis, name, timeout_s=10):
    deadline = time.time() + timeout_s
    while True:
        status = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamStatus"]
        if status == "ACTIVE":
            return
        if time.time() > deadline:
            raise RuntimeError(f"stream {name} still {status}")
        time.sleep(0.01)


def wait_consumer_active(kinesis, consumer_arn, timeout_s=10):
    deadline = time.time() + timeout_s
    while kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)["ConsumerDescription"]["ConsumerStatus"] != "ACTIVE":
        if time.time() > deadline:
            raise RuntimeError("consumer not ACTIVE")
        time.sleep(0.01)


def emit(result):
    """The test parses the last line of stdout as JSON."""
    sys.stdout.write(json.dumps(result, default=str) + "\n")
