import { mkdtemp, readFile, rm } from "node:fs/promises";
import http2 from "node:http2";
import { connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { KinesisClient, ListStreamsCommand } from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SELF_SIGNED_CERT_FILE } from "../src/server/tls-material.js";
import { AUTH_HEADERS, JSON_11, connectH2, http1, http2Request, parseResponse, sendRaw, startTestServer, type TestServer } from "./helpers/raw-http.js";

const rpcHeaders = (operation: string) => ({ "content-type": JSON_11, "x-amz-target": `Kinesis_20131202.${operation}`, ...AUTH_HEADERS });
const json = (body: Buffer) => JSON.parse(body.toString()) as Record<string, unknown>;
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

let dataDir: string;
let t: TestServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "tributary-server-"));
  t = await startTestServer({ tls: { selfSignedDir: dataDir } });
});
afterAll(async () => {
  await t.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("one listener, every protocol", () => {
  it("serves cleartext HTTP/2 with prior knowledge", async () => {
    const session = await connectH2(`http://127.0.0.1:${t.port}`);
    try {
      const res = await http2Request(session, { headers: rpcHeaders("Context"), body: "{}" });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe(JSON_11);
      expect(res.headers["x-amzn-requestid"]).toBeDefined();
      expect(json(res.body)).toMatchObject({ HttpVersion: "2", Secure: false });
      // Several requests on one session, concurrently.
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => http2Request(session, { headers: rpcHeaders("Echo"), body: JSON.stringify({ i }) })));
      expect(many.map((r) => json(r.body).i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      session.close();
    }
  });

  it("serves h2c when the preface arrives in pieces", async () => {
    const session = http2.connect(`http://127.0.0.1:${t.port}`, {
      createConnection: () => {
        const socket = netConnect({ port: t.port, host: "127.0.0.1" });
        const write = socket.write.bind(socket) as (chunk: Buffer, cb?: () => void) => boolean;
        let first = true;
        socket.write = ((chunk: Buffer, ...rest: unknown[]) => {
          if (!first) return write(chunk, ...(rest as []));
          first = false;
          write(Buffer.from(chunk).subarray(0, 5));
          setTimeout(() => write(Buffer.from(chunk).subarray(5)), 30);
          return true;
        }) as Socket["write"];
        return socket;
      },
    });
    try {
      const res = await http2Request(session, { headers: rpcHeaders("ListStreams"), body: "{}" });
      expect(json(res.body)).toEqual({ StreamNames: [], HasMoreStreams: false });
    } finally {
      session.close();
    }
  });

  it("serves HTTP/1.1 sent a byte at a time (a prefix of the HTTP/2 preface at first)", async () => {
    const request = `POST / HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: ${JSON_11}\r\nx-amz-target: Kinesis_20131202.ListStreams\r\nauthorization: ${AUTH_HEADERS.authorization}\r\nx-amz-date: x\r\ncontent-length: 2\r\n\r\n{}`;
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = netConnect({ port: t.port, host: "127.0.0.1" });
      const chunks: Buffer[] = [];
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("close", () => resolve(Buffer.concat(chunks)));
      socket.on("error", reject);
      let i = 0;
      const next = () => {
        if (i < 8) {
          socket.write(request[i++]!);
          setTimeout(next, 5);
        } else socket.write(request.slice(i));
      };
      next();
    });
    expect(parseResponse(raw).status).toBe(200);
  });

  it("serves HTTP/2 over TLS (ALPN h2)", async () => {
    const session = await connectH2(`https://localhost:${t.port}`);
    try {
      expect(session.alpnProtocol).toBe("h2");
      const res = await http2Request(session, { headers: rpcHeaders("Context"), body: "{}" });
      expect(json(res.body)).toMatchObject({ HttpVersion: "2", Secure: true });
    } finally {
      session.close();
    }
  });

  it("serves HTTP/1.1 over TLS (ALPN http/1.1, and no ALPN at all)", async () => {
    const res = await http1(t.port, { headers: rpcHeaders("Context"), body: "{}" }, { tls: true });
    expect(json(res.body)).toMatchObject({ HttpVersion: "1.1", Secure: true });
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = tlsConnect({ port: t.port, host: "127.0.0.1", rejectUnauthorized: false });
      const chunks: Buffer[] = [];
      socket.on("secureConnect", () => socket.write("GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"));
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("close", () => resolve(Buffer.concat(chunks)));
      socket.on("error", reject);
    });
    expect(parseResponse(raw).status).toBe(200);
  });

  it("keeps a self-signed certificate in the data directory and reuses it", async () => {
    const pem = await readFile(join(dataDir, SELF_SIGNED_CERT_FILE), "utf8");
    const again = await startTestServer({ tls: { selfSignedDir: dataDir } });
    try {
      const served = await new Promise<string>((resolve, reject) => {
        const socket = tlsConnect({ port: again.port, host: "127.0.0.1", rejectUnauthorized: false }, () => {
          resolve(socket.getPeerX509Certificate()!.toString());
          socket.destroy();
        });
        socket.on("error", reject);
      });
      expect(served.replace(/\s/g, "")).toBe(pem.replace(/\s/g, ""));
    } finally {
      await again.stop();
    }
  });

  it("refuses plain connections when TLS is required", async () => {
    const strict = await startTestServer({ tls: { selfSignedDir: dataDir, requireTls: true } });
    try {
      const plain = await sendRaw(strict.port, "GET /health HTTP/1.1\r\nhost: x\r\n\r\n");
      expect(plain).toHaveLength(0);
      const secure = await http1(strict.port, { method: "GET", path: "/health" }, { tls: true });
      expect(secure.status).toBe(200);
    } finally {
      await strict.stop();
    }
  });

  it("answers oversized headers with 431", async () => {
    const res = parseResponse(await sendRaw(t.port, `GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(70 * 1024)}\r\n\r\n`));
    expect(res.status).toBe(431);
  });
});

describe("real clients", () => {
  it("@aws-sdk/client-kinesis with its default HTTP/2 handler (h2c)", async () => {
    const client = new KinesisClient({ endpoint: `http://127.0.0.1:${t.port}`, region: "us-east-1", credentials });
    try {
      const out = await client.send(new ListStreamsCommand({}));
      expect(out.StreamNames).toEqual([]);
      expect(out.HasMoreStreams).toBe(false);
      expect(out.$metadata.httpStatusCode).toBe(200);
    } finally {
      client.destroy();
    }
  });

  it("@aws-sdk/client-kinesis over HTTP/1.1", async () => {
    const client = new KinesisClient({ endpoint: `http://127.0.0.1:${t.port}`, region: "us-east-1", credentials, requestHandler: new NodeHttpHandler() });
    try {
      const out = await client.send(new ListStreamsCommand({}));
      expect(out.StreamNames).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});

describe("lifecycle and hostile input", () => {
  it("stop() closes open HTTP/2 sessions, keep-alive connections and event streams promptly", async () => {
    const s = await startTestServer();
    const session = await connectH2(`http://127.0.0.1:${s.port}`);
    const keepAlive = netConnect({ port: s.port, host: "127.0.0.1" });
    await new Promise<void>((resolve) => {
      keepAlive.once("data", () => resolve());
      keepAlive.write("GET /health HTTP/1.1\r\nhost: x\r\n\r\n");
    });
    const stream = session.request({ ":method": "POST", ":path": "/", ...rpcHeaders("Subscribe") });
    stream.end(JSON.stringify({ Hold: true }));
    stream.resume();
    await new Promise<void>((resolve) => stream.once("response", () => resolve()));
    const streamClosed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
    const keepAliveClosed = new Promise<void>((resolve) => keepAlive.once("close", () => resolve()));
    const started = Date.now();
    await s.stop();
    expect(Date.now() - started).toBeLessThan(500); // well inside the grace period: nothing had to be forced
    await streamClosed;
    expect(s.recorder.ended).toEqual(["client-gone-aborted"]);
    await keepAliveClosed;
    session.destroy();
    keepAlive.destroy();
  });

  it("survives random bytes on raw sockets and keeps serving", async () => {
    const prefixes = ["", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "\x16\x03\x01", "POST / HTTP/1.1\r\n", "GET /health HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\n"];
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const attempts: Promise<unknown>[] = [];
    for (let i = 0; i < 150; i++) {
      const noise = Buffer.alloc(Math.floor(random() * 600));
      for (let j = 0; j < noise.length; j++) noise[j] = Math.floor(random() * 256);
      const bytes = Buffer.concat([Buffer.from(prefixes[i % prefixes.length]!, "latin1"), noise]);
      attempts.push(
        new Promise<void>((resolve) => {
          const socket = netConnect({ port: t.port, host: "127.0.0.1" });
          socket.on("error", () => resolve());
          socket.on("close", () => resolve());
          socket.on("data", () => undefined);
          socket.write(bytes);
          setTimeout(() => socket.destroy(), 100);
        }),
      );
    }
    await Promise.all(attempts);
    const health = await http1(t.port, { method: "GET", path: "/health" });
    expect(health.status).toBe(200);
    const session = await connectH2(`http://127.0.0.1:${t.port}`);
    const res = await http2Request(session, { headers: rpcHeaders("ListStreams"), body: "{}" });
    expect(res.status).toBe(200);
    session.close();
  });

  it("survives random request bodies for every codec", async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = 0; i < 100; i++) {
      const body = Buffer.alloc(1 + Math.floor(random() * 200));
      for (let j = 0; j < body.length; j++) body[j] = Math.floor(random() * 256);
      const contentType = i % 2 === 0 ? "application/x-amz-cbor-1.1" : JSON_11;
      const res = await http1(t.port, { headers: { ...rpcHeaders("Echo"), "content-type": contentType }, body });
      expect([200, 400]).toContain(res.status);
    }
  });
});
