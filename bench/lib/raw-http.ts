/**
 * A deliberately minimal HTTP/1.1 client for the load generator: requests are pre-encoded byte buffers
 * (built once, sent many times) and responses are parsed only as far as the status line and
 * Content-Length, so the client spends almost nothing per request and the server is what gets measured.
 */
import { connect, type Socket } from "node:net";

/** A fixed, well-formed SigV4 header: both servers check its shape, neither verifies the signature. */
export const AUTHORIZATION =
  "AWS4-HMAC-SHA256 Credential=AKIDBENCHMARK/20240101/us-east-1/kinesis/aws4_request, " +
  "SignedHeaders=content-type;host;x-amz-date;x-amz-target, " +
  "Signature=0000000000000000000000000000000000000000000000000000000000000000";
export const AMZ_DATE = "20240101T000000Z";
export const JSON_CONTENT_TYPE = "application/x-amz-json-1.1";
export const TARGET_PREFIX = "Kinesis_20131202.";

/** Bytes of a complete HTTP/1.1 request for one Kinesis operation. */
export function encodeRequest(port: number, operation: string, body: Buffer | string): Buffer {
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const head =
    `POST / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\n` +
    `X-Amz-Target: ${TARGET_PREFIX}${operation}\r\nX-Amz-Date: ${AMZ_DATE}\r\nAuthorization: ${AUTHORIZATION}\r\n` +
    `Content-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), payload]);
}

export interface RawResponse {
  status: number;
  /** Empty unless the body was asked for. */
  body: Buffer;
  bodyBytes: number;
}

interface Pending {
  wantBody: boolean;
  resolve: (response: RawResponse) => void;
  reject: (error: Error) => void;
}

const HEADER_END = Buffer.from("\r\n\r\n", "latin1");
const HEADER_BYTES_MAX = 64 * 1024;

/** One keep-alive connection carrying one request at a time. */
export class RawConnection {
  private readonly socket: Socket;
  private pending: Pending | undefined;
  private head: Buffer = Buffer.alloc(0);
  private status = 0;
  private bodyRemainingBytes = -1;
  private bodyBytes = 0;
  private chunks: Buffer[] = [];
  private failure: Error | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("connection closed by the server")));
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RawConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  request(bytes: Buffer, wantBody = false): Promise<RawResponse> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.pending !== undefined) return Promise.reject(new Error("one request at a time per connection"));
    return new Promise((resolve, reject) => {
      this.pending = { wantBody, resolve, reject };
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.failure ??= new Error("connection closed");
    this.socket.destroy();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(this.failure);
  }

  private onData(chunk: Buffer): void {
    if (this.bodyRemainingBytes < 0) {
      this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
      const end = this.head.indexOf(HEADER_END);
      if (end < 0) {
        if (this.head.length > HEADER_BYTES_MAX) this.fail(new Error("response header too large"));
        return;
      }
      const headerText = this.head.toString("latin1", 0, end);
      this.status = Number(headerText.slice(9, 12));
      const match = /\r\ncontent-length:\s*(\d+)/i.exec(headerText);
      if (match === null) {
        this.fail(new Error(`response without Content-Length: ${headerText.split("\r\n")[0] ?? ""}`));
        return;
      }
      this.bodyRemainingBytes = Number(match[1]);
      this.bodyBytes = this.bodyRemainingBytes;
      const rest = this.head.subarray(end + HEADER_END.length);
      this.head = Buffer.alloc(0);
      this.onBody(rest);
      return;
    }
    this.onBody(chunk);
  }

  private onBody(chunk: Buffer): void {
    const take = Math.min(chunk.length, this.bodyRemainingBytes);
    if (take > 0 && this.pending?.wantBody === true) this.chunks.push(chunk.subarray(0, take));
    this.bodyRemainingBytes -= take;
    if (this.bodyRemainingBytes > 0) return;
    const pending = this.pending;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [];
    this.bodyRemainingBytes = -1;
    this.pending = undefined;
    if (take < chunk.length) {
      this.fail(new Error("unexpected bytes after a response (the client sends one request at a time)"));
      return;
    }
    pending?.resolve({ status: this.status, body, bodyBytes: this.bodyBytes });
  }
}

/** One-off JSON call (control plane and setup); not for the measured paths. */
export async function callJson(port: number, operation: string, input: unknown): Promise<unknown> {
  const connection = await RawConnection.open(port);
  try {
    const response = await connection.request(encodeRequest(port, operation, JSON.stringify(input)), true);
    const text = response.body.toString("utf8");
    if (response.status !== 200) throw new Error(`${operation} answered ${response.status}: ${text}`);
    return text.length === 0 ? {} : (JSON.parse(text) as unknown);
  } finally {
    connection.close();
  }
}
