/**
 * Test helpers for the server: a fake service with echo operations, a server on an ephemeral port, and
 * raw clients for HTTP/1.1 (bytes over `net`), HTTP/2 (h2c and TLS) and HTTP/1.1 over TLS.
 */
import http2 from "node:http2";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { AwsError } from "../../src/core/errors.js";
import { silentLogger, type Logger } from "../../src/core/log.js";
import { createServer, type ServerOptions, type TributaryServer } from "../../src/server/server.js";
import { valueResult, type EventStreamSink, type Operation, type RequestContext, type Service } from "../../src/server/service.js";

export const AUTH_HEADERS = {
  authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
  "x-amz-date": "20240101T000000Z",
};
export const JSON_11 = "application/x-amz-json-1.1";
export const CBOR_11 = "application/x-amz-cbor-1.1";

export interface StreamRecorder {
  /** Resolves with each event stream's sink when its run() starts. */
  started: Array<{ sink: EventStreamSink; ctx: RequestContext }>;
  /** Resolved when a run() returns, with why it stopped. */
  ended: string[];
}

const op = (name: string, handle: Operation["handle"]): [string, Operation] => [name, { name, handle }];

/** A fake Kinesis_20131202 service: echo operations that exercise every result kind and error path. */
export function fakeService(recorder: StreamRecorder = { started: [], ended: [] }): Service {
  const operations = new Map<string, Operation>([
    op("ListStreams", async () => valueResult({ StreamNames: [], HasMoreStreams: false })),
    op("Echo", async (input) => valueResult(input)),
    op("Types", async () => valueResult({ Data: Buffer.from("Hello"), At: new Date(1545084650987), Count: 3, Gone: undefined })),
    op("Context", async (_input, ctx) =>
      valueResult({ Account: ctx.account, Region: ctx.region, AccessKeyId: ctx.accessKeyId, Codec: ctx.codec, HttpVersion: ctx.httpVersion, Secure: ctx.secure }),
    ),
    op("Fail", async (input) => {
      const { Type, Message, Status } = input as { Type: string; Message: string; Status?: number };
      throw new AwsError(Type, Message, Status);
    }),
    op("Crash", async () => {
      throw new Error("boom", { cause: new Error("deeper") });
    }),
    op("Encoded", async (_input, ctx) =>
      ({ kind: "encoded", codec: "json", body: Buffer.from(ctx.codec === "json" ? '{"Pre":"encoded"}' : "x") }),
    ),
    op("Subscribe", async (input, ctx) => {
      const { Events = 0, Exception, Hold = false } = input as { Events?: number; Exception?: string; Hold?: boolean };
      return {
        kind: "event-stream",
        async run(sink) {
          recorder.started.push({ sink, ctx });
          sink.event("initial-response", {});
          for (let i = 0; i < Events; i++) {
            sink.event("SubscribeToShardEvent", { Records: [{ Data: Buffer.from(`r${i}`), SequenceNumber: String(i), ApproximateArrivalTimestamp: new Date(1000 * i) }], ContinuationSequenceNumber: String(i), MillisBehindLatest: 0 });
            await sink.drained();
          }
          if (Exception !== undefined) throw new AwsError(Exception, `${Exception} happened`);
          if (Hold) {
            await sink.closedPromise;
            recorder.ended.push(ctx.signal.aborted ? "client-gone-aborted" : "client-gone");
            return;
          }
          recorder.ended.push("done");
        },
      };
    }),
  ]);
  return { name: "kinesis", targetPrefix: "Kinesis_20131202", jsonContentType: "application/x-amz-json-1.1", operations };
}

export interface TestServer {
  server: TributaryServer;
  port: number;
  recorder: StreamRecorder;
  stop(): Promise<void>;
}

export async function startTestServer(overrides: Partial<ServerOptions> = {}, logger: Logger = silentLogger): Promise<TestServer> {
  const recorder: StreamRecorder = { started: [], ended: [] };
  const server = createServer({
    host: "127.0.0.1",
    port: 0,
    services: [fakeService(recorder)],
    defaultAccount: "000000000000",
    defaultRegion: "us-east-1",
    logger,
    ...overrides,
  });
  const { port } = await server.start();
  server.markReady();
  return { server, port, recorder, stop: () => server.stop() };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Everything the server sent, unparsed. */
  raw: Buffer;
}

/** Sends bytes on a fresh connection and collects everything until the server closes it. */
export function sendRaw(port: number, bytes: Buffer | string, options: { tls?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = options.tls
      ? tlsConnect({ port, host: "127.0.0.1", rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] })
      : netConnect({ port, host: "127.0.0.1" });
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => resolve(Buffer.concat(chunks)));
    socket.on("close", () => resolve(Buffer.concat(chunks)));
    socket.on("error", (e) => (chunks.length > 0 ? resolve(Buffer.concat(chunks)) : reject(e)));
    socket.write(bytes);
  });
}

/** Parses one HTTP/1.1 response (Content-Length or chunked). */
export function parseResponse(raw: Buffer): RawResponse {
  const headEnd = raw.indexOf("\r\n\r\n");
  if (headEnd < 0) throw new Error(`no HTTP head in ${JSON.stringify(raw.toString("latin1").slice(0, 200))}`);
  const lines = raw.toString("latin1", 0, headEnd).split("\r\n");
  const status = Number(lines[0]!.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let rest = raw.subarray(headEnd + 4);
  let body: Buffer;
  if (headers["transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      const size = parseInt(rest.toString("latin1", 0, lineEnd), 16);
      if (!(size > 0)) break;
      parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else {
    body = rest.subarray(0, Number(headers["content-length"] ?? rest.length));
  }
  return { status, headers, body, raw };
}

export interface RequestSpec {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** One HTTP/1.1 request on its own connection (Connection: close), bytes written by hand. */
export async function http1(port: number, spec: RequestSpec, options: { tls?: boolean } = {}): Promise<RawResponse> {
  const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body);
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, connection: "close", "content-length": String(body.length), ...spec.headers };
  let head = `${spec.method ?? "POST"} ${spec.path ?? "/"} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  return parseResponse(await sendRaw(port, Buffer.concat([Buffer.from(head + "\r\n", "latin1"), body]), options));
}

/** An AWS RPC call over raw HTTP/1.1 with SigV4 headers present. */
export function rpc(port: number, operation: string, body: unknown, contentType = JSON_11, extraHeaders: Record<string, string> = {}): Promise<RawResponse> {
  return http1(port, {
    headers: { "content-type": contentType, "x-amz-target": `Kinesis_20131202.${operation}`, ...AUTH_HEADERS, ...extraHeaders },
    body: typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
}

/** One HTTP/2 request on a session (h2c for http://, TLS+ALPN for https://). */
export function http2Request(session: http2.ClientHttp2Session, spec: RequestSpec): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body);
    const stream = session.request({ ":method": spec.method ?? "POST", ":path": spec.path ?? "/", ...spec.headers });
    const chunks: Buffer[] = [];
    let status = 0;
    let headers: Record<string, string> = {};
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      headers = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
    });
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => resolve({ status, headers, body: Buffer.concat(chunks), raw: Buffer.concat(chunks) }));
    stream.on("error", reject);
    stream.end(body);
  });
}

export function connectH2(url: string): Promise<http2.ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url, { rejectUnauthorized: false });
    session.once("connect", () => resolve(session));
    session.once("error", reject);
  });
}
