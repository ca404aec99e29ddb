/**
 * `application/vnd.amazon.eventstream` framing for event-stream responses (SubscribeToShard): each
 * message is framed by @smithy/eventstream-codec (prelude, string headers, payload, CRC32s) and written
 * to the transport, which is an HTTP/2 stream's DATA or a chunked HTTP/1.1 body.
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { EVENT_STREAM_BUFFERED_BYTES_MAX } from "../../core/limits.js";
import type { Codec, EventStreamSink } from "../service.js";
import type { StreamingBody } from "../http-exchange.js";
import { encodePayload } from "./codecs.js";

export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

type MessageHeaders = Parameters<EventStreamCodec["encode"]>[0]["headers"];

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
  (text) => Buffer.from(text, "utf8"),
);

const stringHeader = (value: string) => ({ type: "string" as const, value });

/** Header sets are the same for every message of one kind: build each once. */
const eventHeaderCache = new Map<string, MessageHeaders>();

function eventHeaders(eventType: string, contentType: string): MessageHeaders {
  const key = contentType + "\n" + eventType;
  let headers = eventHeaderCache.get(key);
  if (headers === undefined) {
    headers = {
      ":message-type": stringHeader("event"),
      ":event-type": stringHeader(eventType),
      ":content-type": stringHeader(contentType),
    };
    // Event types come from operations, not from clients, so the cache stays small.
    eventHeaderCache.set(key, headers);
  }
  return headers;
}

/** Frames one message; exported for tests and for operations that want to pre-frame. */
export function frameMessage(headers: MessageHeaders, body: Uint8Array): Uint8Array {
  return codec.encode({ headers, body });
}

export class EventStreamWriter implements EventStreamSink {
  private ended = false;
  private resolveClosed!: () => void;
  readonly closedPromise: Promise<void>;

  constructor(
    private readonly body: StreamingBody,
    private readonly requestCodec: Codec,
    /** The request's content type, put on every message as `:content-type`. */
    private readonly contentType: string,
  ) {
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  get closed(): boolean {
    return this.ended || this.body.closed;
  }

  event(eventType: string, payload: unknown): void {
    this.write(eventHeaders(eventType, this.contentType), encodePayload(this.requestCodec, payload));
  }

  exception(exceptionType: string, message: string): void {
    const headers: MessageHeaders = {
      ":message-type": stringHeader("exception"),
      ":exception-type": stringHeader(exceptionType),
      ":content-type": stringHeader(this.contentType),
    };
    this.write(headers, encodePayload(this.requestCodec, { message }));
  }

  /** An unmodelled error: `:message-type=error` with the code and message as headers, empty payload. */
  error(code: string, message: string): void {
    const headers: MessageHeaders = {
      ":message-type": stringHeader("error"),
      ":error-code": stringHeader(code),
      ":error-message": stringHeader(message),
    };
    this.write(headers, new Uint8Array(0));
  }

  drained(): Promise<void> {
    if (this.closed || this.writable) return Promise.resolve();
    return new Promise((resolve) => {
      this.body.onDrain(resolve);
      void this.closedPromise.then(resolve);
    });
  }

  private writable = true;

  private write(headers: MessageHeaders, payload: Uint8Array): void {
    if (this.closed) return;
    this.body.write(frameMessage(headers, payload));
    // Let up to EVENT_STREAM_BUFFERED_BYTES_MAX queue (the transport's own mark is 16 KiB, less than one event).
    if (this.body.bufferedBytes > EVENT_STREAM_BUFFERED_BYTES_MAX && this.writable) {
      this.writable = false;
      this.body.onDrain(this.onDrain);
    }
  }

  private readonly onDrain = (): void => {
    this.writable = true;
  };

  /** Called by the server when the client goes away or the operation settles. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.body.end();
    this.resolveClosed();
  }
}
