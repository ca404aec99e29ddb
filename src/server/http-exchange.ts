/**
 * One request and its response, the same to the protocol layer over HTTP/1.1 and HTTP/2.
 *
 * HTTP/2 is served from the core `stream` event, not the compat API (Http2ServerRequest/Response): the
 * compat layer builds two extra objects per request and re-translates headers, while a stream already
 * carries a lowercase header object and a Duplex body, which is all this adapter needs. HTTP/1.1 uses
 * the ordinary IncomingMessage/ServerResponse pair. Both bodies are Readables, read by one function.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { ServerHttp2Stream } from "node:http2";
import type { Readable } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { RequestAllocator } from "./request-buffers.js";
import { responseBufferPool } from "./response-buffers.js";

/** What an event stream writes to: a chunked HTTP/1.1 body or an HTTP/2 stream's DATA. */
export interface StreamingBody {
  /** False when the transport's buffer is full; wait for `onDrain` before writing more. */
  write(chunk: Uint8Array): boolean;
  onDrain(listener: () => void): void;
  end(): void;
  readonly closed: boolean;
  /** Bytes written but not yet handed to the kernel. */
  readonly bufferedBytes: number;
}

export interface HttpExchange {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion: "1.1" | "2";
  readonly secure: boolean;
  readonly remoteAddress: string;
  /** True once the client went away or the response ended. */
  readonly closed: boolean;
  /** Calls `listener` once when the client goes away (or the response ends). */
  onClose(listener: () => void): void;
  /** The whole body; with `alloc`, a body that must be assembled from chunks is assembled in a buffer from it. */
  readBody(maxBytes: number, alloc?: RequestAllocator): Promise<Buffer | BodyTooLarge>;
  respond(status: number, headers: OutgoingHttpHeaders, body: Buffer | string): void;
  /** Answers and then closes the connection (HTTP/1.1) or resets the stream (HTTP/2) without reading the rest of the body. */
  respondAndDiscard(status: number, headers: OutgoingHttpHeaders, body: Buffer | string): void;
  startStreaming(status: number, headers: OutgoingHttpHeaders): StreamingBody;
}

export const BODY_TOO_LARGE = Symbol("body too large");
export type BodyTooLarge = typeof BODY_TOO_LARGE;

/**
 * Reads a whole body into one Buffer. With a Content-Length the buffer is allocated once (by `alloc`
 * when given) and filled in place (or the single chunk is used as is); without one, chunks are joined at the end.
 */
export function readBody(source: Readable, contentLengthHeader: string | undefined, maxBytes: number, alloc?: RequestAllocator): Promise<Buffer | BodyTooLarge> {
  const declared = contentLengthHeader === undefined ? -1 : Number(contentLengthHeader);
  if (declared > maxBytes) return Promise.resolve(BODY_TOO_LARGE);
  return new Promise((resolve, reject) => new BodyReader(source, declared, maxBytes, alloc, resolve, reject));
}

class BodyReader {
  private chunks: Buffer[] = [];
  private single: Buffer | undefined;
  private filled: Buffer | undefined;
  private length = 0;

  constructor(
    private readonly source: Readable,
    private readonly declared: number,
    private readonly maxBytes: number,
    private readonly alloc: RequestAllocator | undefined,
    private readonly resolve: (body: Buffer | BodyTooLarge) => void,
    private readonly reject: (error: Error) => void,
  ) {
    source.on("data", this.onData);
    source.once("end", this.onEnd);
    source.once("error", this.onError);
    source.once("close", this.onClose);
  }

  private readonly onData = (chunk: Buffer): void => {
    const length = this.length + chunk.length;
    if (length > this.maxBytes) {
      this.finish();
      this.resolve(BODY_TOO_LARGE);
      return;
    }
    if (this.declared > 0 && length <= this.declared) {
      if (this.length === 0 && chunk.length === this.declared) this.single = chunk;
      else {
        this.filled ??= this.alloc?.(this.declared) ?? Buffer.allocUnsafe(this.declared);
        chunk.copy(this.filled, this.length);
      }
    } else {
      if (this.filled !== undefined) {
        // More arrived than declared (the HTTP parsers refuse this, so it is only a guard): fall back to joining.
        this.chunks.push(this.filled.subarray(0, this.length));
        this.filled = undefined;
      }
      if (this.single !== undefined) {
        this.chunks.push(this.single);
        this.single = undefined;
      }
      this.chunks.push(chunk);
    }
    this.length = length;
  };

  private readonly onEnd = (): void => {
    this.finish();
    if (this.single !== undefined) this.resolve(this.single);
    else if (this.filled !== undefined) this.resolve(this.length === this.filled.length ? this.filled : this.filled.subarray(0, this.length));
    else if (this.chunks.length === 1) this.resolve(this.chunks[0]!);
    else this.resolve(this.chunks.length === 0 ? EMPTY_BODY : Buffer.concat(this.chunks, this.length));
  };

  private readonly onError = (error: Error): void => {
    this.finish();
    this.reject(error);
  };

  private readonly onClose = (): void => {
    this.finish();
    this.reject(new Error("client closed the request before its body ended"));
  };

  private finish(): void {
    this.source.off("data", this.onData);
    this.source.off("end", this.onEnd);
    this.source.off("error", this.onError);
    this.source.off("close", this.onClose);
  }
}

const EMPTY_BODY = Buffer.alloc(0);

// ---------------------------------------------------------------------------------------------------

export class Http1Exchange implements HttpExchange {
  readonly httpVersion = "1.1";
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.method = req.method ?? "";
    this.url = req.url ?? "/";
    this.headers = req.headers;
  }

  get secure(): boolean {
    return (this.req.socket as Partial<TLSSocket>).encrypted === true;
  }

  get remoteAddress(): string {
    return this.req.socket.remoteAddress ?? "";
  }

  get closed(): boolean {
    return this.res.writableEnded || this.res.destroyed;
  }

  onClose(listener: () => void): void {
    this.res.once("close", listener);
  }

  readBody(maxBytes: number, alloc?: RequestAllocator): Promise<Buffer | BodyTooLarge> {
    return readBody(this.req, this.headers["content-length"], maxBytes, alloc);
  }

  respond(status: number, headers: OutgoingHttpHeaders, body: Buffer | string): void {
    if (this.closed) return;
    headers["content-length"] = typeof body === "string" ? Buffer.byteLength(body) : body.length;
    this.res.writeHead(status, headers);
    this.res.end(body);
    // A pooled response body (responseBuffer) is reusable once flushed to the socket; never before.
    if (typeof body !== "string" && responseBufferPool.owns(body)) this.res.once("finish", () => responseBufferPool.give(body));
  }

  respondAndDiscard(status: number, headers: OutgoingHttpHeaders, body: Buffer | string): void {
    headers.connection = "close";
    this.respond(status, headers, body);
    // Stop reading what is left of the request body; close once the answer is flushed.
    this.req.unpipe();
    this.res.once("finish", () => this.req.socket.destroySoon());
  }

  startStreaming(status: number, headers: OutgoingHttpHeaders): StreamingBody {
    this.res.writeHead(status, headers); // no Content-Length: Node sends Transfer-Encoding: chunked
    this.res.flushHeaders();
    return new WritableBody(this.res);
  }
}

export class Http2Exchange implements HttpExchange {
  readonly httpVersion = "2";
  readonly method: string;
  readonly url: string;

  constructor(
    private readonly stream: ServerHttp2Stream,
    readonly headers: IncomingHttpHeaders,
  ) {
    this.method = (headers[":method"] as string | undefined) ?? "";
    this.url = (headers[":path"] as string | undefined) ?? "/";
  }

  get secure(): boolean {
    return this.stream.session?.encrypted === true;
  }

  get remoteAddress(): string {
    return this.stream.session?.socket?.remoteAddress ?? "";
  }

  get closed(): boolean {
    return this.stream.closed || this.stream.destroyed || this.stream.writableEnded;
  }

  onClose(listener: () => void): void {
    this.stream.once("close", listener);
  }

  readBody(maxBytes: number, alloc?: RequestAllocator): Promise<Buffer | BodyTooLarge> {
    return readBody(this.stream, this.headers["content-length"], maxBytes, alloc);
  }

  respond(status: number, headers: OutgoingHttpHeaders, body: Buffer | string): void {
    if (this.closed || this.stream.headersSent) return;
    headers[":status"] = status;
    headers["content-length"] = typeof body === "string" ? Buffer.byteLength(body) : body.length;
    this.stream.respond(headers);
    this.stream.end(body);
  }

  respondAndDiscard(status: number, headers: OutgoingHttpHeaders, body: Buffer | string): void {
    this.respond(status, headers, body);
    // Ending our side is enough: Node resets the stream (NO_ERROR) if the client keeps sending.
    this.stream.resume();
  }

  startStreaming(status: number, headers: OutgoingHttpHeaders): StreamingBody {
    headers[":status"] = status;
    this.stream.respond(headers);
    return new WritableBody(this.stream);
  }
}

/** ServerResponse and ServerHttp2Stream share the Writable surface an event stream needs. */
class WritableBody implements StreamingBody {
  constructor(private readonly target: ServerResponse | ServerHttp2Stream) {}

  get closed(): boolean {
    return this.target.writableEnded || this.target.destroyed;
  }

  get bufferedBytes(): number {
    return this.target.writableLength;
  }

  write(chunk: Uint8Array): boolean {
    if (this.closed) return false;
    return this.target.write(chunk);
  }

  onDrain(listener: () => void): void {
    this.target.once("drain", listener);
  }

  end(): void {
    if (!this.closed) this.target.end();
  }
}
