/**
 * A deliberately minimal HTTP/2 client for the load generator (cleartext, prior knowledge; RFC 9113 framing,
 * RFC 7541 header encoding), the counterpart of raw-http.ts: a request's HEADERS frame and DATA frames are
 * built once and only their stream id is patched per send, responses are read only as far as the status and
 * the DATA bytes, so the client spends almost nothing per request and the server is what gets measured.
 *
 * Header blocks use literal fields without indexing and without Huffman coding: the block never touches the
 * server's dynamic table, so the same bytes are valid on any connection and for any number of sends.
 * Response header blocks are not decoded beyond their first field (`:status`); the client never needs the
 * other response headers, so it keeps no decoder table of its own.
 *
 * Flow control is honoured both ways: DATA never goes beyond the server's connection and stream windows
 * (65,535 bytes until its SETTINGS and WINDOW_UPDATEs raise them), and the windows this client advertises
 * are replenished with WINDOW_UPDATE once half of them is consumed (as nghttp2 does under Node's client).
 */
import { connect, type Socket } from "node:net";
import { AMZ_DATE, AUTHORIZATION, JSON_CONTENT_TYPE, TARGET_PREFIX, type RawResponse } from "./raw-http.js";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
const FRAME_HEADER_BYTES = 9;
/** The protocol's initial window and the smallest MAX_FRAME_SIZE; what holds until SETTINGS say otherwise. */
const DEFAULT_WINDOW_BYTES = 65_535;
const DEFAULT_FRAME_PAYLOAD_BYTES = 16_384;
const WINDOW_BYTES_MAX = 2 ** 31 - 1;
/** Stream ids are 31 bits; a connection that would go past this is out of ids (never reached by the bench). */
const STREAM_ID_MAX = 2 ** 31 - 1;

const FrameType = {
  Data: 0x0,
  Headers: 0x1,
  Priority: 0x2,
  RstStream: 0x3,
  Settings: 0x4,
  PushPromise: 0x5,
  Ping: 0x6,
  Goaway: 0x7,
  WindowUpdate: 0x8,
  Continuation: 0x9,
} as const;
type FrameType = (typeof FrameType)[keyof typeof FrameType];

const FLAG_END_STREAM = 0x1;
const FLAG_ACK = 0x1;
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;

const SETTING_HEADER_TABLE_SIZE = 0x1;
const SETTING_MAX_CONCURRENT_STREAMS = 0x3;
const SETTING_INITIAL_WINDOW_SIZE = 0x4;
const SETTING_MAX_FRAME_SIZE = 0x5;

/** RFC 9113 §7 error codes, for messages. */
const ERROR_NAMES = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"];

function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `error 0x${code.toString(16)}`;
}

function frameHeader(target: Buffer, offset: number, length: number, type: FrameType, flags: number, streamId: number): void {
  target.writeUIntBE(length, offset, 3);
  target[offset + 3] = type;
  target[offset + 4] = flags;
  target.writeUInt32BE(streamId, offset + 5);
}

function frame(type: FrameType, flags: number, streamId: number, payload: Buffer = EMPTY): Buffer {
  const bytes = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frameHeader(bytes, 0, payload.length, type, flags, streamId);
  payload.copy(bytes, FRAME_HEADER_BYTES);
  return bytes;
}

const EMPTY = Buffer.alloc(0);

// --- HPACK (RFC 7541), the little a client of fixed requests needs -------------------------------------

/** §5.1: an integer with an N-bit prefix; `first` holds the pattern bits above the prefix. */
function hpackInteger(value: number, prefixBits: number, first: number): number[] {
  const limit = (1 << prefixBits) - 1;
  if (value < limit) return [first | value];
  const bytes = [first | limit];
  let rest = value - limit;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function hpackString(text: string): number[] {
  const bytes = Buffer.from(text, "latin1");
  return [...hpackInteger(bytes.length, 7, 0x00), ...bytes]; // H = 0: no Huffman coding
}

/** §2.3.1 static table entries a request uses: whole fields (indexed) and names (literal with indexed name). */
const STATIC_FIELDS: Record<string, number> = { ":method: POST": 3, ":path: /": 4, ":scheme: http": 6 };
const STATIC_NAMES: Record<string, number> = { ":authority": 1, "authorization": 23, "content-length": 28, "content-type": 31 };

/** One header block: static-table fields indexed, everything else a literal field without indexing (§6.2.2). */
export function encodeHeaderBlock(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const bytes: number[] = [];
  for (const [name, value] of fields) {
    const whole = STATIC_FIELDS[`${name}: ${value}`];
    if (whole !== undefined) {
      bytes.push(...hpackInteger(whole, 7, 0x80));
      continue;
    }
    const nameIndex = STATIC_NAMES[name];
    if (nameIndex !== undefined) bytes.push(...hpackInteger(nameIndex, 4, 0x00));
    else bytes.push(0x00, ...hpackString(name));
    bytes.push(...hpackString(value));
  }
  return Buffer.from(bytes);
}

/** §2.3.1: `:status` fields in the static table, by index. */
const STATIC_STATUS: Record<number, number> = { 8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500 };
/** Appendix B codes of the ten digits ('0'..'2' are 5 bits long, '3'..'9' 6 bits). */
const HUFFMAN_DIGITS: ReadonlyArray<readonly [code: number, bits: number]> = [
  [0x0, 5], [0x1, 5], [0x2, 5], [0x19, 6], [0x1a, 6], [0x1b, 6], [0x1c, 6], [0x1d, 6], [0x1e, 6], [0x1f, 6],
];

/**
 * The `:status` of a response header block, read from its first field (servers put pseudo-headers first).
 * nghttp2 sends 200 as the static index 0x88; other statuses come as a static index, a literal with a static
 * name, or a reference into the server's dynamic table that this client does not track: those answer 0,
 * which callers treat as "not 200".
 */
export function responseStatus(block: Buffer): number {
  let at = 0;
  const readInteger = (prefixBits: number): number => {
    const limit = (1 << prefixBits) - 1;
    let value = block[at++]! & limit;
    if (value < limit) return value;
    let shift = 0;
    for (;;) {
      const byte = block[at++];
      if (byte === undefined) return -1;
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (at < block.length && (block[at]! & 0xe0) === 0x20) readInteger(5); // dynamic table size updates
  const first = block[at];
  if (first === undefined) return 0;
  if ((first & 0x80) !== 0) return STATIC_STATUS[readInteger(7)] ?? 0;
  const nameIndex = (first & 0xc0) === 0x40 ? readInteger(6) : (first & 0xf0) <= 0x10 ? readInteger(4) : -1;
  if (STATIC_STATUS[nameIndex] === undefined) return 0;
  const huffman = (block[at]! & 0x80) !== 0;
  const length = readInteger(7);
  if (length < 0 || at + length > block.length) return 0;
  const value = block.subarray(at, at + length);
  const text = huffman ? huffmanDigits(value) : value.toString("latin1");
  return /^\d{3}$/.test(text) ? Number(text) : 0;
}

/** Decodes a Huffman string made of digits only (a status); anything else gives "". */
function huffmanDigits(bytes: Buffer): string {
  let text = "";
  let bits = 0;
  let count = 0;
  for (const byte of bytes) {
    bits = (bits << 8) | byte;
    count += 8;
    for (;;) {
      let matched = false;
      for (let digit = 0; digit < HUFFMAN_DIGITS.length && !matched; digit++) {
        const [code, length] = HUFFMAN_DIGITS[digit]!;
        if (count >= length && ((bits >>> (count - length)) & ((1 << length) - 1)) === code) {
          text += String(digit);
          count -= length;
          bits &= (1 << count) - 1;
          matched = true;
        }
      }
      if (!matched) break;
    }
  }
  return count < 8 && bits === (1 << count) - 1 ? text : ""; // what is left must be EOS padding (all ones)
}

// --- Requests -------------------------------------------------------------------------------------------

/**
 * One request, encoded once: a HEADERS frame and the DATA frames of its body, back to back in one buffer.
 * The connection patches the stream id before each send, so one H2Request carries one request at a time;
 * concurrent callers each take their own `copy()`.
 */
export class H2Request {
  /** HEADERS (END_HEADERS; END_STREAM too when the body is empty). */
  readonly headers: Buffer;
  /** DATA frames of `framePayloadBytes` each (the last one shorter, with END_STREAM), back to back. */
  readonly data: Buffer;

  constructor(
    readonly headerBlock: Buffer,
    readonly body: Buffer,
    readonly framePayloadBytes = DEFAULT_FRAME_PAYLOAD_BYTES,
  ) {
    if (headerBlock.length > DEFAULT_FRAME_PAYLOAD_BYTES) throw new Error("header block too large for one HEADERS frame");
    this.headers = frame(FrameType.Headers, FLAG_END_HEADERS | (body.length === 0 ? FLAG_END_STREAM : 0), 1, headerBlock);
    const frames = Math.ceil(body.length / framePayloadBytes);
    this.data = Buffer.allocUnsafe(frames * FRAME_HEADER_BYTES + body.length);
    for (let i = 0; i < frames; i++) {
      const from = i * framePayloadBytes;
      const length = Math.min(framePayloadBytes, body.length - from);
      const at = i * (FRAME_HEADER_BYTES + framePayloadBytes);
      frameHeader(this.data, at, length, FrameType.Data, i === frames - 1 ? FLAG_END_STREAM : 0, 1);
      body.copy(this.data, at + FRAME_HEADER_BYTES, from, from + length);
    }
  }

  copy(): H2Request {
    return new H2Request(this.headerBlock, this.body, this.framePayloadBytes);
  }

  /** Byte offset in `data` of the frame carrying body byte `payloadOffset` (which must start a frame). */
  frameOffset(payloadOffset: number): number {
    return (payloadOffset / this.framePayloadBytes) * (FRAME_HEADER_BYTES + this.framePayloadBytes);
  }

  setStreamId(streamId: number): void {
    this.headers.writeUInt32BE(streamId, 5);
    const stride = FRAME_HEADER_BYTES + this.framePayloadBytes;
    for (let at = 0; at < this.data.length; at += stride) this.data.writeUInt32BE(streamId, at + 5);
  }
}

/** A Kinesis JSON request as HTTP/2, with the same fields as raw-http.ts's HTTP/1.1 requests. */
export function encodeH2Request(port: number, operation: string, body: Buffer | string): H2Request {
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const block = encodeHeaderBlock([
    [":method", "POST"],
    [":scheme", "http"],
    [":authority", `127.0.0.1:${port}`],
    [":path", "/"],
    ["content-type", JSON_CONTENT_TYPE],
    ["x-amz-target", `${TARGET_PREFIX}${operation}`],
    ["x-amz-date", AMZ_DATE],
    ["authorization", AUTHORIZATION],
    ["content-length", String(payload.length)],
  ]);
  return new H2Request(block, payload);
}

// --- Connections ----------------------------------------------------------------------------------------

/** What a connection tells the server about itself. */
export interface H2ClientOptions {
  /** SETTINGS_INITIAL_WINDOW_SIZE advertised (65,535 by default: not sent). */
  streamWindowBytes: number;
  /** The connection receive window, raised from 65,535 with a WINDOW_UPDATE after the preface when larger. */
  connectionWindowBytes: number;
  /**
   * A second SETTINGS frame with MAX_CONCURRENT_STREAMS, as Node's client sends it when asked for it after
   * `http2.connect` (the SDK's isolated sessions ask for 1).
   */
  maxConcurrentStreamsSetting?: number;
}

/**
 * What the Kinesis JS SDK v3 (NodeHttp2Handler with `disableConcurrentStreams: true`) puts on the wire:
 * Node's default windows (nothing advertised beyond an empty SETTINGS), then `settings({ maxConcurrentStreams: 1 })`.
 */
export const SDK_ISOLATED_SESSION: H2ClientOptions = { streamWindowBytes: DEFAULT_WINDOW_BYTES, connectionWindowBytes: DEFAULT_WINDOW_BYTES, maxConcurrentStreamsSetting: 1 };

/** A session as `http2.connect` opens it with no options: Node's default windows, nothing else advertised. */
export const NODE_DEFAULT_SESSION: H2ClientOptions = { streamWindowBytes: DEFAULT_WINDOW_BYTES, connectionWindowBytes: DEFAULT_WINDOW_BYTES };

/**
 * A throughput-minded client multiplexing many callers: 1 MiB per stream, 8 MiB per connection, the same as
 * the server's (src/server/listener.ts), so responses never wait for a WINDOW_UPDATE.
 */
export const SHARED_SESSION: H2ClientOptions = { streamWindowBytes: 1024 * 1024, connectionWindowBytes: 8 * 1024 * 1024 };

interface Stream {
  id: number;
  request: H2Request;
  wantBody: boolean;
  /** Body bytes already sent. */
  sentBytes: number;
  sendWindow: number;
  /** Received DATA bytes not yet given back with a WINDOW_UPDATE. */
  unacknowledgedBytes: number;
  /** 0 until the response headers arrive, and when they carry a status this client cannot read. */
  status: number;
  responded: boolean;
  headerBlock: Buffer[] | undefined;
  chunks: Buffer[];
  bodyBytes: number;
  resolve(response: RawResponse): void;
  reject(error: Error): void;
}

interface Waiting {
  request: H2Request;
  wantBody: boolean;
  resolve(response: RawResponse): void;
  reject(error: Error): void;
}

/** One HTTP/2 connection; any number of concurrent requests (up to the server's MAX_CONCURRENT_STREAMS). */
export class RawH2Connection {
  private readonly socket: Socket;
  private readonly streams = new Map<number, Stream>();
  private readonly waiting: Waiting[] = [];
  /** Streams with body bytes held back by flow control, in the order they asked. */
  private blocked: Stream[] = [];
  private nextStreamId = 1;
  private connectionSendWindow = DEFAULT_WINDOW_BYTES;
  private streamSendWindowInitial = DEFAULT_WINDOW_BYTES;
  private maxFramePayloadBytes = DEFAULT_FRAME_PAYLOAD_BYTES;
  private serverMaxConcurrentStreams = Number.POSITIVE_INFINITY;
  private connectionUnacknowledgedBytes = 0;
  private rest: Buffer = EMPTY;
  /** The stream whose header block is being continued by CONTINUATION frames, or 0. */
  private continuingStreamId = 0;
  /** Fatal: the connection is gone and nothing more is read. */
  private failure: Error | undefined;
  /** No new streams (GOAWAY received, or a one-shot connection's request done); open ones still finish. */
  private refusal: Error | undefined;
  /** Set by `closeAfterResponse`: GOAWAY once the response begins, and the socket ended once it is done. */
  private closingAfterResponse = false;

  private constructor(
    socket: Socket,
    private readonly options: H2ClientOptions,
  ) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("connection closed by the server")));
    socket.write(openingBytes(options));
  }

  /** Opens a connection and waits until TCP is up; the preface and SETTINGS are already on their way. */
  static open(port: number, options: H2ClientOptions): Promise<RawH2Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port });
      const connection = new RawH2Connection(socket, options);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(connection);
      });
      socket.once("error", reject);
    });
  }

  /**
   * A new connection per request, as the Kinesis JS SDK v3 does: preface, SETTINGS and the request go out
   * together as soon as TCP is up (without waiting for the server's SETTINGS), a GOAWAY follows once the
   * response headers arrive (the SDK's `session.close()`), and the connection is closed after the response.
   */
  static oneShot(port: number, request: H2Request, wantBody: boolean, options: H2ClientOptions = SDK_ISOLATED_SESSION): Promise<RawResponse> {
    const socket = connect({ host: "127.0.0.1", port });
    socket.cork(); // everything written before `connect` leaves in one batch
    socket.once("connect", () => socket.uncork());
    const connection = new RawH2Connection(socket, options);
    connection.closingAfterResponse = true;
    return connection.request(request, wantBody);
  }

  request(request: H2Request, wantBody = false): Promise<RawResponse> {
    const refused = this.failure ?? this.refusal;
    if (refused !== undefined) return Promise.reject(refused);
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { request, wantBody, resolve, reject };
      if (this.streams.size >= this.serverMaxConcurrentStreams) this.waiting.push(waiting);
      else this.start(waiting);
    });
  }

  close(): void {
    this.failure ??= new Error("connection closed");
    this.socket.destroy();
  }

  private start(waiting: Waiting): void {
    const id = this.nextStreamId;
    if (id > STREAM_ID_MAX) {
      waiting.reject(new Error("out of stream ids"));
      return;
    }
    this.nextStreamId += 2;
    const stream: Stream = {
      id,
      request: waiting.request,
      wantBody: waiting.wantBody,
      sentBytes: 0,
      sendWindow: this.streamSendWindowInitial,
      unacknowledgedBytes: 0,
      status: 0,
      responded: false,
      headerBlock: undefined,
      chunks: [],
      bodyBytes: 0,
      resolve: waiting.resolve,
      reject: waiting.reject,
    };
    this.streams.set(id, stream);
    waiting.request.setStreamId(id);
    this.socket.cork();
    this.socket.write(waiting.request.headers);
    this.sendData(stream);
    this.socket.uncork();
  }

  /** Sends as much of the stream's body as both send windows allow; queues the stream if some is left. */
  private sendData(stream: Stream): void {
    const request = stream.request;
    const total = request.body.length;
    while (stream.sentBytes < total) {
      const allowed = Math.min(stream.sendWindow, this.connectionSendWindow);
      if (allowed <= 0) {
        if (!this.blocked.includes(stream)) this.blocked.push(stream);
        return;
      }
      const remaining = total - stream.sentBytes;
      const aligned = stream.sentBytes % request.framePayloadBytes === 0 && request.framePayloadBytes <= this.maxFramePayloadBytes;
      let bytes: number;
      if (aligned && allowed >= Math.min(remaining, request.framePayloadBytes)) {
        // Whole pre-built frames: as many as the windows take, in one write.
        const frames = remaining <= allowed ? Math.ceil(remaining / request.framePayloadBytes) : Math.floor(allowed / request.framePayloadBytes);
        bytes = Math.min(remaining, frames * request.framePayloadBytes);
        const from = request.frameOffset(stream.sentBytes);
        const to = stream.sentBytes + bytes === total ? request.data.length : request.frameOffset(stream.sentBytes + bytes);
        this.socket.write(request.data.subarray(from, to));
      } else {
        // A window smaller than a frame (or a frame cut earlier): a frame of its own, up to the next frame boundary.
        const toBoundary = request.framePayloadBytes - (stream.sentBytes % request.framePayloadBytes);
        bytes = Math.min(allowed, remaining, toBoundary, this.maxFramePayloadBytes);
        const end = stream.sentBytes + bytes === total;
        const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
        frameHeader(header, 0, bytes, FrameType.Data, end ? FLAG_END_STREAM : 0, stream.id);
        this.socket.write(header);
        this.socket.write(request.body.subarray(stream.sentBytes, stream.sentBytes + bytes));
      }
      stream.sentBytes += bytes;
      stream.sendWindow -= bytes;
      this.connectionSendWindow -= bytes;
    }
  }

  private sendBlocked(): void {
    if (this.blocked.length === 0) return;
    const blocked = this.blocked;
    this.blocked = [];
    this.socket.cork();
    for (const stream of blocked) if (this.streams.get(stream.id) === stream) this.sendData(stream);
    this.socket.uncork();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const stream of this.streams.values()) stream.reject(this.failure);
    this.streams.clear();
    for (const waiting of this.waiting.splice(0)) waiting.reject(this.failure);
    this.blocked = [];
    if (!this.socket.destroyed) this.socket.destroy();
  }

  private protocolError(message: string): void {
    this.fail(new Error(`HTTP/2 protocol error from the server: ${message}`));
  }

  private onData(chunk: Buffer): void {
    const bytes = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    let at = 0;
    while (bytes.length - at >= FRAME_HEADER_BYTES && this.failure === undefined) {
      const length = bytes.readUIntBE(at, 3);
      if (length > DEFAULT_FRAME_PAYLOAD_BYTES) return this.protocolError(`frame of ${length} bytes beyond our MAX_FRAME_SIZE`);
      if (bytes.length - at < FRAME_HEADER_BYTES + length) break;
      const type = bytes[at + 3]!;
      const flags = bytes[at + 4]!;
      const streamId = bytes.readUInt32BE(at + 5) & 0x7fffffff;
      const payload = bytes.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
      at += FRAME_HEADER_BYTES + length;
      this.onFrame(type, flags, streamId, payload);
    }
    this.rest = at === bytes.length ? EMPTY : bytes.subarray(at);
  }

  private onFrame(type: number, flags: number, streamId: number, payload: Buffer): void {
    if (this.continuingStreamId !== 0 && type !== FrameType.Continuation) return this.protocolError("a header block interrupted");
    switch (type) {
      case FrameType.Settings:
        return this.onSettings(flags, payload);
      case FrameType.WindowUpdate:
        return this.onWindowUpdate(streamId, payload);
      case FrameType.Headers:
        return this.onHeaders(flags, streamId, payload);
      case FrameType.Continuation:
        return this.onContinuation(flags, streamId, payload);
      case FrameType.Data:
        return this.onDataFrame(flags, streamId, payload);
      case FrameType.RstStream:
        return this.onRstStream(streamId, payload);
      case FrameType.Goaway:
        return this.onGoaway(payload);
      case FrameType.Ping:
        if ((flags & FLAG_ACK) === 0) this.socket.write(frame(FrameType.Ping, FLAG_ACK, 0, payload));
        return;
      case FrameType.PushPromise:
        return this.protocolError("PUSH_PROMISE (this client never asks for pushes)");
      default:
        return; // PRIORITY and unknown frame types are ignored (§5.5)
    }
  }

  private onSettings(flags: number, payload: Buffer): void {
    if ((flags & FLAG_ACK) !== 0) return;
    if (payload.length % 6 !== 0) return this.protocolError("SETTINGS of a wrong length");
    for (let at = 0; at < payload.length; at += 6) {
      const id = payload.readUInt16BE(at);
      const value = payload.readUInt32BE(at + 2);
      if (id === SETTING_INITIAL_WINDOW_SIZE) {
        if (value > WINDOW_BYTES_MAX) return this.protocolError("INITIAL_WINDOW_SIZE too large");
        const delta = value - this.streamSendWindowInitial;
        this.streamSendWindowInitial = value;
        for (const stream of this.streams.values()) stream.sendWindow += delta; // §6.9.2
      } else if (id === SETTING_MAX_FRAME_SIZE) {
        this.maxFramePayloadBytes = value;
      } else if (id === SETTING_MAX_CONCURRENT_STREAMS) {
        this.serverMaxConcurrentStreams = value;
      } else if (id === SETTING_HEADER_TABLE_SIZE) {
        // Only bounds our encoder's dynamic table, which literal-without-indexing blocks never use.
      }
    }
    this.socket.cork();
    this.socket.write(settingsAckFrame);
    this.sendBlocked();
    this.socket.uncork();
    this.startWaiting();
  }

  private onWindowUpdate(streamId: number, payload: Buffer): void {
    if (payload.length !== 4) return this.protocolError("WINDOW_UPDATE of a wrong length");
    const increment = payload.readUInt32BE(0) & 0x7fffffff;
    if (streamId === 0) this.connectionSendWindow += increment;
    else {
      const stream = this.streams.get(streamId);
      if (stream === undefined) return; // a stream already finished
      stream.sendWindow += increment;
    }
    this.sendBlocked();
  }

  private onHeaders(flags: number, streamId: number, payload: Buffer): void {
    const stream = this.streams.get(streamId);
    let block = payload;
    if ((flags & FLAG_PADDED) !== 0) {
      const padding = block[0] ?? 0;
      block = block.subarray(1, block.length - padding);
    }
    if ((flags & FLAG_PRIORITY) !== 0) block = block.subarray(5);
    if (stream === undefined) {
      if (streamId === 0 || streamId >= this.nextStreamId) return this.protocolError(`HEADERS on stream ${streamId}, never opened`);
      return; // a stream we reset or finished: nothing to do
    }
    if ((flags & FLAG_END_HEADERS) === 0) {
      stream.headerBlock = [block];
      this.continuingStreamId = streamId;
      if ((flags & FLAG_END_STREAM) !== 0) stream.headerBlock.push(END_STREAM_MARK);
      return;
    }
    this.onHeaderBlock(stream, block, (flags & FLAG_END_STREAM) !== 0);
  }

  private onContinuation(flags: number, streamId: number, payload: Buffer): void {
    const stream = this.streams.get(streamId);
    if (streamId !== this.continuingStreamId || stream?.headerBlock === undefined) return this.protocolError("CONTINUATION out of place");
    const parts = stream.headerBlock;
    const endStream = parts[parts.length - 1] === END_STREAM_MARK;
    if (endStream) parts.pop();
    parts.push(payload);
    if ((flags & FLAG_END_HEADERS) === 0) {
      if (endStream) parts.push(END_STREAM_MARK);
      return;
    }
    this.continuingStreamId = 0;
    stream.headerBlock = undefined;
    this.onHeaderBlock(stream, Buffer.concat(parts), endStream);
  }

  /** The response headers (the first block) or trailers (a later one). */
  private onHeaderBlock(stream: Stream, block: Buffer, endStream: boolean): void {
    if (!stream.responded) {
      const status = block[0] === STATUS_200 ? 200 : responseStatus(block);
      if (status >= 100 && status < 200) return; // an interim response; the real one follows
      stream.status = status;
      stream.responded = true;
      if (this.closingAfterResponse) this.socket.write(goawayFrame); // the SDK's session.close() on "response"
    }
    if (endStream) this.finish(stream);
  }

  private onDataFrame(flags: number, streamId: number, payload: Buffer): void {
    // Flow control counts the whole payload, padding included (§6.9.1).
    this.connectionUnacknowledgedBytes += payload.length;
    const stream = this.streams.get(streamId);
    if (stream !== undefined) {
      let data = payload;
      if ((flags & FLAG_PADDED) !== 0) {
        const padding = data[0] ?? 0;
        data = data.subarray(1, data.length - padding);
      }
      stream.bodyBytes += data.length;
      if (stream.wantBody && data.length > 0) stream.chunks.push(data);
      stream.unacknowledgedBytes += payload.length;
    }
    const ends = (flags & FLAG_END_STREAM) !== 0;
    this.replenish(stream, ends);
    if (stream !== undefined && ends) this.finish(stream);
  }

  /** Gives consumed bytes back to the server once half a window is used, as nghttp2 does under Node. */
  private replenish(stream: Stream | undefined, streamEnds: boolean): void {
    let frames: Buffer[] | undefined;
    if (this.connectionUnacknowledgedBytes >= this.options.connectionWindowBytes / 2) {
      (frames ??= []).push(windowUpdateFrame(0, this.connectionUnacknowledgedBytes));
      this.connectionUnacknowledgedBytes = 0;
    }
    if (stream !== undefined && !streamEnds && stream.unacknowledgedBytes >= this.options.streamWindowBytes / 2) {
      (frames ??= []).push(windowUpdateFrame(stream.id, stream.unacknowledgedBytes));
      stream.unacknowledgedBytes = 0;
    }
    if (frames !== undefined) this.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  private onRstStream(streamId: number, payload: Buffer): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) return;
    this.forget(stream);
    const code = payload.length === 4 ? payload.readUInt32BE(0) : -1;
    stream.reject(new Error(`the server reset stream ${streamId} (${errorName(code)})${stream.responded ? ` after answering ${stream.status}` : ""}`));
    this.startWaiting();
  }

  private onGoaway(payload: Buffer): void {
    if (payload.length < 8) return this.protocolError("GOAWAY too short");
    const lastStreamId = payload.readUInt32BE(0) & 0x7fffffff;
    const code = payload.readUInt32BE(4);
    const affected = [...this.streams.values()].filter((stream) => stream.id > lastStreamId || code !== 0);
    if (code === 0 && affected.length === 0 && this.waiting.length === 0) {
      // The ordinary end of a connection (every one-shot connection gets one): no Error (and stack) to build.
      this.refusal ??= GOAWAY_NO_ERROR;
      return;
    }
    const debug = payload.toString("utf8", 8);
    const error = new Error(`the server sent GOAWAY (${errorName(code)}${debug.length > 0 ? `: ${debug}` : ""})`);
    this.refusal ??= error; // no new streams on this connection
    for (const stream of affected) {
      this.forget(stream);
      stream.reject(error);
    }
    for (const waiting of this.waiting.splice(0)) waiting.reject(error);
  }

  private finish(stream: Stream): void {
    this.forget(stream);
    const body = stream.chunks.length === 1 ? stream.chunks[0]! : stream.chunks.length === 0 ? EMPTY : Buffer.concat(stream.chunks);
    stream.resolve({ status: stream.status, body, bodyBytes: stream.bodyBytes });
    if (this.closingAfterResponse) {
      this.refusal ??= new Error("connection closed after its response");
      this.socket.end();
      return;
    }
    this.startWaiting();
  }

  private forget(stream: Stream): void {
    this.streams.delete(stream.id);
    const blocked = this.blocked.indexOf(stream);
    if (blocked >= 0) this.blocked.splice(blocked, 1);
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.failure === undefined && this.refusal === undefined && this.streams.size < this.serverMaxConcurrentStreams) this.start(this.waiting.shift()!);
  }
}

/** `:status: 200` as the static-table index 8 (§2.3.1), what nghttp2 sends for it. */
const STATUS_200 = 0x88;
/** Marks, inside a header block still being continued, that its HEADERS frame also ended the stream. */
const END_STREAM_MARK = Buffer.alloc(0);

/** The preface and the client's first frames, built once per options object. */
const openingCache = new WeakMap<H2ClientOptions, Buffer>();

function openingBytes(options: H2ClientOptions): Buffer {
  const cached = openingCache.get(options);
  if (cached !== undefined) return cached;
  const settings: Array<[number, number]> = [];
  if (options.streamWindowBytes !== DEFAULT_WINDOW_BYTES) settings.push([SETTING_INITIAL_WINDOW_SIZE, options.streamWindowBytes]);
  const frames = [PREFACE, settingsFrame(settings)];
  if (options.maxConcurrentStreamsSetting !== undefined) frames.push(settingsFrame([[SETTING_MAX_CONCURRENT_STREAMS, options.maxConcurrentStreamsSetting]]));
  if (options.connectionWindowBytes > DEFAULT_WINDOW_BYTES) frames.push(windowUpdateFrame(0, options.connectionWindowBytes - DEFAULT_WINDOW_BYTES));
  const bytes = Buffer.concat(frames);
  openingCache.set(options, bytes);
  return bytes;
}

function settingsFrame(settings: ReadonlyArray<readonly [number, number]>): Buffer {
  const payload = Buffer.allocUnsafe(settings.length * 6);
  settings.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return frame(FrameType.Settings, 0, 0, payload);
}

function windowUpdateFrame(streamId: number, increment: number): Buffer {
  const payload = Buffer.allocUnsafe(4);
  payload.writeUInt32BE(increment, 0);
  return frame(FrameType.WindowUpdate, 0, streamId, payload);
}

const settingsAckFrame = frame(FrameType.Settings, FLAG_ACK, 0);
const GOAWAY_NO_ERROR = new Error("the server sent GOAWAY (NO_ERROR): no new streams on this connection");
/** GOAWAY, last stream 0, NO_ERROR: what Node's `session.close()` sends from a client. */
const goawayFrame = frame(FrameType.Goaway, 0, 0, Buffer.alloc(8));
