/**
 * Pooled buffers are reused across requests: request bodies and decode arenas
 * (src/server/request-buffers.ts) and GetRecords pages (src/server/response-buffers.ts). Concurrent
 * GetRecords pages over HTTP/1.1 must each return exactly the bytes that concurrent large PutRecords
 * (some declined by the byte scanner, some refused) stored; so must the JS SDK's PutRecords over
 * HTTP/2 into the memory backend.
 */
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { describe, expect, it } from "vitest";
import { requestBufferPool } from "../src/server/request-buffers.js";
import { rpc } from "./helpers/raw-http.js";
import { kinesisClient, useTributary, waitForActive } from "./helpers/tributary.js";

const tributary = useTributary({ storage: "file" });
const inMemory = useTributary({ storage: "memory" });
const port = () => new URL(tributary.endpoint).port;

const RECORDS_PER_REQUEST = 500;
const RECORD_BYTES = 1024;

function recordData(request: number, index: number): Buffer {
  const data = Buffer.allocUnsafe(RECORD_BYTES);
  for (let i = 0; i < RECORD_BYTES; i += 4) data.writeUInt32LE((request * 7919 + index * 104729 + i) >>> 0, i);
  return data;
}

async function call(operation: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await rpc(Number(port()), operation, body);
  return { status: res.status, json: JSON.parse(res.body.toString("utf8")) as Record<string, unknown> };
}

describe("PutRecords and GetRecords with pooled buffers", () => {
  it("stores every record's own bytes under concurrent large requests", async () => {
    expect((await call("CreateStream", { StreamName: "pooled", ShardCount: 2 })).status).toBe(200);
    const expected = new Map<string, Buffer>();
    let request = 0;
    for (let round = 0; round < 3; round++) {
      const calls: Promise<unknown>[] = [];
      for (let caller = 0; caller < 8; caller++) {
        const r = request++;
        const records = Array.from({ length: RECORDS_PER_REQUEST }, (_, i) => {
          const key = `r${r}-${i}`;
          const data = recordData(r, i);
          expected.set(key, data);
          return { Data: data.toString("base64"), PartitionKey: key };
        });
        let body = JSON.stringify({ StreamName: "pooled", Records: records });
        // One request per round outside the scanner's subset (an escape): decoded by the ordinary route.
        if (caller === 3) body = body.replace(`"PartitionKey":"r${r}-0"`, `"PartitionKey":"\\u0072${r}-0"`);
        calls.push(call("PutRecords", body).then((res) => expect(res.json.FailedRecordCount).toBe(0)));
        // And one refused request (bad base64 deep in the body) that takes buffers and gives them back.
        if (caller === 5) {
          const bad = JSON.stringify({ StreamName: "pooled", Records: [...records.slice(0, 400), { Data: "@@@@", PartitionKey: "bad" }] });
          calls.push(call("PutRecords", bad).then((res) => expect(res.status).toBe(400)));
        }
      }
      await Promise.all(calls);
    }
    const shards = (await call("ListShards", { StreamName: "pooled" })).json.Shards as { ShardId: string }[];
    let seen = 0;
    // Three readers per shard at once: their GetRecords pages (megabytes, pooled response buffers) overlap.
    const READERS_PER_SHARD = 3;
    await Promise.all(shards.flatMap((shard) => Array.from({ length: READERS_PER_SHARD }, () => shard)).map(async (shard) => {
      let iterator = (await call("GetShardIterator", { StreamName: "pooled", ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" })).json.ShardIterator as string | undefined;
      while (iterator !== undefined) {
        const page = (await call("GetRecords", { ShardIterator: iterator, Limit: 2000 })).json as { Records: { PartitionKey: string; Data: string }[]; NextShardIterator?: string };
        for (const record of page.Records) {
          const want = expected.get(record.PartitionKey);
          expect(want, record.PartitionKey).toBeDefined();
          expect(Buffer.from(record.Data, "base64").equals(want!), record.PartitionKey).toBe(true);
          seen++;
        }
        iterator = page.Records.length === 0 ? undefined : page.NextShardIterator;
      }
    }));
    expect(seen).toBe(expected.size * READERS_PER_SHARD);
  }, 60_000);
});

describe("PutRecords over HTTP/2 (JS SDK) with pooled request buffers", () => {
  it("keeps every record's own bytes under concurrent large requests", async () => {
    const client = kinesisClient(inMemory.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: "pooled-h2", ShardCount: 2 }));
    await waitForActive(client, "pooled-h2");
    const expected = new Map<string, Buffer>();
    for (let round = 0; round < 2; round++) {
      await Promise.all(
        Array.from({ length: 6 }, async (_, caller) => {
          const r = 100 + round * 6 + caller;
          const records = Array.from({ length: RECORDS_PER_REQUEST }, (_, i) => {
            const key = `r${r}-${i}`;
            const data = recordData(r, i);
            expected.set(key, data);
            return { Data: data, PartitionKey: key };
          });
          const out = await client.send(new PutRecordsCommand({ StreamName: "pooled-h2", Records: records }));
          expect(out.FailedRecordCount).toBe(0);
        }),
      );
    }
    const shards = (await client.send(new ListShardsCommand({ StreamName: "pooled-h2" }))).Shards ?? [];
    let seen = 0;
    for (const shard of shards) {
      let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: "pooled-h2", ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
      while (iterator !== undefined) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 2000 }));
        for (const record of page.Records ?? []) {
          const want = expected.get(record.PartitionKey!);
          expect(want, record.PartitionKey).toBeDefined();
          expect(Buffer.from(record.Data!).equals(want!), record.PartitionKey).toBe(true);
          seen++;
        }
        iterator = (page.Records ?? []).length === 0 ? undefined : page.NextShardIterator;
      }
    }
    expect(seen).toBe(expected.size);
    // The bodies and arenas did come from the pool and went back to it.
    expect(requestBufferPool.idleBytes).toBeGreaterThan(0);
    client.destroy();
  }, 60_000);
});
