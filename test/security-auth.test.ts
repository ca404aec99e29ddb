/**
 * `--auth sigv4` end to end: the JS SDK (HTTP/2 and HTTP/1.1) and Debian's AWS CLI against a real
 * Tributary with a credentials file: wrong keys, expired signatures, identity-policy denials (implicit
 * and explicit), resource-policy denials, cross-account reads granted by a resource policy, account and
 * region isolation, and SubscribeToShard's initial request.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  PutResourcePolicyCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
} from "@aws-sdk/client-kinesis";
import { Sha256 } from "@aws-crypto/sha256-js";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../src/core/clock.js";
import { startTestTributary, uniqueName, waitForActive, waitUntil } from "./helpers/tributary.js";
import { awsCli, awsCliMissing, type CliResult } from "./helpers/aws-cli.js";
import type { RunningTributary } from "../src/app.js";

const A = "111111111111";
const B = "222222222222";
const USERS = {
  adminA: { accessKeyId: "AKIAADMINA", secretAccessKey: "secret-admin-a", accountId: A, userName: "admin" },
  reader: { accessKeyId: "AKIAREADERA", secretAccessKey: "secret-reader-a", accountId: A, userName: "reader" },
  nobody: { accessKeyId: "AKIANOBODYA", secretAccessKey: "secret-nobody-a", accountId: A, userName: "nobody" },
  adminB: { accessKeyId: "AKIAADMINB", secretAccessKey: "secret-admin-b", accountId: B, userName: "admin" },
};
const ALLOW_ALL = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kinesis:*", Resource: "*" }] };
const READ_ONLY = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["kinesis:Describe*", "kinesis:Get*", "kinesis:List*"], Resource: "*" },
    { Effect: "Deny", Action: "kinesis:DeleteStream", Resource: "*" },
  ],
};
const CREDENTIALS = {
  users: [
    { ...USERS.adminA, policy: ALLOW_ALL },
    { ...USERS.reader, policy: READ_ONLY },
    USERS.nobody,
    { ...USERS.adminB, policy: ALLOW_ALL },
  ],
};

type UserName = keyof typeof USERS;
const streamArnOf = (name: string, account = A, region = "us-east-1") => `arn:aws:kinesis:${region}:${account}:stream/${name}`;

let dir: string;
let server: { server: RunningTributary; cleanup(): Promise<void> };
/** Same server, but its clock runs 10 minutes ahead: every honest signature looks expired. */
let skewed: { server: RunningTributary; cleanup(): Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tributary-security-auth-"));
  const credentials = join(dir, "credentials.json");
  await writeFile(credentials, JSON.stringify(CREDENTIALS));
  server = await startTestTributary({ config: { auth: "sigv4", credentialsFile: credentials } });
  const ahead = { now: () => Date.now() + 10 * 60_000, setTimer: systemClock.setTimer };
  skewed = await startTestTributary({ config: { auth: "sigv4", credentialsFile: credentials }, clock: ahead });
});

afterAll(async () => {
  await server?.cleanup();
  await skewed?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

function client(user: UserName, options: { http1?: boolean; region?: string; secret?: string; clockOffsetMs?: number; endpoint?: string } = {}): KinesisClient {
  const u = USERS[user];
  return new KinesisClient({
    endpoint: options.endpoint ?? server.server.endpoint,
    region: options.region ?? "us-east-1",
    credentials: { accessKeyId: u.accessKeyId, secretAccessKey: options.secret ?? u.secretAccessKey },
    maxAttempts: 1,
    ...(options.clockOffsetMs !== undefined ? { systemClockOffset: options.clockOffsetMs } : {}),
    ...(options.http1 ? { requestHandler: new NodeHttpHandler() } : {}),
  });
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string };
    return { name: e.name, message: e.message };
  }
  throw new Error("expected the call to fail");
}

const denied = (user: string, account: string, action: string, resource: string, why: string) =>
  `User: arn:aws:iam::${account}:user/${user} is not authorized to perform: kinesis:${action} on resource: ${resource} ${why}`;

async function createStream(name: string): Promise<void> {
  const admin = client("adminA");
  await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  await waitForActive(admin, name);
}

/** An independent signer (pure-JS SHA-256) with adminA's keys, for requests built by hand. */
const adminSigner = () =>
  new SignatureV4({ credentials: { accessKeyId: USERS.adminA.accessKeyId, secretAccessKey: USERS.adminA.secretAccessKey }, region: "us-east-1", service: "kinesis", sha256: Sha256 });

/** A Kinesis JSON RPC request to the test server, ready to sign. */
function rpcRequest(operation: string, body: string) {
  const url = new URL(server.server.endpoint);
  return {
    method: "POST",
    protocol: "http:",
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    query: {},
    headers: { host: url.host, "content-type": "application/x-amz-json-1.1", "x-amz-target": `Kinesis_20131202.${operation}` },
    body,
  };
}

describe("authentication through the JS SDK", () => {
  it("serves correctly signed requests over HTTP/2 and HTTP/1.1", async () => {
    const name = uniqueName("auth-ok");
    await createStream(name);
    for (const http1 of [false, true]) {
      const out = await client("adminA", { http1 }).send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array([1, 2]) }));
      expect(out.ShardId).toBe("shardId-000000000000");
    }
  });

  it("refuses a wrong secret, an unknown key and a signature from a skewed clock", async () => {
    for (const http1 of [false, true]) {
      const wrong = await failure(client("adminA", { http1, secret: "not-the-secret" }).send(new ListStreamsCommand({})));
      expect(wrong).toEqual({
        name: "InvalidSignatureException",
        message:
          "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      });
    }
    const unknown = new KinesisClient({ endpoint: server.server.endpoint, region: "us-east-1", maxAttempts: 1, credentials: { accessKeyId: "AKIAUNKNOWN", secretAccessKey: "x" } });
    expect(await failure(unknown.send(new ListStreamsCommand({})))).toEqual({ name: "UnrecognizedClientException", message: "The security token included in the request is invalid." });
    const expired = await failure(client("adminA", { clockOffsetMs: -10 * 60_000 }).send(new ListStreamsCommand({})));
    expect(expired.name).toBe("InvalidSignatureException");
    expect(expired.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/);
  });

  it("accepts presigned (query-string) requests and refuses them once expired or altered", async () => {
    const body = "{}";
    const send = async (signedAtMs: number, expiresIn: number, alter = (query: URLSearchParams) => query) => {
      const presigned = await adminSigner().presign(
        rpcRequest("ListStreams", body),
        // X-Amz-Target stays a header: the RPC protocol routes by it.
        { signingDate: new Date(signedAtMs), expiresIn, unhoistableHeaders: new Set(["x-amz-target"]) },
      );
      const query = alter(new URLSearchParams(presigned.query as Record<string, string>));
      const response = await fetch(`${server.server.endpoint}/?${query.toString()}`, { method: "POST", headers: presigned.headers, body });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const ok = await send(Date.now(), 300);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toHaveProperty("StreamNames");
    const old = await send(Date.now() - 20 * 60_000, 600);
    expect(old.body.__type).toBe("InvalidSignatureException");
    expect(String(old.body.message)).toMatch(/^Signature expired: .* - 600 sec\.\)$/);
    const altered = await send(Date.now(), 300, (q) => (q.set("X-Amz-Expires", "3000"), q));
    expect(altered.body.__type).toBe("InvalidSignatureException");
  });

  it("verifies large bodies (hashed on a helper thread) and refuses one changed after signing", async () => {
    const name = uniqueName("auth-large");
    await createStream(name);
    // 500 records of 200 bytes: ~140 KB of JSON, well above the size hashed off the event loop.
    const records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: new Uint8Array(200).fill(i % 251) }));
    for (const http1 of [false, true]) {
      const out = await client("adminA", { http1 }).send(new PutRecordsCommand({ StreamName: name, Records: records }));
      expect(out.FailedRecordCount).toBe(0);
    }
    const body = JSON.stringify({ StreamName: name, Records: records.map((r) => ({ PartitionKey: r.PartitionKey, Data: Buffer.from(r.Data).toString("base64") })) });
    const signed = await adminSigner().sign(rpcRequest("PutRecords", body));
    const send = async (text: string) => {
      const response = await fetch(`${server.server.endpoint}/`, { method: "POST", headers: signed.headers, body: text });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    // Several at once, as the helper thread takes them in turn.
    const results = await Promise.all([send(body), send(body.replace('"k499"', '"k498"')), send(body), send(body.replace('"k0"', '"kx"'))]);
    expect(results.map((r) => r.status)).toEqual([200, 400, 200, 400]);
    expect(results[1]!.body).toEqual({ __type: "InvalidSignatureException", message: expect.stringMatching(/^The request signature we calculated does not match/) });
    const { Shards } = await client("adminA").send(new ListShardsCommand({ StreamName: name }));
    const iterator = await client("adminA").send(new GetShardIteratorCommand({ StreamName: name, ShardId: Shards![0]!.ShardId!, ShardIteratorType: "TRIM_HORIZON" }));
    const read = await client("adminA").send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator!, Limit: 10_000 }));
    // Two SDK calls and two raw ones got in; the refused bodies left nothing behind.
    expect(read.Records!.length).toBe(4 * 500);
  });

  it("verifies SubscribeToShard's initial request", async () => {
    const name = uniqueName("auth-efo");
    await createStream(name);
    const admin = client("adminA");
    const { Consumer } = await admin.send(new RegisterStreamConsumerCommand({ StreamARN: streamArnOf(name), ConsumerName: "c" }));
    await waitUntil(async () => (await admin.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.ConsumerCount === 1, "consumer");
    await admin.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array([7]) }));
    const input = { ConsumerARN: Consumer!.ConsumerARN!, ShardId: "shardId-000000000000", StartingPosition: { Type: "TRIM_HORIZON" as const } };
    const bad = await failure(client("adminA", { secret: "wrong" }).send(new SubscribeToShardCommand(input)));
    expect(bad.name).toBe("InvalidSignatureException");
    const other = await failure(client("adminB").send(new SubscribeToShardCommand(input)));
    expect(other.name).toBe("AccessDeniedException");
    const out = await admin.send(new SubscribeToShardCommand(input));
    for await (const event of out.EventStream!) {
      expect(event.SubscribeToShardEvent).toBeDefined();
      break;
    }
  });
});

describe("identity policies", () => {
  it("denies what no statement allows, and explicit denies, with AWS's messages", async () => {
    const name = uniqueName("auth-policy");
    await createStream(name);
    const arn = streamArnOf(name);
    const reader = client("reader");
    expect((await reader.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamName).toBe(name);
    const put = await failure(reader.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: new Uint8Array([1]) })));
    expect(put).toEqual({ name: "AccessDeniedException", message: denied("reader", A, "PutRecord", arn, "because no identity-based policy allows the kinesis:PutRecord action") });
    const del = await failure(reader.send(new DeleteStreamCommand({ StreamName: name })));
    expect(del.message).toBe(denied("reader", A, "DeleteStream", arn, "with an explicit deny in an identity-based policy"));
    const none = await failure(client("nobody", { http1: true }).send(new ListStreamsCommand({})));
    expect(none).toEqual({ name: "AccessDeniedException", message: denied("nobody", A, "ListStreams", "*", "because no identity-based policy allows the kinesis:ListStreams action") });
  });

  it("lets a same-account resource policy grant a user directly, and deny it explicitly", async () => {
    const name = uniqueName("auth-resource");
    await createStream(name);
    const arn = streamArnOf(name);
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${A}:user/nobody` }, Action: "kinesis:DescribeStreamSummary", Resource: arn },
        { Effect: "Deny", Principal: { AWS: `arn:aws:iam::${A}:user/reader` }, Action: "kinesis:ListShards", Resource: arn },
      ],
    };
    await client("adminA").send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: JSON.stringify(policy) }));
    expect((await client("nobody").send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamARN).toBe(arn);
    const listed = await failure(client("reader").send(new ListShardsCommand({ StreamName: name })));
    expect(listed.message).toBe(denied("reader", A, "ListShards", arn, "with an explicit deny in a resource-based policy"));
  });
});

describe("accounts and regions", () => {
  it("isolates accounts, and lets a resource policy grant another account reads", async () => {
    const name = uniqueName("auth-cross");
    await createStream(name);
    const arn = streamArnOf(name);
    const admin = client("adminA");
    await admin.send(new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: Buffer.from("shared") }));
    const b = client("adminB", { http1: true });

    expect((await b.send(new ListStreamsCommand({}))).StreamNames).not.toContain(name);
    const byName = await failure(b.send(new DescribeStreamSummaryCommand({ StreamName: name })));
    expect(byName.name).toBe("ResourceNotFoundException"); // a name means the caller's own account
    const before = await failure(b.send(new DescribeStreamSummaryCommand({ StreamARN: arn })));
    expect(before).toEqual({
      name: "AccessDeniedException",
      message: denied("admin", B, "DescribeStreamSummary", arn, "because no resource-based policy allows the kinesis:DescribeStreamSummary action"),
    });

    const grant = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${B}:root` },
          Action: ["kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:GetShardIterator", "kinesis:GetRecords"],
          Resource: arn,
        },
      ],
    };
    await admin.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: JSON.stringify(grant) }));
    expect((await b.send(new DescribeStreamSummaryCommand({ StreamARN: arn }))).StreamDescriptionSummary?.StreamARN).toBe(arn);
    const shards = await b.send(new ListShardsCommand({ StreamARN: arn }));
    const { ShardIterator } = await b.send(new GetShardIteratorCommand({ StreamARN: arn, ShardId: shards.Shards![0]!.ShardId!, ShardIteratorType: "TRIM_HORIZON" }));
    const read = await b.send(new GetRecordsCommand({ StreamARN: arn, ShardIterator }));
    expect(read.Records?.map((r) => Buffer.from(r.Data!).toString())).toEqual(["shared"]);
    const write = await failure(b.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: "k", Data: Buffer.from("x") })));
    expect(write.message).toBe(denied("admin", B, "PutRecord", arn, "because no resource-based policy allows the kinesis:PutRecord action"));

    // The reader in account A is not helped by a grant to account B.
    const west = await failure(client("adminA", { region: "us-west-2" }).send(new DescribeStreamSummaryCommand({ StreamARN: arn })));
    expect(west).toEqual({ name: "ResourceNotFoundException", message: `Stream ${name} under account ${A} not found.` });
  });
});

function cli(endpoint: string, user: UserName, args: readonly string[], secret?: string): Promise<CliResult> {
  const u = USERS[user];
  return awsCli(endpoint, args, { accessKeyId: u.accessKeyId, secretAccessKey: secret ?? u.secretAccessKey, maxAttempts: 1 });
}

describe.skipIf(awsCliMissing !== undefined)("authentication and authorization through the AWS CLI", () => {
  it("refuses wrong keys, expired signatures and denied policies; serves the right user", async () => {
    const name = uniqueName("auth-cli");
    await createStream(name);
    const ep = server.server.endpoint;
    const [good, wrongSecret, expired, readerPut, readerDelete] = await Promise.all([
      cli(ep, "adminA", ["put-record", "--stream-name", name, "--partition-key", "k", "--data", "aGVsbG8="]),
      cli(ep, "adminA", ["list-streams"], "not-the-secret"),
      cli(skewed.server.endpoint, "adminA", ["list-streams"]),
      cli(ep, "reader", ["put-record", "--stream-name", name, "--partition-key", "k", "--data", "aGVsbG8="]),
      cli(ep, "reader", ["delete-stream", "--stream-name", name]),
    ]);
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ShardId: "shardId-000000000000" });
    expect(wrongSecret.code).not.toBe(0);
    expect(wrongSecret.stderr).toContain("(InvalidSignatureException)");
    expect(wrongSecret.stderr).toContain("The request signature we calculated does not match the signature you provided.");
    expect(expired.code).not.toBe(0);
    expect(expired.stderr).toMatch(/\(InvalidSignatureException\).*Signature expired: \d{8}T\d{6}Z is now earlier than/);
    expect(readerPut.stderr).toContain("(AccessDeniedException) when calling the PutRecord operation");
    expect(readerPut.stderr).toContain(
      `: ${denied("reader", A, "PutRecord", streamArnOf(name), "because no identity-based policy allows the kinesis:PutRecord action")}`,
    );
    expect(readerDelete.stderr).toContain("with an explicit deny in an identity-based policy");

    const stranger = await awsCli(ep, ["list-streams"], { accessKeyId: "AKIAUNKNOWN", secretAccessKey: "x", maxAttempts: 1 });
    expect(stranger.code).not.toBe(0);
    expect(stranger.stderr).toContain("(UnrecognizedClientException) when calling the ListStreams operation");
    expect(stranger.stderr).toContain(": The security token included in the request is invalid.");
  });
});

describe("--auth off keeps accounts apart too", () => {
  it("refuses another account's ARN until a resource policy grants it", async () => {
    const off = await startTestTributary();
    try {
      const as = (accessKeyId: string) =>
        new KinesisClient({ endpoint: off.server.endpoint, region: "us-east-1", maxAttempts: 1, credentials: { accessKeyId, secretAccessKey: "anything" } });
      const a = as(A);
      const b = as(B);
      const name = uniqueName("off-cross");
      await a.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
      await waitForActive(a, name);
      const arn = streamArnOf(name);
      const before = await failure(b.send(new DescribeStreamSummaryCommand({ StreamARN: arn })));
      expect(before).toEqual({
        name: "AccessDeniedException",
        message: `User: arn:aws:iam::${B}:root is not authorized to perform: kinesis:DescribeStreamSummary on resource: ${arn} because no resource-based policy allows the kinesis:DescribeStreamSummary action`,
      });
      const grant = { Statement: [{ Effect: "Allow", Principal: { AWS: B }, Action: "kinesis:DescribeStreamSummary", Resource: arn }] };
      await a.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: JSON.stringify(grant) }));
      expect((await b.send(new DescribeStreamSummaryCommand({ StreamARN: arn }))).StreamDescriptionSummary?.StreamName).toBe(name);
      expect((await failure(b.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: "k", Data: new Uint8Array([1]) })))).name).toBe("AccessDeniedException");
    } finally {
      await off.cleanup();
    }
  });
});
