/**
 * Fault injection: the admin endpoint (`/_tributary/faults`), the `tributary faults` CLI command, the
 * `--faults` start-up setting, and the exact AWS shapes of what is injected (status, __type, message;
 * per-entry ErrorCode and ErrorMessage in PutRecords) as the JS SDK, a raw HTTP client and the AWS CLI
 * see them.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
} from "@aws-sdk/client-kinesis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/core/config.js";
import { runFaultsCommand } from "../src/kinesis/admin/faults-cli.js";
import { FaultSettingsError } from "../src/kinesis/admin/fault-settings.js";
import { errorOf, kinesisClient, startTestTributary, uniqueName, useTributary } from "./helpers/tributary.js";
import { awsCli, awsCliMissing } from "./helpers/aws-cli.js";

const ACCOUNT = "000000000000";
const FAULTS = "/_tributary/faults";
const SHARD0 = "shardId-000000000000";

const tributary = useTributary();

async function admin(method: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${tributary.endpoint}${FAULTS}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A Kinesis call over plain HTTP/1.1 with SigV4's form (Tributary checks the form, not the signature). */
async function rawCall(operation: string, input: unknown): Promise<{ status: number; errorType: string | null; body: Record<string, unknown> }> {
  const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const response = await fetch(tributary.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `Kinesis_20131202.${operation}`,
      "x-amz-date": amzDate,
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${amzDate.slice(0, 8)}/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`,
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, errorType: response.headers.get("x-amzn-errortype"), body: (await response.json()) as Record<string, unknown> };
}


describe("fault injection", () => {
  let client: KinesisClient;
  let name: string;
  beforeAll(async () => {
    client = kinesisClient(tributary.endpoint);
    name = uniqueName("faults");
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
  });
  afterEach(() => tributary.server.faults.clear());
  afterAll(() => client.destroy());

  it("shows, replaces and clears the settings at /_tributary/faults, refusing invalid ones with 400", async () => {
    expect(await admin("GET")).toEqual({ status: 200, json: { throttle: 0, internalFailure: 0, latencyMs: 0, entryThrottle: 0, entryInternalFailure: 0, operations: {} } });
    const set = await admin("PUT", { entryThrottle: 0.25, operations: { GetRecords: { throttle: 1 } }, seed: 7 });
    expect(set).toMatchObject({ status: 200, json: { entryThrottle: 0.25, operations: { GetRecords: { throttle: 1 } }, seed: 7 } });
    expect((await admin("GET")).json).toEqual(set.json);
    expect(await admin("PUT", { throttle: 1.5 })).toEqual({ status: 400, json: { message: "faults.throttle must be a number from 0 to 1, got 1.5" } });
    expect(await admin("PUT", { operations: { PutRekord: { throttle: 1 } } })).toEqual({ status: 400, json: { message: 'operations: unknown operation "PutRekord"' } });
    expect((await admin("PUT", { throtle: 1 })).status).toBe(400);
    expect((await admin("GET")).json).toEqual(set.json); // refused settings change nothing
    expect((await admin("DELETE")).json).toMatchObject({ entryThrottle: 0, operations: {} });
  });

  it("throttles and fails whole calls with AWS's shapes", async () => {
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD0, ShardIteratorType: "LATEST" }));
    await admin("PUT", {
      operations: {
        PutRecord: { throttle: 1 },
        GetRecords: { throttle: 1 },
        GetShardIterator: { throttle: 1 },
        DescribeStreamSummary: { throttle: 1 },
        ListStreams: { internalFailure: 1 },
      },
    });
    const shardThrottle = { name: "ProvisionedThroughputExceededException", message: `Rate exceeded for shard ${SHARD0} in stream ${name} under account ${ACCOUNT}.`, status: 400 };
    expect(await errorOf(client.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", ExplicitHashKey: "0", Data: new Uint8Array(1) })))).toEqual(shardThrottle);
    expect(await errorOf(client.send(new GetRecordsCommand({ ShardIterator })))).toEqual(shardThrottle);
    expect(await errorOf(client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD0, ShardIteratorType: "LATEST" })))).toEqual(shardThrottle);
    expect(await errorOf(client.send(new DescribeStreamSummaryCommand({ StreamName: name })))).toEqual({
      name: "LimitExceededException",
      message: `Rate exceeded for stream ${name} under account ${ACCOUNT}.`,
      status: 400,
    });
    expect(await errorOf(client.send(new ListStreamsCommand({})))).toEqual({ name: "InternalFailureException", message: "Internal service failure.", status: 500 });

    // On the wire: status, x-amzn-ErrorType and the JSON body's __type and message.
    const raw = await rawCall("DescribeStreamSummary", { StreamName: name });
    expect(raw).toEqual({ status: 400, errorType: "LimitExceededException", body: { __type: "LimitExceededException", message: `Rate exceeded for stream ${name} under account ${ACCOUNT}.` } });
    const internal = await rawCall("ListStreams", {});
    expect(internal).toMatchObject({ status: 500, body: { __type: "InternalFailureException", message: "Internal service failure." } });
    // Operations without a rule are served.
    await client.send(new PutRecordsCommand({ StreamName: name, Records: [{ PartitionKey: "k", Data: new Uint8Array(1) }] }));
  });

  it("fails PutRecords entries one by one: ErrorCode and ErrorMessage as AWS sends them, the others written in order", async () => {
    const records = (n: number) => Array.from({ length: n }, (_, i) => ({ PartitionKey: "k", ExplicitHashKey: "0", Data: Buffer.from(`r${i}`) }));
    await admin("PUT", { entryThrottle: 1 });
    const throttled = await client.send(new PutRecordsCommand({ StreamName: name, Records: records(3) }));
    expect(throttled.FailedRecordCount).toBe(3);
    expect(throttled.Records).toEqual(
      Array(3).fill({ ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: `Rate exceeded for shard ${SHARD0} in stream ${name} under account ${ACCOUNT}.` }),
    );
    await admin("PUT", { entryInternalFailure: 1 });
    const failed = await client.send(new PutRecordsCommand({ StreamName: name, Records: records(2) }));
    expect(failed.Records).toEqual(Array(2).fill({ ErrorCode: "InternalFailure", ErrorMessage: "Internal service failure." }));

    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD0, ShardIteratorType: "LATEST" }));
    await admin("PUT", { entryThrottle: 0.3, entryInternalFailure: 0.2, seed: 42 });
    const mixed = await client.send(new PutRecordsCommand({ StreamName: name, Records: records(100) }));
    const ok = mixed.Records!.flatMap((r, i) => (r.SequenceNumber ? [`r${i}`] : []));
    expect(mixed.FailedRecordCount).toBe(100 - ok.length);
    expect(ok.length).toBeGreaterThan(20);
    expect(ok.length).toBeLessThan(80);
    for (const r of mixed.Records!) if (!r.SequenceNumber) expect(["ProvisionedThroughputExceededException", "InternalFailure"]).toContain(r.ErrorCode);
    tributary.server.faults.clear();
    const read = await client.send(new GetRecordsCommand({ ShardIterator }));
    expect(read.Records!.map((r) => Buffer.from(r.Data!).toString())).toEqual(ok);
  });

  it("adds latency to the calls it names", async () => {
    await admin("PUT", { operations: { ListStreams: { latencyMs: 150 } } });
    let started = performance.now();
    await client.send(new ListStreamsCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    started = performance.now();
    await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    expect(performance.now() - started).toBeLessThan(145);
  });

  it("is switched by `tributary faults set|show|clear`", async () => {
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };
    const endpoint = tributary.endpoint;
    expect(await runFaultsCommand(["set", "--endpoint", endpoint, "--throttle", "1", "--operations", "ListStreams,DescribeStreamSummary"], io)).toBe(0);
    expect(JSON.parse(out.pop()!)).toMatchObject({ operations: { ListStreams: { throttle: 1 }, DescribeStreamSummary: { throttle: 1 } } });
    expect((await errorOf(client.send(new ListStreamsCommand({})))).name).toBe("LimitExceededException");
    expect(await runFaultsCommand(["show", "--endpoint", endpoint], io)).toBe(0);
    expect(JSON.parse(out.pop()!)).toMatchObject({ operations: { ListStreams: { throttle: 1 } } });
    expect(await runFaultsCommand(["set", "--endpoint", endpoint, "--json", '{"entryThrottle":2}'], io)).toBe(1);
    expect(out.pop()).toContain("entryThrottle must be a number from 0 to 1");
    expect(await runFaultsCommand(["clear", "--endpoint", endpoint], io)).toBe(0);
    await client.send(new ListStreamsCommand({}));
    expect(await runFaultsCommand(["set", "--bogus", "1"], io)).toBe(2);
  });

  it.skipIf(awsCliMissing !== undefined)("shows the AWS CLI the same shapes", async () => {
    await admin("PUT", { entryThrottle: 1, operations: { PutRecord: { throttle: 1 } } });
    const [records, record] = await Promise.all([
      awsCli(tributary.endpoint, ["put-records", "--stream-name", name, "--records", "Data=aGk=,PartitionKey=k,ExplicitHashKey=0"], { maxAttempts: 1 }),
      awsCli(tributary.endpoint, ["put-record", "--stream-name", name, "--data", "aGk=", "--partition-key", "k", "--explicit-hash-key", "0"], { maxAttempts: 1 }),
    ]);
    expect(records.code).toBe(0);
    expect(JSON.parse(records.stdout)).toMatchObject({
      FailedRecordCount: 1,
      Records: [{ ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: `Rate exceeded for shard ${SHARD0} in stream ${name} under account ${ACCOUNT}.` }],
    });
    expect(record.code).not.toBe(0);
    // botocore names the type and quotes the message; "(reached max retries: 0)" is its own addition.
    expect(record.stderr).toContain("An error occurred (ProvisionedThroughputExceededException) when calling the PutRecord operation");
    expect(record.stderr).toContain(`: Rate exceeded for shard ${SHARD0} in stream ${name} under account ${ACCOUNT}.`);
  });
});

describe("fault injection from start-up settings", () => {
  it("starts with --faults / TRIBUTARY_FAULTS and refuses settings that are not valid", async () => {
    const config = loadConfig(["--faults", '{"operations":{"ListStreams":{"throttle":1}}}'], {});
    const started = await startTestTributary({ config: { faults: config.faults } });
    const client = kinesisClient(started.server.endpoint);
    try {
      expect(await errorOf(client.send(new ListStreamsCommand({})))).toEqual({ name: "LimitExceededException", message: `Rate exceeded for account ${ACCOUNT}.`, status: 400 });
    } finally {
      client.destroy();
      await started.cleanup();
    }
    expect(() => loadConfig([], { TRIBUTARY_FAULTS: "{not json" })).toThrow(ConfigError);
    await expect(startTestTributary({ config: { faults: '{"latencyMs":-1}' } })).rejects.toThrow(FaultSettingsError);
  });
});
