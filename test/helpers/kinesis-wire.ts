/**
 * Kinesis operations as raw HTTP requests (node `http` for HTTP/1.1, `http2` for h2c with prior
 * knowledge), in JSON 1.1 or CBOR 1.1, returning status, headers and the decoded body: for tests of what
 * exactly goes over the wire.
 */
import http from "node:http";
import http2 from "node:http2";
import zlib from "node:zlib";
import { decodeCbor, encodeJavaCbor } from "./java-cbor.js";

export const JSON_11 = "application/x-amz-json-1.1";
export const CBOR_11 = "application/x-amz-cbor-1.1";

export interface WireOptions {
  codec?: "json" | "cbor";
  transport?: "http1" | "http2";
  /** 12-digit access key ids select the account. */
  accessKeyId?: string;
  region?: string;
  definiteCbor?: boolean;
}

export interface WireResponse {
  status: number;
  contentType: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  /** The body decoded by its content type (JSON or CBOR). */
  body: Record<string, unknown>;
}

function authorization(accessKeyId: string, region: string): Record<string, string> {
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${region}/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${"0".repeat(64)}`,
    "x-amz-date": "20260101T000000Z",
  };
}

function decode(contentType: string | undefined, raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  if (contentType?.startsWith(CBOR_11)) return decodeCbor(raw) as Record<string, unknown>;
  return JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
}

export async function kinesisCall(endpoint: string, operation: string, input: unknown, options: WireOptions = {}): Promise<WireResponse> {
  const codec = options.codec ?? "json";
  const body = codec === "cbor" ? encodeJavaCbor(input, { definite: options.definiteCbor ?? false }) : Buffer.from(JSON.stringify(input));
  const headers: Record<string, string> = {
    "content-type": codec === "cbor" ? CBOR_11 : JSON_11,
    "x-amz-target": `Kinesis_20131202.${operation}`,
    "content-length": String(body.length),
    ...authorization(options.accessKeyId ?? "AKIDEXAMPLE", options.region ?? "us-east-1"),
  };
  const { status, responseHeaders, raw } = options.transport === "http2" ? await viaHttp2(endpoint, headers, body) : await viaHttp1(endpoint, headers, body);
  const contentType = typeof responseHeaders["content-type"] === "string" ? responseHeaders["content-type"] : undefined;
  return { status, contentType, headers: responseHeaders, raw, body: decode(contentType, raw) };
}

function viaHttp1(endpoint: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; responseHeaders: WireResponse["headers"]; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${endpoint}/`, { method: "POST", headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, responseHeaders: response.headers, raw: Buffer.concat(chunks) }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

function viaHttp2(endpoint: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; responseHeaders: WireResponse["headers"]; raw: Buffer }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(endpoint);
    session.on("error", reject);
    const stream = session.request({ ":method": "POST", ":path": "/", ...headers });
    let status = 0;
    let responseHeaders: WireResponse["headers"] = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      status = Number(h[":status"]);
      responseHeaders = h as WireResponse["headers"];
    });
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      session.close();
      resolve({ status, responseHeaders, raw: Buffer.concat(chunks) });
    });
    stream.on("error", (error) => {
      session.close();
      reject(error);
    });
    stream.end(body);
  });
}

export interface EventMessage {
  headers: Record<string, string>;
  payload: Buffer;
}

/** Splits event-stream bytes into messages, checking both CRCs; string headers only (all Kinesis sends). */
export function parseEventMessages(buffer: Buffer): { messages: EventMessage[]; rest: Buffer } {
  const messages: EventMessage[] = [];
  let offset = 0;
  while (buffer.length - offset >= 16) {
    const total = buffer.readUInt32BE(offset);
    if (buffer.length - offset < total) break;
    const message = buffer.subarray(offset, offset + total);
    const headersLength = message.readUInt32BE(4);
    if (message.readUInt32BE(8) !== zlib.crc32(message.subarray(0, 8))) throw new Error("prelude CRC mismatch");
    if (message.readUInt32BE(total - 4) !== zlib.crc32(message.subarray(0, total - 4))) throw new Error("message CRC mismatch");
    const headers: Record<string, string> = {};
    let h = 12;
    while (h < 12 + headersLength) {
      const nameLength = message[h]!;
      const name = message.subarray(h + 1, h + 1 + nameLength).toString("utf8");
      h += 1 + nameLength;
      const type = message[h]!;
      if (type !== 7) throw new Error(`header ${name} has type ${type}, not string`);
      const valueLength = message.readUInt16BE(h + 1);
      headers[name] = message.subarray(h + 3, h + 3 + valueLength).toString("utf8");
      h += 3 + valueLength;
    }
    messages.push({ headers, payload: Buffer.from(message.subarray(12 + headersLength, total - 4)) });
    offset += total;
  }
  return { messages, rest: buffer.subarray(offset) };
}

export interface RawSubscription {
  status: number;
  contentType: string | undefined;
  /** Resolves with the next message (undefined once the stream has ended). */
  next(): Promise<EventMessage | undefined>;
  close(): void;
}

/** SubscribeToShard over HTTP/2 with prior knowledge, as the Java SDK v2 (KCL 2/3) sends it. */
export function subscribeRaw(endpoint: string, input: unknown, options: WireOptions = {}): Promise<RawSubscription> {
  const codec = options.codec ?? "json";
  const body = codec === "cbor" ? encodeJavaCbor(input) : Buffer.from(JSON.stringify(input));
  return new Promise((resolve, reject) => {
    const session = http2.connect(endpoint);
    session.on("error", reject);
    const stream = session.request({
      ":method": "POST",
      ":path": "/",
      "content-type": codec === "cbor" ? CBOR_11 : JSON_11,
      "x-amz-target": "Kinesis_20131202.SubscribeToShard",
      ...authorization(options.accessKeyId ?? "AKIDEXAMPLE", options.region ?? "us-east-1"),
    });
    let pending = Buffer.alloc(0);
    const queue: EventMessage[] = [];
    const waiters: Array<(m: EventMessage | undefined) => void> = [];
    let ended = false;
    const flush = () => {
      while (waiters.length > 0 && (queue.length > 0 || ended)) waiters.shift()!(queue.shift());
    };
    stream.on("data", (chunk: Buffer) => {
      const { messages, rest } = parseEventMessages(Buffer.concat([pending, chunk]));
      pending = Buffer.from(rest);
      queue.push(...messages);
      flush();
    });
    const finish = () => {
      ended = true;
      flush();
    };
    stream.on("end", finish);
    stream.on("close", finish);
    stream.on("error", finish);
    stream.on("response", (h) => {
      resolve({
        status: Number(h[":status"]),
        contentType: typeof h["content-type"] === "string" ? h["content-type"] : undefined,
        next: () => new Promise((r) => {
          waiters.push(r);
          flush();
        }),
        close: () => {
          stream.close();
          session.close();
        },
      });
    });
    stream.end(body);
  });
}
