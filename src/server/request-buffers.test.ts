import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { REQUEST_BUFFER_BYTES_MIN } from "../core/limits.js";
import { BODY_TOO_LARGE, readBody } from "./http-exchange.js";
import { RequestBufferPool, RequestBuffers, requestBuffersOf } from "./request-buffers.js";
import { scanFlatJson, type FlatJsonShape } from "./protocol/flat-json.js";

describe("RequestBufferPool", () => {
  it("hands out views of power-of-two buffers and reuses a returned one", () => {
    const pool = new RequestBufferPool(4 * 1024 * 1024);
    const a = pool.take(700_000)!;
    expect(a.length).toBe(700_000);
    expect(a.buffer.byteLength).toBe(1024 * 1024);
    pool.give(a);
    expect(pool.idleBytes).toBe(1024 * 1024);
    const b = pool.take(600_000)!;
    expect(b.buffer).toBe(a.buffer);
    expect(pool.idleBytes).toBe(0);
  });

  it("leaves small sizes to ordinary allocation", () => {
    expect(new RequestBufferPool(1 << 20).take(REQUEST_BUFFER_BYTES_MIN - 1)).toBeUndefined();
  });

  it("keeps no more than its bound and ignores buffers it did not make or got twice", () => {
    const pool = new RequestBufferPool(1024 * 1024);
    const a = pool.take(1024 * 1024)!;
    const b = pool.take(1024 * 1024)!;
    pool.give(a);
    pool.give(a);
    pool.give(b);
    pool.give(Buffer.alloc(1024 * 1024));
    expect(pool.idleBytes).toBe(1024 * 1024);
    expect(pool.take(1024 * 1024)!.buffer).toBe(a.buffer);
  });
});

describe("RequestBuffers", () => {
  it("gives everything back at release, and only once", () => {
    const pool = new RequestBufferPool(8 * 1024 * 1024);
    const buffers = new RequestBuffers(pool);
    buffers.take(100_000);
    buffers.take(300_000);
    expect(buffers.take(10).length).toBe(10); // small: plain allocation, not held
    buffers.release();
    expect(pool.idleBytes).toBe(128 * 1024 + 512 * 1024);
    buffers.release();
    expect(pool.idleBytes).toBe(128 * 1024 + 512 * 1024);
  });
});

describe("readBody with request buffers", () => {
  const shape: FlatJsonShape = { strings: new Set(["StreamName"]), listName: "Records", itemStrings: new Set(["PartitionKey"]), itemBlobs: new Set(["Data"]) };

  it("fills a large body into a pooled buffer bound to the request, whose arena the scanner then uses", async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ Data: Buffer.alloc(700, i).toString("base64"), PartitionKey: `k${i}` }));
    const json = Buffer.from(JSON.stringify({ StreamName: "s", Records: records }));
    const source = new PassThrough();
    const pool = new RequestBufferPool(8 * 1024 * 1024);
    const buffers = new RequestBuffers(pool);
    const reading = readBody(source, String(json.length), 1 << 24, buffers);
    for (let at = 0; at < json.length; at += 65536) source.write(json.subarray(at, at + 65536));
    source.end();
    const body = await reading;
    if (body === BODY_TOO_LARGE) throw new Error("unexpected");
    expect(body.equals(json)).toBe(true);
    expect(requestBuffersOf(body)).toBe(buffers);
    const value = scanFlatJson(body, shape) as { Records: { Data: Buffer }[] };
    expect(value.Records[7]!.Data.equals(Buffer.alloc(700, 7))).toBe(true);
    buffers.release();
    expect(pool.idleBytes).toBeGreaterThan(json.length); // body and arena are both back
  });

  it("releases the buffers when the client goes away mid-body", async () => {
    const source = new PassThrough();
    const pool = new RequestBufferPool(8 * 1024 * 1024);
    const reading = readBody(source, "200000", 1 << 24, new RequestBuffers(pool));
    source.write(Buffer.alloc(1000));
    source.destroy();
    await expect(reading).rejects.toThrow();
    expect(pool.idleBytes).toBe(256 * 1024);
  });
});
