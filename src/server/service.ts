/**
 * The seam between the server (transport and protocol) and the services (Kinesis, later Firehose,
 * Analytics, ...). The server decodes a request body into plain values, finds the service by the
 * X-Amz-Target prefix and the operation by name, and calls `Operation.handle`. The operation validates
 * its input against the API model, authorizes, calls its domain and returns a result that the server
 * encodes in the request's codec.
 *
 * Values crossing this seam: structures are plain objects with the model's PascalCase member names;
 * blobs are Uint8Array; timestamps are Date; longs and integers are numbers. The server encodes outputs
 * by these JavaScript types (Uint8Array -> base64 in JSON, byte string in CBOR; Date -> epoch seconds in
 * JSON, epoch milliseconds in CBOR).
 */

export type Codec = "json" | "cbor";

export interface RequestContext {
  requestId: string;
  /** 12-digit account the request acts as (from the access key id or the configured default). */
  account: string;
  /** Region from the SigV4 credential scope, or the configured default. */
  region: string;
  accessKeyId: string | undefined;
  codec: Codec;
  httpVersion: "1.1" | "2";
  secure: boolean;
  sourceIp: string;
  receivedAtMs: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** An ordinary response: the output shape's value, encoded by the server in the request's codec. */
export interface ValueResult {
  kind: "value";
  value: unknown;
}

/**
 * A response body that the operation already encoded (hot paths such as GetRecords may build their
 * JSON directly). `codec` says which encoding the bytes are in; the server only uses it when it
 * matches the request's codec.
 */
export interface EncodedResult {
  kind: "encoded";
  codec: Codec;
  body: Buffer;
}

/**
 * An AWS event stream (`application/vnd.amazon.eventstream`), such as SubscribeToShard's. The server
 * answers 200, then calls `run` with a sink that frames each message; over HTTP/2 it is a DATA stream,
 * over HTTP/1.1 a chunked body. The response ends when `run` settles or the client goes away.
 */
export interface EventStreamResult {
  kind: "event-stream";
  run(sink: EventStreamSink): Promise<void>;
}

export type OperationResult = ValueResult | EncodedResult | EventStreamResult;

export interface EventStreamSink {
  /** Sends `:message-type=event` with `:event-type=eventType`; payload is encoded in the request codec. */
  event(eventType: string, payload: unknown): void;
  /** Sends `:message-type=exception` with `:exception-type=exceptionType` and `{"message": ...}`. */
  exception(exceptionType: string, message: string): void;
  /** True once the client has gone away or the stream has ended; stop producing then. */
  readonly closed: boolean;
  /** Resolves when the transport can take more (backpressure), or immediately when it can. */
  drained(): Promise<void>;
  /** Resolves when the client goes away. */
  readonly closedPromise: Promise<void>;
}

export interface Operation {
  readonly name: string;
  handle(input: unknown, ctx: RequestContext): Promise<OperationResult>;
}

export interface Service {
  /** Short name, used in logs and as the SigV4 signing name (e.g. "kinesis"). */
  readonly name: string;
  /** The X-Amz-Target prefix before the dot (e.g. "Kinesis_20131202"). */
  readonly targetPrefix: string;
  /** Content type of JSON requests and responses for this service (AWS JSON 1.0 or 1.1). */
  readonly jsonContentType: "application/x-amz-json-1.0" | "application/x-amz-json-1.1";
  readonly operations: ReadonlyMap<string, Operation>;
}

export const valueResult = (value: unknown): ValueResult => ({ kind: "value", value });
