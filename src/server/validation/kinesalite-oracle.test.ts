/**
 * kinesalite reproduces many of AWS's serialization and validation answers (recorded against real
 * AWS), so it is a cheap oracle for wording and order: the same bad inputs go to a kinesalite server
 * and to our validator, and the answers must agree. Where the current AWS model has moved on from
 * kinesalite (StreamName optional since StreamARN, Data up to 10 MiB, no RetentionPeriodHours range),
 * the model wins and those inputs are left out, listed at the bottom; so are patterns with an
 * alternation, which kinesalite anchors as `^0|([1-9]\d{0,38})$` where Java matches the whole value.
 */
import { createRequire } from "node:module";
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { kinesisShapes } from "../../kinesis/api/generated/shapes.js";
import { compileInputValidator } from "./compile-input-validator.js";
import { isAwsError } from "../../core/errors.js";

type KinesaliteFactory = (options: { createStreamMs: number }) => Server;
const kinesalite = createRequire(import.meta.url)("kinesalite") as KinesaliteFactory;

interface Answer {
  type: string;
  message: string;
}

let server: Server;
let port = 0;

beforeAll(async () => {
  server = kinesalite({ createStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

function askKinesalite(operation: string, body: unknown): Promise<Answer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/",
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": `Kinesis_20131202.${operation}`,
          "X-Amz-Date": "20240101T000000Z",
          // kinesalite checks that a signature is present, not that it is right.
          Authorization:
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00",
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          const parsed = JSON.parse(text === "" ? "{}" : text) as { __type?: string; message?: string; Message?: string };
          resolve({ type: parsed.__type ?? `HTTP ${res.statusCode}`, message: parsed.message ?? parsed.Message ?? "" });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

function askValidator(operation: string, body: unknown): Answer {
  const validate = compileInputValidator(kinesisShapes, kinesisShapes.operations[operation]?.input as string);
  try {
    validate(JSON.parse(JSON.stringify(body)), "json");
    return { type: "(valid)", message: "" };
  } catch (error) {
    if (!isAwsError(error)) throw error;
    return { type: error.type, message: error.message };
  }
}

/** Java identity hashes differ from run to run in AWS too. */
const normalize = (answer: Answer): Answer => ({ ...answer, message: answer.message.replace(/@[0-9a-f]+/g, "@HASH") });

const long = (n: number): string => "a".repeat(n);
const cases: Array<[string, unknown]> = [
  ["CreateStream", { StreamName: "", ShardCount: 0 }],
  ["CreateStream", { StreamName: long(129), ShardCount: "1" }],
  ["CreateStream", { StreamName: "a b", ShardCount: 1.5 }],
  ["DeleteStream", { StreamName: true }],
  ["DeleteStream", { StreamName: long(129) }],
  ["DescribeStream", { StreamName: "", Limit: 0, ExclusiveStartShardId: "" }],
  ["DescribeStream", { StreamName: long(129), Limit: 100000, ExclusiveStartShardId: long(129) }],
  ["DescribeStream", { StreamName: "s", Limit: [] }],
  ["DescribeStreamSummary", { StreamName: {} }],
  ["ListStreams", { Limit: 0, ExclusiveStartStreamName: "" }],
  ["ListStreams", { Limit: 10001, ExclusiveStartStreamName: "?" }],
  ["ListStreams", { Limit: "5" }],
  ["ListShards", { StreamName: "", MaxResults: 0, ExclusiveStartShardId: "" }],
  ["ListShards", { StreamName: "s", NextToken: "" }],
  ["PutRecord", { StreamName: "", PartitionKey: "", Data: "", ExplicitHashKey: "", SequenceNumberForOrdering: "" }],
  ["PutRecord", { StreamName: long(129), PartitionKey: long(257), Data: "", ExplicitHashKey: "x" }],
  ["PutRecord", { StreamName: "s", PartitionKey: "a", Data: "23456" }],
  ["PutRecord", { StreamName: "s", PartitionKey: "a", Data: "=+/=" }],
  ["PutRecord", { StreamName: "s", PartitionKey: "a", Data: "+/+=" }],
  ["PutRecord", { StreamName: "s", PartitionKey: "a", Data: 12 }],
  ["PutRecord", { StreamName: "s", PartitionKey: 12, Data: "" }],
  ["PutRecords", { StreamName: "", Records: [] }],
  ["PutRecords", { StreamName: "s", Records: "x" }],
  ["PutRecords", { StreamName: "s", Records: {} }],
  ["PutRecords", { StreamName: "s", Records: ["x"] }],
  ["PutRecords", { StreamName: "s", Records: [{ Data: [], PartitionKey: "a" }] }],
  ["PutRecords", { StreamName: "s", Records: [{ Data: "", PartitionKey: "" }, { Data: "", PartitionKey: long(257), ExplicitHashKey: "x" }] }],
  ["PutRecords", { StreamName: "s", Records: [{ Data: "" }] }],
  ["PutRecords", { StreamName: "s", Records: Array.from({ length: 501 }, () => ({ Data: "", PartitionKey: "a" })) }],
  ["PutRecords", { StreamName: "s", Records: Array.from({ length: 12 }, () => ({ Data: "", PartitionKey: "" })) }],
  ["GetShardIterator", { StreamName: "", ShardIteratorType: "", ShardId: "", StartingSequenceNumber: "" }],
  ["GetShardIterator", { StreamName: long(129), ShardId: long(129), ShardIteratorType: "LATEST" }],
  ["GetShardIterator", { StreamName: "s", ShardId: "a", ShardIteratorType: "LATEST", Timestamp: "2020" }],
  ["GetRecords", { ShardIterator: "", Limit: 0 }],
  ["GetRecords", { ShardIterator: long(513), Limit: 10001 }],
  ["GetRecords", { ShardIterator: 5 }],
  ["SplitShard", { StreamName: "", ShardToSplit: "", NewStartingHashKey: "" }],
  ["SplitShard", { StreamName: "s", ShardToSplit: "?", NewStartingHashKey: "1" }],
  ["MergeShards", { StreamName: "", ShardToMerge: "", AdjacentShardToMerge: "" }],
  ["AddTagsToStream", { StreamName: "", Tags: {} }],
  ["AddTagsToStream", { StreamName: "s", Tags: [] }],
  ["AddTagsToStream", { StreamName: "s", Tags: { a: 1 } }],
  ["RemoveTagsFromStream", { StreamName: "", TagKeys: [] }],
  ["RemoveTagsFromStream", { StreamName: "s", TagKeys: [""] }],
  ["ListTagsForStream", { StreamName: "", Limit: 0, ExclusiveStartTagKey: "" }],
  ["IncreaseStreamRetentionPeriod", { StreamName: "", RetentionPeriodHours: "24" }],
  ["DecreaseStreamRetentionPeriod", { StreamName: long(129), RetentionPeriodHours: true }],
];

describe("our validator answers as kinesalite (and so AWS) does", () => {
  for (const [operation, body] of cases) {
    it(`${operation} ${JSON.stringify(body).slice(0, 100)}`, async () => {
      const expected = normalize(await askKinesalite(operation, body));
      expect(expected.type).toMatch(/^(SerializationException|ValidationException)$/);
      expect(normalize(askValidator(operation, body))).toEqual(expected);
    });
  }
});

describe("where the current AWS model differs from kinesalite, the model wins", () => {
  it("StreamName is optional now that StreamARN can name the stream", async () => {
    expect((await askKinesalite("DeleteStream", {})).message).toContain("'streamName'");
    expect(askValidator("DeleteStream", {}).type).toBe("(valid)");
  });

  it("records may be up to 10 MiB", async () => {
    const data = Buffer.alloc(1048577).toString("base64");
    expect((await askKinesalite("PutRecord", { StreamName: "s", PartitionKey: "a", Data: data })).type).toBe("ValidationException");
    expect(askValidator("PutRecord", { StreamName: "s", PartitionKey: "a", Data: data }).type).toBe("(valid)");
  });

  it("a pattern with an alternation must match the whole value (kinesalite anchors only the ends)", async () => {
    const body = { StreamName: "s", ShardToSplit: "a", NewStartingHashKey: "1".repeat(40) };
    expect((await askKinesalite("SplitShard", body)).type).not.toBe("ValidationException");
    expect(askValidator("SplitShard", body)).toEqual({
      type: "ValidationException",
      message: `1 validation error detected: Value '${"1".repeat(40)}' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})`,
    });
  });

  it("RetentionPeriodHours has no model range (the operation checks it)", async () => {
    expect((await askKinesalite("IncreaseStreamRetentionPeriod", { StreamName: "s", RetentionPeriodHours: 0 })).type).toBe(
      "ValidationException",
    );
    expect(askValidator("IncreaseStreamRetentionPeriod", { StreamName: "s", RetentionPeriodHours: 0 }).type).toBe("(valid)");
  });
});
