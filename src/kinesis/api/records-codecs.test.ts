import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTributary } from "../../app.js";
import { loadConfig } from "../../core/config.js";
import { decodeCbor, encodeCbor } from "../../server/protocol/cbor.js";
import { CBOR_11, JSON_11, rpc } from "../../../test/helpers/raw-http.js";

/** The hot-path writers (JSON) and the generic encoder (CBOR) must tell the same story about the same records. */
let app: Awaited<ReturnType<typeof startTributary>>;

beforeAll(async () => {
  app = await startTributary(loadConfig(["--port", "0", "--storage", "memory", "--log-level", "silent", "--transition-ms", "0"]));
  await rpc(app.port, "CreateStream", { StreamName: "codecs", ShardCount: 2 });
});
afterAll(async () => {
  await app.stop();
});

const keys = ["a", "ü-key", 'q"uote', "x".repeat(256)];

describe("PutRecords and GetRecords in JSON and CBOR", () => {
  it("agree on the records, their sequence numbers and shards", async () => {
    const jsonPut = await rpc(app.port, "PutRecords", {
      StreamName: "codecs",
      Records: keys.map((PartitionKey, i) => ({ PartitionKey, Data: Buffer.from(`json-${i}`).toString("base64") })),
    });
    expect(jsonPut.status).toBe(200);
    const cborPut = await rpc(
      app.port,
      "PutRecords",
      encodeCbor({ StreamName: "codecs", Records: keys.map((PartitionKey, i) => ({ PartitionKey, Data: Buffer.from(`cbor-${i}`) })) }),
      CBOR_11,
    );
    expect(cborPut.status).toBe(200);
    const fromJson = JSON.parse(jsonPut.body.toString("utf8")) as { FailedRecordCount: number; Records: { SequenceNumber: string; ShardId: string }[]; EncryptionType: string };
    const fromCbor = decodeCbor(cborPut.body) as typeof fromJson;
    expect(fromJson.FailedRecordCount).toBe(0);
    expect(fromCbor.FailedRecordCount).toBe(0);
    expect(fromJson.EncryptionType).toBe("NONE");
    // Same keys, same shards; the later batch's numbers are higher.
    expect(fromCbor.Records.map((r) => r.ShardId)).toEqual(fromJson.Records.map((r) => r.ShardId));
    for (let i = 0; i < keys.length; i++) expect(BigInt(fromCbor.Records[i]!.SequenceNumber) > BigInt(fromJson.Records[i]!.SequenceNumber)).toBe(true);

    for (const shardId of new Set(fromJson.Records.map((r) => r.ShardId))) {
      const iterator = async (codec: string) => {
        const input = { StreamName: "codecs", ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" };
        const res = await rpc(app.port, "GetShardIterator", codec === CBOR_11 ? encodeCbor(input) : input, codec);
        return ((codec === CBOR_11 ? decodeCbor(res.body) : JSON.parse(res.body.toString())) as { ShardIterator: string }).ShardIterator;
      };
      const jsonGet = JSON.parse((await rpc(app.port, "GetRecords", { ShardIterator: await iterator(JSON_11) }, JSON_11)).body.toString("utf8")) as {
        Records: { SequenceNumber: string; ApproximateArrivalTimestamp: number; Data: string; PartitionKey: string; EncryptionType: string }[];
        MillisBehindLatest: number;
        NextShardIterator: string;
      };
      const cborGet = decodeCbor((await rpc(app.port, "GetRecords", encodeCbor({ ShardIterator: await iterator(CBOR_11) }), CBOR_11)).body) as {
        Records: { SequenceNumber: string; ApproximateArrivalTimestamp: number | Date; Data: Uint8Array; PartitionKey: string; EncryptionType: string }[];
      };
      expect(jsonGet.Records.length).toBeGreaterThan(0);
      expect(typeof jsonGet.NextShardIterator).toBe("string");
      expect(cborGet.Records.map((r) => [r.SequenceNumber, r.PartitionKey, Buffer.from(r.Data).toString(), r.EncryptionType])).toEqual(
        jsonGet.Records.map((r) => [r.SequenceNumber, r.PartitionKey, Buffer.from(r.Data, "base64").toString(), r.EncryptionType]),
      );
      const put = [...fromJson.Records, ...fromCbor.Records].filter((r) => r.ShardId === shardId).map((r) => r.SequenceNumber);
      expect(jsonGet.Records.map((r) => r.SequenceNumber)).toEqual(put);
    }
  });
});
