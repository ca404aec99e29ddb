/**
 * Transport hardening: `--tls required` end to end with the JS SDK over https (trusting the generated
 * self-signed certificate through an agent, no global switches), plain connections refused; the
 * connection cap; and logs that never contain a secret, a signature or a record payload.
 */
import { randomBytes } from "node:crypto";
import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent } from "node:https";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListStreamsCommand, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { describe, expect, it } from "vitest";
import { startTributary } from "../src/app.js";
import { DEFAULT_CONFIG, type TributaryConfig } from "../src/core/config.js";
import { createLogger } from "../src/core/log.js";
import { silentLogger } from "../src/core/log.js";
import { createServer } from "../src/server/server.js";
import { SELF_SIGNED_CERT_FILE } from "../src/server/tls-material.js";

function baseConfig(dataDir: string): TributaryConfig {
  return {
    ...structuredClone(DEFAULT_CONFIG),
    host: "127.0.0.1",
    port: 0,
    storage: "memory",
    dataDir,
    logLevel: "silent",
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    registerConsumerMs: 0,
    deregisterConsumerMs: 0,
  };
}

/** Resolves with the bytes a plain connection receives before the server closes it. */
function plainAttempt(port: number): Promise<{ closed: boolean; received: number }> {
  return new Promise((resolve) => {
    let received = 0;
    const socket = connect(port, "127.0.0.1", () => socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
    socket.on("data", (chunk) => (received += chunk.length));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve({ closed: true, received }));
  });
}

describe("TLS required", () => {
  it("serves the JS SDK over https with the generated certificate and refuses plain connections", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tributary-security-tls-"));
    const server = await startTributary({ ...baseConfig(dir), tls: "required" }, { logger: silentLogger });
    try {
      expect(server.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = await readFile(join(dir, SELF_SIGNED_CERT_FILE), "utf8");
      const agent = new Agent({ ca, keepAlive: true });
      const client = new KinesisClient({
        endpoint: server.endpoint,
        region: "us-east-1",
        maxAttempts: 1,
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" },
        requestHandler: new NodeHttpHandler({ httpsAgent: agent }),
      });
      await client.send(new CreateStreamCommand({ StreamName: "tls", ShardCount: 1 }));
      await client.send(new PutRecordCommand({ StreamName: "tls", PartitionKey: "k", Data: Buffer.from("over tls") }));
      const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: "tls", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }));
      const read = await client.send(new GetRecordsCommand({ ShardIterator }));
      expect(Buffer.from(read.Records![0]!.Data!).toString()).toBe("over tls");

      // Without trusting the certificate the SDK refuses the server (no silent downgrade).
      const untrusting = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", maxAttempts: 1, credentials: { accessKeyId: "A", secretAccessKey: "x" }, requestHandler: new NodeHttpHandler() });
      await expect(untrusting.send(new ListStreamsCommand({}))).rejects.toThrow(/self[- ]signed|certificate/i);

      // Plain HTTP/1.1 and the SDK over http:// are cut off before any response.
      expect(await plainAttempt(server.port)).toEqual({ closed: true, received: 0 });
      const plain = new KinesisClient({ endpoint: `http://127.0.0.1:${server.port}`, region: "us-east-1", maxAttempts: 1, credentials: { accessKeyId: "A", secretAccessKey: "x" }, requestHandler: new NodeHttpHandler() });
      await expect(plain.send(new ListStreamsCommand({}))).rejects.toThrow();
      agent.destroy();
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("connection cap", () => {
  it("closes connections beyond connectionsMax on arrival", async () => {
    const server = createServer({ host: "127.0.0.1", port: 0, services: [], defaultAccount: "000000000000", defaultRegion: "us-east-1", logger: silentLogger, connectionsMax: 2 });
    const { port } = await server.start();
    server.markReady();
    const open = () =>
      new Promise<ReturnType<typeof connect>>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => resolve(socket));
        socket.on("error", () => undefined);
      });
    const held = [await open(), await open()];
    await new Promise((r) => setTimeout(r, 50));
    const third = await plainAttempt(port);
    expect(third.received).toBe(0);
    for (const socket of held) socket.destroy();
    await server.stop();
  });
});

describe("logs", () => {
  it("never contain secrets, signatures or record payloads, even at debug level and on failures", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tributary-security-logs-"));
    const secret = `s3cret-${randomBytes(8).toString("hex")}`;
    const payload = `PAYLOAD-${randomBytes(8).toString("hex")}`;
    const credentials = join(dir, "credentials.json");
    await writeFile(
      credentials,
      JSON.stringify({ users: [{ accessKeyId: "AKIALOGS", secretAccessKey: secret, accountId: "111111111111", sessionToken: `token-${secret}`, policy: { Statement: [{ Effect: "Allow", Action: "kinesis:*", Resource: "*" }] } }] }),
    );
    const lines: string[] = [];
    const logger = createLogger("debug", (line) => lines.push(line));
    const server = await startTributary(
      { ...baseConfig(dir), storage: "file", fsync: "never", auth: "sigv4", credentialsFile: credentials, masterKey: randomBytes(32).toString("hex") },
      { logger },
    );
    try {
      const signatures: string[] = [];
      const client = (secretAccessKey: string, sessionToken?: string) => {
        const c = new KinesisClient({ endpoint: server.endpoint, region: "us-east-1", maxAttempts: 1, credentials: { accessKeyId: "AKIALOGS", secretAccessKey, sessionToken } });
        c.middlewareStack.add(
          (next) => async (args) => {
            const headers = (args.request as { headers: Record<string, string> }).headers;
            const signature = /Signature=([0-9a-f]+)/.exec(headers.authorization ?? "")?.[1];
            if (signature) signatures.push(signature);
            return next(args);
          },
          { step: "finalizeRequest", priority: "low" },
        );
        return c;
      };
      const good = client(secret, `token-${secret}`);
      await good.send(new CreateStreamCommand({ StreamName: "logs", ShardCount: 1 }));
      await good.send(new PutRecordCommand({ StreamName: "logs", PartitionKey: payload, Data: Buffer.from(payload) }));
      await expect(client("wrong-secret", `token-${secret}`).send(new PutRecordCommand({ StreamName: "logs", PartitionKey: "k", Data: Buffer.from(payload) }))).rejects.toThrow();
      await expect(client(secret, "wrong-token").send(new ListStreamsCommand({}))).rejects.toThrow();
      await expect(good.send(new PutRecordCommand({ StreamName: "missing", PartitionKey: payload, Data: Buffer.from(payload) }))).rejects.toThrow();
      expect(signatures.length).toBeGreaterThanOrEqual(4);
      const text = lines.join("");
      expect(text).toContain("signature verification on"); // the capture works
      for (const forbidden of [secret, payload, Buffer.from(payload).toString("base64"), ...signatures, "Signature=", "AWS4-HMAC-SHA256"]) {
        expect(text.includes(forbidden), forbidden).toBe(false);
      }
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
