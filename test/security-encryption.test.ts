/**
 * Encryption at rest, through the JS SDK on the file backend: every KeyId form StartStreamEncryption
 * accepts, the KMS exceptions, EncryptionType per record in GetRecords and SubscribeToShard, a known
 * plaintext found nowhere in the data directory (every file scanned byte-wise) while it reads back, and
 * reads after a restart (and a refusal to start with another master key).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  SubscribeToShardCommand,
} from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTributary, type RunningTributary } from "../src/app.js";
import { DEFAULT_CONFIG, type TributaryConfig } from "../src/core/config.js";
import { silentLogger } from "../src/core/log.js";


const ACCOUNT = "000000000000";
const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const KEYS = {
  keys: [
    { keyId: KEY_ID, accountId: ACCOUNT, aliases: ["alias/orders"] },
    { keyId: "disabled-key", accountId: ACCOUNT, state: "Disabled" },
    { keyId: "doomed-key", accountId: ACCOUNT, state: "PendingDeletion" },
    { keyId: "foreign-key", accountId: "999999999999" },
  ],
};

let dir: string;
let dataDir: string;
let config: TributaryConfig;
let running: RunningTributary | undefined;

async function start(overrides: Partial<TributaryConfig> = {}): Promise<RunningTributary> {
  running = await startTributary({ ...config, ...overrides }, { logger: silentLogger });
  return running;
}

function sdk(endpoint: string): KinesisClient {
  return new KinesisClient({ endpoint, region: "us-east-1", maxAttempts: 1, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" } });
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error("expected the call to fail");
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** Every file of the data directory that contains `needle`. */
async function filesContaining(needle: Buffer): Promise<string[]> {
  const hits: string[] = [];
  for (const file of await filesUnder(dataDir)) if ((await readFile(file)).includes(needle)) hits.push(file);
  return hits;
}

async function readAll(client: KinesisClient, stream: string) {
  const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
  const out = await client.send(new GetRecordsCommand({ ShardIterator }));
  return (out.Records ?? []).map((r) => ({ key: r.PartitionKey, data: Buffer.from(r.Data!).toString(), encryption: r.EncryptionType }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tributary-security-enc-"));
  dataDir = join(dir, "data");
  const credentialsFile = join(dir, "keys.json");
  await writeFile(credentialsFile, JSON.stringify(KEYS));
  config = {
    ...structuredClone(DEFAULT_CONFIG),
    host: "127.0.0.1",
    port: 0,
    storage: "file",
    dataDir,
    fsync: "never",
    logLevel: "silent",
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    registerConsumerMs: 0,
    deregisterConsumerMs: 0,
    credentialsFile,
  };
});

afterAll(async () => {
  await running?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("encryption at rest", () => {
  const secret = `PLAINTEXT-${randomBytes(12).toString("hex")}`;
  const secretKey = `PKEY-${randomBytes(12).toString("hex")}`;
  const clear = `CLEARTEXT-${randomBytes(12).toString("hex")}`;

  it("accepts every KeyId form and refuses bad keys with the KMS exceptions", async () => {
    const server = await start();
    const client = sdk(server.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: "keys", ShardCount: 1 }));
    const forms = [
      "alias/aws/kinesis",
      `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/kinesis`,
      KEY_ID,
      `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`,
      "alias/orders",
      `arn:aws:kms:us-east-1:${ACCOUNT}:alias/orders`,
    ];
    for (const KeyId of forms) {
      await client.send(new StartStreamEncryptionCommand({ StreamName: "keys", EncryptionType: "KMS", KeyId }));
      const summary = (await client.send(new DescribeStreamSummaryCommand({ StreamName: "keys" }))).StreamDescriptionSummary;
      expect([summary?.EncryptionType, summary?.KeyId]).toEqual(["KMS", KeyId]);
      const put = await client.send(new PutRecordCommand({ StreamName: "keys", PartitionKey: "k", Data: Buffer.from(KeyId) }));
      expect(put.EncryptionType).toBe("KMS");
    }
    expect((await readAll(client, "keys")).map((r) => r.data)).toEqual(forms);

    const startWith = (KeyId: string) => failure(client.send(new StartStreamEncryptionCommand({ StreamName: "keys", EncryptionType: "KMS", KeyId })));
    expect(await startWith("alias/nope")).toBe("KMSNotFoundException");
    expect(await startWith("0000aaaa-0000-0000-0000-000000000000")).toBe("KMSNotFoundException");
    expect(await startWith(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`)).toBe("KMSNotFoundException");
    expect(await startWith("disabled-key")).toBe("KMSDisabledException");
    expect(await startWith("doomed-key")).toBe("KMSInvalidStateException");
    expect(await startWith("arn:aws:kms:us-east-1:999999999999:key/foreign-key")).toBe("KMSAccessDeniedException");
    expect(await startWith("arn:aws:kms:us-east-1:999999999999:alias/aws/kinesis")).toBe("KMSAccessDeniedException");
  });

  it("stores no plaintext, reads it back with EncryptionType KMS, and stops for new records", async () => {
    const client = sdk(running!.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: "secrets", ShardCount: 1 }));
    await client.send(new StartStreamEncryptionCommand({ StreamName: "secrets", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }));
    const batch = await client.send(
      new PutRecordsCommand({ StreamName: "secrets", Records: [1, 2, 3].map((i) => ({ PartitionKey: secretKey, Data: Buffer.from(`${secret}#${i}`) })) }),
    );
    expect([batch.FailedRecordCount, batch.EncryptionType]).toEqual([0, "KMS"]);
    await client.send(new PutRecordCommand({ StreamName: "secrets", PartitionKey: secretKey, Data: Buffer.from(`${secret}#4`) }));

    const { Consumer } = await client.send(
      new RegisterStreamConsumerCommand({ StreamARN: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/secrets`, ConsumerName: "reader" }),
    );
    const sub = await client.send(
      new SubscribeToShardCommand({ ConsumerARN: Consumer!.ConsumerARN!, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" } }),
    );
    for await (const event of sub.EventStream!) {
      const records = event.SubscribeToShardEvent?.Records ?? [];
      if (records.length === 0) continue;
      expect(records.map((r) => [r.PartitionKey, Buffer.from(r.Data!).toString(), r.EncryptionType])[0]).toEqual([secretKey, `${secret}#1`, "KMS"]);
      break;
    }

    await client.send(new StopStreamEncryptionCommand({ StreamName: "secrets", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }));
    const plain = await client.send(new PutRecordCommand({ StreamName: "secrets", PartitionKey: "open", Data: Buffer.from(clear) }));
    expect(plain.EncryptionType).toBe("NONE");

    const records = await readAll(client, "secrets");
    expect(records).toEqual([
      ...[1, 2, 3, 4].map((i) => ({ key: secretKey, data: `${secret}#${i}`, encryption: "KMS" })),
      { key: "open", data: clear, encryption: "NONE" },
    ]);

    await running!.stop();
    running = undefined;
    // The scan works: the unencrypted record is there in clear...
    expect(await filesContaining(Buffer.from(clear))).not.toEqual([]);
    // ...while neither the encrypted data nor its partition key appear anywhere, in any encoding.
    for (const needle of [secret, secretKey, Buffer.from(secret).toString("base64").slice(0, 24)]) {
      expect(await filesContaining(Buffer.from(needle)), needle).toEqual([]);
    }
    const keyFile = await stat(join(dataDir, "master.key"));
    expect(keyFile.mode & 0o777).toBe(0o600);
  });

  it("reads encrypted records after a restart, and refuses to start with another master key", async () => {
    const server = await start();
    const client = sdk(server.endpoint);
    expect((await readAll(client, "secrets")).filter((r) => r.encryption === "KMS").map((r) => r.data)).toEqual([1, 2, 3, 4].map((i) => `${secret}#${i}`));
    await server.stop();
    running = undefined;
    await expect(start({ masterKey: randomBytes(32).toString("base64") })).rejects.toThrow(/master key differs/);
    running = undefined;

  });
});
