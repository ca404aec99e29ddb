/**
 * One TCP listener for every protocol. Each connection's first bytes decide who serves it:
 *   `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`  -> cleartext HTTP/2 with prior knowledge (JS SDK v3 on http://)
 *   0x16 (TLS handshake record)          -> TLS, then ALPN picks h2 or http/1.1
 *   anything else                        -> HTTP/1.1
 * The sniffed bytes are put back (`unshift`) before the chosen server sees the socket.
 *
 * TLS is terminated by a plain `tls.Server`, whose sockets are then handed to the same HTTP/1.1 and
 * HTTP/2 engines as cleartext ones. (`http2.createSecureServer({ allowHTTP1 })` would answer HTTP/1.1
 * through `request` events, which also switches its HTTP/2 streams to the slower compat API.)
 */
import { createServer as createHttp1Server, type IncomingMessage, type Server as Http1Server, type ServerResponse } from "node:http";
import {
  createServer as createHttp2Server,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from "node:tls";
import {
  CONNECTION_IDLE_TIMEOUT_MS,
  CONNECTIONS_MAX,
  CONNECTION_SNIFF_BYTES,
  CONNECTION_SNIFF_TIMEOUT_MS,
  HTTP2_CONCURRENT_STREAMS_MAX,
  REQUEST_HEADER_BYTES_MAX,
  REQUEST_HEADERS_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  SERVER_STOP_GRACE_MS,
} from "../core/limits.js";
import type { Logger } from "../core/log.js";

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
const TLS_HANDSHAKE_RECORD = 0x16;

export interface ListenerOptions {
  host: string;
  port: number;
  tls?: { cert: string; key: string; requireTls: boolean };
  /** Open connections accepted at once; CONNECTIONS_MAX when absent. */
  connectionsMax?: number | undefined;
  logger: Logger;
  onHttp1Request(req: IncomingMessage, res: ServerResponse): void;
  onHttp2Stream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void;
}

export class Listener {
  private readonly net: NetServer;
  private readonly http1: Http1Server;
  private readonly http2: Http2Server;
  private readonly tls: TlsServer | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly deadlines = new ConnectionDeadlines(CONNECTION_SNIFF_TIMEOUT_MS, CONNECTION_IDLE_TIMEOUT_MS);
  private readonly logger: Logger;
  private readonly requireTls: boolean;

  constructor(private readonly options: ListenerOptions) {
    this.logger = options.logger;
    this.requireTls = options.tls?.requireTls === true;

    this.http1 = createHttp1Server(
      {
        maxHeaderSize: REQUEST_HEADER_BYTES_MAX,
        headersTimeout: REQUEST_HEADERS_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        keepAliveTimeout: CONNECTION_IDLE_TIMEOUT_MS,
      },
      options.onHttp1Request,
    );
    this.http1.timeout = CONNECTION_IDLE_TIMEOUT_MS;
    this.http1.on("clientError", onHttp1ClientError);
    // This server never listens itself; its `listening` event is what starts Node's connection
    // tracking, which enforces headersTimeout/requestTimeout and lets closeIdleConnections() work.
    this.http1.emit("listening");

    this.http2 = createHttp2Server({
      maxSessionMemory: 64, // MiB; the default of 10 is too small for many concurrent 10 MiB PutRecords
      settings: {
        maxConcurrentStreams: HTTP2_CONCURRENT_STREAMS_MAX,
        maxHeaderListSize: REQUEST_HEADER_BYTES_MAX,
        // Node's default stream window (64 KiB) is smaller than one PutRecords body of 500 × 100 B
        // (~89 KB): every request then waited a WINDOW_UPDATE round trip and the server sat idle.
        initialWindowSize: HTTP2_STREAM_WINDOW_BYTES,
      },
    });
    this.http2.on("stream", options.onHttp2Stream);
    this.http2.on("session", (session: Http2Session) => {
      // The connection window is not a SETTINGS value; it is raised by a WINDOW_UPDATE once the session is up.
      if (session.socket !== undefined && !session.destroyed) raiseConnectionWindow(session);
      // Errors need no listener here: the server re-emits them as `sessionError` (logged below). The idle
      // timeout is the sweep's (see ConnectionDeadlines), not `session.setTimeout`.
      this.deadlines.watchSession(session);
    });
    this.http2.on("sessionError", (error: Error) => this.logger.debug("http2 session error", { error }));

    if (options.tls !== undefined) {
      this.tls = createTlsServer({ cert: options.tls.cert, key: options.tls.key, ALPNProtocols: ["h2", "http/1.1"] });
      this.tls.on("secureConnection", (socket: TLSSocket) => {
        if (socket.alpnProtocol === "h2") this.http2.emit("connection", socket);
        else this.serveHttp1(socket);
      });
      this.tls.on("tlsClientError", (error: Error, socket: TLSSocket) => {
        this.logger.debug("tls handshake failed", { error: error.message });
        socket.destroy();
      });
    }

    this.net = createNetServer({ noDelay: true });
    // Connections beyond the cap are closed on arrival by Node, before any of their bytes are read.
    this.net.maxConnections = options.connectionsMax ?? CONNECTIONS_MAX;
    this.net.on("connection", (socket: Socket) => this.accept(socket));
    this.net.on("error", (error: Error) => this.logger.error("listener error", { error }));
  }

  start(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.net.once("error", onError);
      this.net.listen({ host: this.options.host, port: this.options.port }, () => {
        this.net.off("error", onError);
        this.deadlines.start();
        resolve(this.net.address() as AddressInfo);
      });
    });
  }

  /**
   * Stops accepting, asks every connection to finish (GOAWAY for HTTP/2, close-after-response for
   * HTTP/1.1), then destroys whatever is still open after a short grace period.
   */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.net.close(() => resolve()));
    this.deadlines.stop();
    for (const session of this.deadlines.sessions()) session.close();
    this.http1.close(ignoreError); // stops the connection checks and closes idle keep-alive connections
    if (this.sockets.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, SERVER_STOP_GRACE_MS);
        timer.unref();
        this.onAllSocketsClosed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private onAllSocketsClosed: (() => void) | undefined;

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => {
      this.sockets.delete(socket);
      this.deadlines.sniffDone(socket);
      if (this.sockets.size === 0) this.onAllSocketsClosed?.();
    });
    socket.on("error", ignoreSocketError); // errors after hand-over are the servers'; these just must not crash us
    new Sniffer(socket, this, this.deadlines);
  }

  /** Called by the Sniffer once it knows the protocol; the sniffed bytes are already back in the socket. */
  dispatch(socket: Socket, protocol: "h2c" | "tls" | "http1"): void {
    if (protocol === "tls") {
      if (this.tls === undefined) {
        socket.destroy();
        return;
      }
      this.tls.emit("connection", socket);
      return;
    }
    if (this.requireTls) {
      socket.destroy();
      return;
    }
    if (protocol === "h2c") this.http2.emit("connection", socket);
    else this.serveHttp1(socket);
  }

  /**
   * The HTTP/1.1 server reads a fresh socket's handle directly in C++, past the JavaScript buffer that
   * holds the sniffed bytes; resuming the socket makes the buffer flow into the parser first.
   */
  private serveHttp1(socket: Socket): void {
    this.http1.emit("connection", socket);
    socket.resume();
  }
}

/** Reads a connection's first bytes until they identify its protocol. */
class Sniffer {
  private seen: Buffer | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly listener: Listener,
    private readonly deadlines: ConnectionDeadlines,
  ) {
    deadlines.watchSniff(socket);
    socket.on("data", this.onData);
  }

  private readonly onData = (chunk: Buffer): void => {
    const seen = this.seen === undefined ? chunk : Buffer.concat([this.seen, chunk]);
    const protocol = classify(seen);
    if (protocol === undefined) {
      this.seen = seen;
      return;
    }
    const socket = this.socket;
    socket.off("data", this.onData);
    this.deadlines.sniffDone(socket);
    socket.pause();
    socket.unshift(seen);
    this.listener.dispatch(socket, protocol);
  };
}

/**
 * The sniff deadline of new connections and the idle timeout of HTTP/2 sessions, kept by one sweeping
 * timer instead of a timer per socket and per session. With a connection per request (the Kinesis JS SDK
 * v3's HTTP/2 default) `socket.setTimeout` for the sniff and `session.setTimeout` (a timer per session,
 * refreshed on its every frame) were a measurable share of each request's cost. A session is idle when
 * its socket has moved no byte either way for the whole timeout; it is then closed gracefully (GOAWAY),
 * as the per-session timeout did. Deadlines are met up to one sweep period late.
 */
export class ConnectionDeadlines {
  /** Socket -> the time its protocol must be known by. */
  private readonly sniffing = new Map<Socket, number>();
  /** Session -> the bytes its socket had moved at the last sweep, and since when that count is unchanged. */
  private readonly watched = new Map<Http2Session, { bytes: number; sinceMs: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly sweepMs: number;

  constructor(
    private readonly sniffTimeoutMs: number,
    private readonly idleTimeoutMs: number,
  ) {
    this.sweepMs = Math.max(1, Math.min(sniffTimeoutMs, idleTimeoutMs) / SWEEPS_PER_TIMEOUT);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.sweep(Date.now()), this.sweepMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Until `sniffDone`, which the owner also calls when the socket closes. */
  watchSniff(socket: Socket): void {
    this.sniffing.set(socket, Date.now() + this.sniffTimeoutMs);
  }

  sniffDone(socket: Socket): void {
    this.sniffing.delete(socket);
  }

  watchSession(session: Http2Session): void {
    this.watched.set(session, { bytes: -1, sinceMs: Date.now() });
    session.once("close", () => this.watched.delete(session));
  }

  sessions(): IterableIterator<Http2Session> {
    return this.watched.keys();
  }

  /** Public for tests: destroys sockets past their sniff deadline and closes sessions idle for the timeout. */
  sweep(nowMs: number): void {
    for (const [socket, deadlineMs] of this.sniffing) {
      if (nowMs < deadlineMs) continue;
      this.sniffing.delete(socket);
      socket.destroy();
    }
    for (const [session, activity] of this.watched) {
      const socket = session.socket;
      const bytes = socket === undefined ? activity.bytes : socket.bytesRead + socket.bytesWritten;
      if (bytes !== activity.bytes) {
        activity.bytes = bytes;
        activity.sinceMs = nowMs;
      } else if (nowMs - activity.sinceMs >= this.idleTimeoutMs && !session.closed) {
        session.close();
      }
    }
  }
}

/** How finely the sweep divides the shortest timeout: deadlines are met at most 1/10 of it late. */
const SWEEPS_PER_TIMEOUT = 10;

/** The protocol `bytes` begin, or undefined while they are a strict prefix of the HTTP/2 preface. */
function classify(bytes: Buffer): "h2c" | "tls" | "http1" | undefined {
  if (bytes[0] === TLS_HANDSHAKE_RECORD) return "tls";
  const n = Math.min(bytes.length, CONNECTION_SNIFF_BYTES);
  if (H2_PREFACE.compare(bytes, 0, n, 0, n) !== 0) return "http1";
  return n === CONNECTION_SNIFF_BYTES ? "h2c" : undefined;
}

/** Stream window advertised in SETTINGS: several concurrent PutRecords bodies flow without waiting. */
const HTTP2_STREAM_WINDOW_BYTES = 1024 * 1024;
/** Connection window (all streams of a session together). */
const HTTP2_CONNECTION_WINDOW_BYTES = 8 * 1024 * 1024;

function raiseConnectionWindow(session: Http2Session): void {
  try {
    session.setLocalWindowSize(HTTP2_CONNECTION_WINDOW_BYTES);
  } catch {
    // The session closed before its first frames; nothing to raise.
  }
}

function ignoreSocketError(): void {}
function ignoreError(): void {}

/** Malformed HTTP/1.1 (bad request line, oversized headers, timeouts): answer as Node would, never crash. */
function onHttp1ClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const reason = status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

