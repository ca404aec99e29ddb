import { describe, it, expect } from "vitest";
import { kinesisShapes } from "../../kinesis/api/generated/shapes.js";
import type { DescribeStreamSummaryInput, PutRecordsInput } from "../../kinesis/api/generated/types.js";
import type { RequestContext } from "../service.js";
import { defineOperation } from "./define-operation.js";

const ctx = (codec: "json" | "cbor" = "json"): RequestContext => ({
  requestId: "r",
  account: "123456789012",
  region: "us-east-1",
  accessKeyId: undefined,
  codec,
  httpVersion: "1.1",
  secure: false,
  sourceIp: "127.0.0.1",
  receivedAtMs: 0,
  signal: new AbortController().signal,
});

describe("defineOperation", () => {
  it("validates, then calls the implementation with the typed input and wraps its output", async () => {
    const op = defineOperation<PutRecordsInput>(kinesisShapes, "PutRecords", async (input) => ({
      FailedRecordCount: 0,
      Records: input.Records.map((r) => ({ ShardId: `bytes-${r.Data.byteLength}` })),
    }));
    expect(op.name).toBe("PutRecords");
    const result = await op.handle({ StreamName: "s", Records: [{ Data: "YWJj", PartitionKey: "k" }] }, ctx());
    expect(result).toEqual({ kind: "value", value: { FailedRecordCount: 0, Records: [{ ShardId: "bytes-3" }] } });
  });

  it("refuses bad input before the implementation runs", async () => {
    let called = false;
    const op = defineOperation<DescribeStreamSummaryInput>(kinesisShapes, "DescribeStreamSummary", () => {
      called = true;
    });
    await expect(op.handle({ StreamName: "" }, ctx())).rejects.toMatchObject({ type: "ValidationException" });
    await expect(op.handle({ StreamName: 1 }, ctx("cbor"))).rejects.toMatchObject({ type: "SerializationException" });
    expect(called).toBe(false);
  });

  it("passes OperationResults through", async () => {
    const encoded = { kind: "encoded" as const, codec: "json" as const, body: Buffer.from("{}") };
    const op = defineOperation(kinesisShapes, "ListStreams", () => encoded);
    expect(await op.handle({}, ctx())).toBe(encoded);
  });

  it("sends undefined for operations without output", async () => {
    const op = defineOperation(kinesisShapes, "DeleteStream", () => undefined);
    expect(await op.handle({ StreamName: "s" }, ctx())).toEqual({ kind: "value", value: undefined });
  });

  it("refuses an unknown operation at definition time", () => {
    expect(() => defineOperation(kinesisShapes, "Nope", () => undefined)).toThrow(/no operation Nope/);
  });
});

describe("a full PutRecords batch", () => {
  it("validates 500 entries in both codecs", async () => {
    const op = defineOperation<PutRecordsInput>(kinesisShapes, "PutRecords", (input) => input.Records.length);
    const json = { StreamName: "s", Records: Array.from({ length: 500 }, (_, i) => ({ Data: "AAAA", PartitionKey: `k${i}` })) };
    const cbor = { StreamName: "s", Records: Array.from({ length: 500 }, (_, i) => ({ Data: new Uint8Array(3), PartitionKey: `k${i}` })) };
    expect(await op.handle(json, ctx("json"))).toEqual({ kind: "value", value: 500 });
    expect(await op.handle(cbor, ctx("cbor"))).toEqual({ kind: "value", value: 500 });
  });
});
