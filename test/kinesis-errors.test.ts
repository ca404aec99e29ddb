/**
 * Kinesis-level error paths and CBOR round trips over raw HTTP/1.1 and HTTP/2 (the server's own tests
 * cover protocol errors): unknown streams and shards, tampered, foreign and expired iterators, closed
 * shards, and requests encoded as the Java SDKs encode CBOR (indefinite maps, byte-string blobs,
 * tag-1 epoch-millisecond timestamps), answered in the request's content type; SubscribeToShard in CBOR
 * over HTTP/2 as KCL 2/3 sends it, its event-stream frames parsed and CRC-checked by the test.
 */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "../src/core/clock.js";
import { CborTimestamp, decodeCbor } from "./helpers/java-cbor.js";
import { CBOR_11, JSON_11, kinesisCall, subscribeRaw, type WireOptions, type WireResponse } from "./helpers/kinesis-wire.js";
import { uniqueName, useTributary } from "./helpers/tributary.js";

const tributary = useTributary();
const ACCOUNT = "000000000000";
const VARIANTS: Array<[string, WireOptions]> = [
  ["JSON over HTTP/1.1", { codec: "json", transport: "http1" }],
  ["JSON over HTTP/2", { codec: "json", transport: "http2" }],
  ["CBOR over HTTP/1.1", { codec: "cbor", transport: "http1" }],
  ["CBOR over HTTP/2", { codec: "cbor", transport: "http2" }],
];

function expectError(response: WireResponse, type: string, message?: string | RegExp): void {
  expect(response.status).toBe(400);
  expect(String(response.headers["x-amzn-errortype"] ?? "")).toMatch(new RegExp(`^${type}(:|$)`));
  expect(response.headers["x-amzn-requestid"]).toBeTruthy();
  expect(response.body.__type).toBe(type);
  if (typeof message === "string") expect(response.body.message).toBe(message);
  else if (message) expect(String(response.body.message)).toMatch(message);
}

function expectOk(response: WireResponse): Record<string, unknown> {
  if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

describe.each(VARIANTS)("Kinesis errors, %s", (_label, options) => {
  const call = (operation: string, input: unknown, extra: WireOptions = {}) => kinesisCall(tributary.endpoint, operation, input, { ...options, ...extra });
  const contentType = options.codec === "cbor" ? CBOR_11 : JSON_11;

  const createStream = async (shards: number): Promise<string> => {
    const name = uniqueName(`err-${options.codec}-${options.transport}`);
    expectOk(await call("CreateStream", { StreamName: name, ShardCount: shards }));
    return name;
  };
  const iteratorFor = async (name: string, shardId: string, type = "TRIM_HORIZON", extra: Record<string, unknown> = {}): Promise<string> =>
    String(expectOk(await call("GetShardIterator", { StreamName: name, ShardId: shardId, ShardIteratorType: type, ...extra })).ShardIterator);

  it("names unknown streams and shards as AWS does, in the request's content type", async () => {
    const missing = await call("DescribeStreamSummary", { StreamName: "nope" });
    expect(missing.contentType).toBe(contentType);
    expectError(missing, "ResourceNotFoundException", `Stream nope under account ${ACCOUNT} not found.`);
    expectError(await call("PutRecord", { StreamName: "nope", PartitionKey: "k", Data: options.codec === "cbor" ? Buffer.from("x") : "eA==" }), "ResourceNotFoundException");

    const name = await createStream(2);
    const unknownShard = await call("GetShardIterator", { StreamName: name, ShardId: "shardId-000000000007", ShardIteratorType: "LATEST" });
    expect(unknownShard.contentType).toBe(contentType);
    expectError(unknownShard, "ResourceNotFoundException", `Shard shardId-000000000007 in stream ${name} under account ${ACCOUNT} does not exist`);
    expectError(
      await call("MergeShards", { StreamName: name, ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000009" }),
      "ResourceNotFoundException",
      `Could not find shard shardId-000000000009 in stream ${name} under account ${ACCOUNT}.`,
    );
    // StreamId is "reserved for future use": accepted and ignored.
    expect(expectOk(await call("DescribeStreamSummary", { StreamName: name, StreamId: "abcdefghij0123456789-abc" })).StreamDescriptionSummary).toMatchObject({ StreamName: name });
    // Another account does not see the stream.
    expectError(await call("DescribeStreamSummary", { StreamName: name }, { accessKeyId: "111111111111" }), "ResourceNotFoundException", `Stream ${name} under account 111111111111 not found.`);
  });

  it("refuses tampered, foreign and stale iterators", async () => {
    const name = await createStream(1);
    const iterator = await iteratorFor(name, "shardId-000000000000");
    expectOk(await call("GetRecords", { ShardIterator: iterator }));

    const middle = Math.floor(iterator.length / 2);
    const flipped = `${iterator.slice(0, middle)}${iterator[middle] === "A" ? "B" : "A"}${iterator.slice(middle + 1)}`;
    expectError(await call("GetRecords", { ShardIterator: flipped }), "InvalidArgumentException", "Invalid ShardIterator.");
    expectError(await call("GetRecords", { ShardIterator: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }), "InvalidArgumentException", "Invalid ShardIterator.");
    // Another account may not read through this account's iterator (no resource policy grants it).
    expectError(await call("GetRecords", { ShardIterator: iterator }, { accessKeyId: "222222222222" }), "AccessDeniedException", /^User: arn:aws:iam::222222222222:root is not authorized to perform: kinesis:GetRecords on resource: /);
    // A stream deleted and created again under the same name invalidates the old iterators.
    expectOk(await call("DeleteStream", { StreamName: name }));
    expectOk(await call("CreateStream", { StreamName: name, ShardCount: 1 }));
    expectError(await call("GetRecords", { ShardIterator: iterator }), "ResourceNotFoundException", `Shard shardId-000000000000 in stream ${name} under account ${ACCOUNT} does not exist`);
    expectError(await call("GetRecords", { ShardIterator: iterator, Limit: 0 }), "ValidationException");
  });

  it("reads a closed shard to its end: ChildShards and no NextShardIterator; closed shards take no writes", async () => {
    const name = await createStream(1);
    const data = (text: string) => (options.codec === "cbor" ? Buffer.from(text) : Buffer.from(text).toString("base64"));
    expectOk(await call("PutRecord", { StreamName: name, PartitionKey: "k", ExplicitHashKey: "7", Data: data("before") }));
    const iterator = await iteratorFor(name, "shardId-000000000000");
    expectOk(await call("SplitShard", { StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" }));

    const first = expectOk(await call("GetRecords", { ShardIterator: iterator }));
    const records = first.Records as Array<Record<string, unknown>>;
    expect(records).toHaveLength(1);
    let end = first;
    if (end.NextShardIterator !== undefined && end.NextShardIterator !== null) end = expectOk(await call("GetRecords", { ShardIterator: end.NextShardIterator }));
    expect(end.NextShardIterator ?? null).toBeNull();
    expect(end.ChildShards).toEqual([
      { ShardId: "shardId-000000000001", ParentShards: ["shardId-000000000000"], HashKeyRange: { StartingHashKey: "0", EndingHashKey: "999" } },
      { ShardId: "shardId-000000000002", ParentShards: ["shardId-000000000000"], HashKeyRange: { StartingHashKey: "1000", EndingHashKey: ((1n << 128n) - 1n).toString() } },
    ]);
    expect(end.MillisBehindLatest).toBe(0);

    const put = expectOk(await call("PutRecord", { StreamName: name, PartitionKey: "k", ExplicitHashKey: "7", Data: data("after") }));
    expect(put.ShardId).toBe("shardId-000000000001");
    const latest = expectOk(await call("GetRecords", { ShardIterator: await iteratorFor(name, "shardId-000000000000", "LATEST") }));
    expect(latest.Records).toEqual([]);
    expect(latest.NextShardIterator ?? null).toBeNull();
    expectError(
      await call("SplitShard", { StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: "500" }),
      "InvalidArgumentException",
      `Shard shardId-000000000000 in stream ${name} under account ${ACCOUNT} has already been merged or split, and thus is not eligible for merging or splitting.`,
    );
  });
});

describe("CBOR as the Java SDK encodes it", () => {
  const call = (operation: string, input: unknown, options: WireOptions) => kinesisCall(tributary.endpoint, operation, input, options);

  it.each([
    ["indefinite-length maps over HTTP/1.1 (Java SDK v1, KCL 1)", { codec: "cbor", transport: "http1" } as WireOptions],
    ["indefinite-length maps over HTTP/2 (Java SDK v2 async, KCL 2/3)", { codec: "cbor", transport: "http2" } as WireOptions],
    ["definite-length maps over HTTP/1.1", { codec: "cbor", transport: "http1", definiteCbor: true } as WireOptions],
  ])("round-trips PutRecord, PutRecords, GetShardIterator AT_TIMESTAMP and GetRecords: %s", async (_label, options) => {
    const name = uniqueName("cbor");
    const created = await call("CreateStream", { StreamName: name, ShardCount: 1 }, options);
    expect(created.status).toBe(200);
    expect(created.contentType).toBe(CBOR_11);

    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i)); // every byte value, not valid UTF-8
    const put = expectOk(await call("PutRecord", { StreamName: name, PartitionKey: "p", Data: binary }, options));
    expect(put.ShardId).toBe("shardId-000000000000");
    expect(put.SequenceNumber).toMatch(/^\d{56}$/);
    await new Promise((r) => setTimeout(r, 20));
    const between = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    const batch = expectOk(
      await call("PutRecords", { StreamName: name, Records: [{ PartitionKey: "a", Data: Buffer.from("one") }, { PartitionKey: "b", Data: Buffer.alloc(0) }] }, options),
    );
    expect(batch.FailedRecordCount).toBe(0);
    expect((batch.Records as unknown[]).length).toBe(2);

    // AT_TIMESTAMP with tag 1 around integer epoch milliseconds, as the Java SDK sends it, and bare.
    for (const tagged of [true, false]) {
      const at = expectOk(await call("GetShardIterator", { StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "AT_TIMESTAMP", Timestamp: new CborTimestamp(between, tagged) }, options));
      const afterBetween = expectOk(await call("GetRecords", { ShardIterator: at.ShardIterator, Limit: 10 }, options));
      expect((afterBetween.Records as Array<{ Data: Buffer }>).map((r) => r.Data.toString())).toEqual(["one", ""]);
    }

    const all = await call("GetShardIterator", { StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "AT_TIMESTAMP", Timestamp: new CborTimestamp(between - 60_000) }, options);
    const read = expectOk(await call("GetRecords", { ShardIterator: expectOk(all).ShardIterator }, options));
    const records = read.Records as Array<Record<string, unknown>>;
    expect(records).toHaveLength(3);
    const first = records[0]!;
    expect(Buffer.isBuffer(first.Data)).toBe(true); // a byte string, not base64 text
    expect(Buffer.compare(first.Data as Buffer, binary)).toBe(0);
    expect(first.PartitionKey).toBe("p");
    expect(first.SequenceNumber).toBe(put.SequenceNumber);
    // Timestamps come back as epoch milliseconds (a Date when tagged).
    const arrival = first.ApproximateArrivalTimestamp;
    const arrivalMs = arrival instanceof Date ? arrival.getTime() : Number(arrival);
    expect(Math.abs(arrivalMs - Date.now())).toBeLessThan(60_000);
    expect(read.MillisBehindLatest).toBe(0);
    expect(typeof read.NextShardIterator).toBe("string");

    // Errors come back as CBOR maps too.
    const error = await call("DescribeStreamSummary", { StreamName: `${name}-missing` }, options);
    expect(error.status).toBe(400);
    expect(error.contentType).toBe(CBOR_11);
    expect(error.body).toEqual({ __type: "ResourceNotFoundException", message: `Stream ${name}-missing under account ${ACCOUNT} not found.` });

    // The same stream answers JSON requests in JSON, with base64 blobs and seconds timestamps.
    const json = expectOk(await call("GetRecords", { ShardIterator: all.body.ShardIterator, Limit: 1 }, { codec: "json", transport: options.transport }));
    const jsonRecord = (json.Records as Array<Record<string, unknown>>)[0]!;
    expect(jsonRecord.Data).toBe(binary.toString("base64"));
    expect(Number(jsonRecord.ApproximateArrivalTimestamp)).toBeCloseTo(arrivalMs / 1000, 3);
  });
});

describe("SubscribeToShard as the Java SDK v2 sends it (CBOR over HTTP/2)", () => {
  it.each([["cbor"], ["json"]] as const)("streams %s events: initial-response, records with byte-string data, and an error for an unknown consumer", async (codec) => {
    const options: WireOptions = { codec, transport: "http2" };
    const call = (operation: string, input: unknown) => kinesisCall(tributary.endpoint, operation, input, options);
    const name = uniqueName(`sub-${codec}`);
    expectOk(await call("CreateStream", { StreamName: name, ShardCount: 1 }));
    const registered = expectOk(await call("RegisterStreamConsumer", { StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${name}`, ConsumerName: "kcl" }));
    const consumerArn = String((registered.Consumer as Record<string, unknown>).ConsumerARN);
    const contentType = codec === "cbor" ? CBOR_11 : JSON_11;
    const decode = (payload: Buffer) => (codec === "cbor" ? (decodeCbor(payload) as Record<string, unknown>) : (JSON.parse(payload.toString()) as Record<string, unknown>));

    const sub = await subscribeRaw(tributary.endpoint, { ConsumerARN: consumerArn, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }, options);
    expect(sub.status).toBe(200);
    expect(sub.contentType).toBe("application/vnd.amazon.eventstream");
    const initial = await sub.next();
    expect(initial?.headers).toEqual({ ":message-type": "event", ":event-type": "initial-response", ":content-type": contentType });
    expect(decode(initial!.payload)).toEqual({});

    const binary = Buffer.from([0, 255, 1, 254]);
    const put = expectOk(await call("PutRecord", { StreamName: name, PartitionKey: "p", Data: codec === "cbor" ? binary : binary.toString("base64") }));
    let event: Record<string, unknown> | undefined;
    while (!event || (event.Records as unknown[]).length === 0) {
      const message = await sub.next();
      expect(message?.headers).toEqual({ ":message-type": "event", ":event-type": "SubscribeToShardEvent", ":content-type": contentType });
      event = decode(message!.payload);
    }
    const record = (event.Records as Array<Record<string, unknown>>)[0]!;
    expect(record.SequenceNumber).toBe(put.SequenceNumber);
    if (codec === "cbor") expect(Buffer.compare(record.Data as Buffer, binary)).toBe(0);
    else expect(record.Data).toBe(binary.toString("base64"));
    expect(event.ContinuationSequenceNumber).toMatch(/^\d+$/);
    expect(event.MillisBehindLatest).toBe(0);
    sub.close();

    const unknown = await subscribeRaw(tributary.endpoint, { ConsumerARN: `${consumerArn.split("/consumer/")[0]}/consumer/ghost:1`, ShardId: "shardId-000000000000", StartingPosition: { Type: "LATEST" } }, options);
    expect(unknown.status).toBe(400);
    expect(unknown.contentType).toBe(contentType);
    unknown.close();
  });
});

describe("expired iterators (virtual clock)", () => {
  const clock = new VirtualClock(Date.now());
  const t = useTributary({ clock });

  it.each([["json"], ["cbor"]] as const)("answers ExpiredIteratorException in %s after 5 minutes", async (codec) => {
    const options: WireOptions = { codec };
    const name = uniqueName(`exp-${codec}`);
    expectOk(await kinesisCall(t.endpoint, "CreateStream", { StreamName: name, ShardCount: 1 }, options));
    const { ShardIterator } = expectOk(await kinesisCall(t.endpoint, "GetShardIterator", { StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "LATEST" }, options));
    const issuedAt = clock.now();
    clock.advance(5 * 60_000 + 1);
    const expired = await kinesisCall(t.endpoint, "GetRecords", { ShardIterator }, options);
    expect(expired.contentType).toBe(codec === "cbor" ? CBOR_11 : JSON_11);
    const javaDate = (ms: number) => {
      const d = new Date(ms);
      const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
      const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${day} ${month} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
    };
    expectError(
      expired,
      "ExpiredIteratorException",
      `Iterator expired. The iterator was created at time ${javaDate(issuedAt)} while right now it is ${javaDate(clock.now())} which is further in the future than the tolerated delay of 300000 milliseconds.`,
    );
  });
});
