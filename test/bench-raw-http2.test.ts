/**
 * The raw HTTP/2 client against a real Tributary: both shapes the benchmark uses, an error answer, and a
 * body larger than the server's windows before its SETTINGS arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestTributary } from "./helpers/tributary.js";
import { putRecordsBody } from "../bench/load/payloads.js";
import { callJson } from "../bench/lib/raw-http.js";
import { encodeH2Request, encodeHeaderBlock, H2Request, RawH2Connection, responseStatus, SDK_ISOLATED_SESSION, SHARED_SESSION } from "../bench/lib/raw-http2.js";

const STREAM = "raw-h2";

let port = 0;
let cleanup: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const running = await startTestTributary();
  cleanup = running.cleanup;
  port = Number(new URL(running.server.endpoint).port);
  await callJson(port, "CreateStream", { StreamName: STREAM, ShardCount: 1 });
});

afterAll(async () => {
  await cleanup?.();
});

async function readAll(): Promise<string[]> {
  const shards = (await callJson(port, "ListShards", { StreamName: STREAM })) as { Shards: Array<{ ShardId: string }> };
  const iterator = (await callJson(port, "GetShardIterator", { StreamName: STREAM, ShardId: shards.Shards[0]!.ShardId, ShardIteratorType: "TRIM_HORIZON" })) as { ShardIterator: string };
  const keys: string[] = [];
  let next: string | undefined = iterator.ShardIterator;
  while (next !== undefined) {
    const page = (await callJson(port, "GetRecords", { ShardIterator: next, Limit: 10_000 })) as { Records: Array<{ PartitionKey: string }>; NextShardIterator?: string };
    if (page.Records.length === 0) break;
    keys.push(...page.Records.map((r) => r.PartitionKey));
    next = page.NextShardIterator;
  }
  return keys;
}

function putBody(records: number, recordBytes: number, tag: string): Buffer {
  return Buffer.from(putRecordsBody(STREAM, recordBytes, records).toString("utf8").replaceAll('"partition-', `"${tag}-`), "utf8");
}

describe("raw HTTP/2 client", () => {
  it("puts records over a connection per request (the SDK's shape), readable afterwards", async () => {
    const request = encodeH2Request(port, "PutRecords", putBody(3, 100, "oneshot"));
    for (let i = 0; i < 3; i++) {
      const response = await RawH2Connection.oneShot(port, request, true);
      expect(response.status, response.body.toString()).toBe(200);
      expect(JSON.parse(response.body.toString()) as unknown).toMatchObject({ FailedRecordCount: 0 });
    }
    const keys = await readAll();
    expect(keys.filter((k) => k.startsWith("oneshot-"))).toHaveLength(9);
  });

  it("multiplexes concurrent requests on one connection", async () => {
    const connection = await RawH2Connection.open(port, SHARED_SESSION);
    try {
      const request = encodeH2Request(port, "PutRecords", putBody(500, 100, "shared"));
      const responses = await Promise.all(Array.from({ length: 8 }, async () => {
        const own = request.copy();
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await connection.request(own, true)).status);
        return statuses;
      }));
      expect(responses.flat()).toEqual(Array.from({ length: 24 }, () => 200));
    } finally {
      connection.close();
    }
    const keys = await readAll();
    expect(keys.filter((k) => k.startsWith("shared-"))).toHaveLength(24 * 500);
  });

  it("sends a body larger than the default 64 KiB windows, before and after the server's SETTINGS", async () => {
    // ~1.4 MB: beyond the 65,535-byte windows a fresh connection starts with, and beyond the server's
    // 1 MiB stream window, so the rest waits for its WINDOW_UPDATEs.
    const body = putBody(500, 2000, "large");
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const response = await RawH2Connection.oneShot(port, encodeH2Request(port, "PutRecords", body), true);
    expect(response.status, response.body.toString()).toBe(200);
    const shared = await RawH2Connection.open(port, SDK_ISOLATED_SESSION);
    try {
      const again = await shared.request(encodeH2Request(port, "PutRecords", body), true);
      expect(again.status, again.body.toString()).toBe(200);
    } finally {
      shared.close();
    }
    expect((await readAll()).filter((k) => k.startsWith("large-"))).toHaveLength(1000);
  });

  it("surfaces an error answer with its body", async () => {
    const body = Buffer.from(JSON.stringify({ StreamName: "no-such-stream", Records: [{ Data: "AA==", PartitionKey: "k" }] }));
    const response = await RawH2Connection.oneShot(port, encodeH2Request(port, "PutRecords", body), true);
    expect(response.status).not.toBe(200);
    expect(response.body.toString()).toContain("ResourceNotFoundException");
    const connection = await RawH2Connection.open(port, SHARED_SESSION);
    try {
      const statuses = [];
      for (let i = 0; i < 2; i++) statuses.push((await connection.request(encodeH2Request(port, "PutRecords", body), true)).status);
      expect(statuses.every((s) => s !== 200)).toBe(true);
    } finally {
      connection.close();
    }
  });

  it("rejects requests when the connection fails", async () => {
    const connection = await RawH2Connection.open(port, SHARED_SESSION);
    connection.close();
    await expect(connection.request(encodeH2Request(port, "ListStreams", "{}"))).rejects.toThrow(/closed/);
  });
});

describe("HPACK pieces", () => {
  it("reads :status from static indexes and literals (plain and Huffman)", () => {
    expect(responseStatus(Buffer.from([0x88]))).toBe(200);
    expect(responseStatus(Buffer.from([0x8c]))).toBe(400);
    expect(responseStatus(Buffer.from([0x48, 0x03, 0x34, 0x31, 0x33]))).toBe(413); // literal, incremental indexing, plain
    expect(responseStatus(Buffer.from([0x48, 0x83, 0x68, 0x2c, 0xff]))).toBe(413); // "413" Huffman-coded: 011010 00001 011001, padded with 1s
    expect(responseStatus(Buffer.from([0x20, 0x88]))).toBe(200); // after a dynamic table size update
    expect(responseStatus(Buffer.from([0xbe]))).toBe(0); // a dynamic-table reference: not readable here
  });

  it("encodes integers across their prefix (RFC 7541 C.1)", () => {
    const block = encodeHeaderBlock([["x-long", "v".repeat(200)]]);
    expect([...block.subarray(0, 10)]).toEqual([0x00, 0x06, ...Buffer.from("x-long"), 0x7f, 200 - 127]);
    expect(new H2Request(block, Buffer.alloc(0)).headers[4]).toBe(0x05); // END_HEADERS | END_STREAM
  });
});
