/**
 * The AWS JSON 1.0/1.1 and CBOR 1.1 RPC protocols: `POST /` with `X-Amz-Target: <prefix>.<Operation>`.
 * Checks run in the order AWS (as recorded by kinesalite) runs them: CORS preflight, method, empty body,
 * content type, body syntax, operation, then SigV4; the operation validates its own input afterwards.
 * Every response carries `x-amzn-RequestId` and `x-amz-id-2`; errors carry `x-amzn-ErrorType`.
 */
import { randomFillSync, randomUUID } from "node:crypto";
import type { OutgoingHttpHeaders } from "node:http";
import { AwsError, isAwsError } from "../../core/errors.js";
import type { Logger } from "../../core/log.js";
import type { HttpExchange } from "../http-exchange.js";
import type { RequestAllocator } from "../request-buffers.js";
import type { Codec, Operation, OperationResult, RequestContext, Service } from "../service.js";
import { AMZ_CBOR_1_1, classifyContentType, decodePayload, encodePayload, PLAIN_JSON, type RequestContentType } from "./codecs.js";
import { EVENT_STREAM_CONTENT_TYPE, EventStreamWriter } from "./event-stream.js";
import { scanFlatJson, type FlatJsonOperation } from "./flat-json.js";
import { checkSigV4Form, type Authenticator, type BodyHashJob, type Identity } from "./sigv4-form.js";

const CORS_EXPOSE_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date";
/** AWS caches CORS preflight answers for two days. */
const CORS_MAX_AGE_SECONDS = 172_800;
const ACCESS_DENIED_XML =
  "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n";
const UNKNOWN_OPERATION_XML = "<UnknownOperationException/>\n";
const INTERNAL_FAILURE_TYPE = "InternalFailure";
const INTERNAL_FAILURE_MESSAGE = "The request processing has failed because of an unknown error, exception or failure.";

export interface AwsRpcOptions {
  services: readonly Service[];
  authenticator: Authenticator;
  logger: Logger;
}

interface Target {
  service: Service | undefined;
  operation: Operation | undefined;
  /** Both halves of the target were present (valid or not): decides between two kinesalite errors. */
  named: boolean;
}

export class AwsRpcProtocol {
  private readonly services = new Map<string, Service>();
  private readonly eventStreams = new Set<EventStreamWriter>();
  private readonly logger: Logger;
  private readonly authenticator: Authenticator;

  constructor(options: AwsRpcOptions) {
    for (const service of options.services) this.services.set(service.targetPrefix, service);
    this.logger = options.logger;
    this.authenticator = options.authenticator;
  }

  /** Ends every open event stream (server shutdown). */
  closeEventStreams(): void {
    for (const writer of this.eventStreams) writer.close();
  }

  /** `alloc`: where scratch buffers for this request may come from (they are the request's until this returns). */
  async handle(exchange: HttpExchange, body: Buffer, receivedAtMs: number, alloc?: RequestAllocator): Promise<void> {
    const requestId = randomUUID();
    const headers: OutgoingHttpHeaders = { "x-amzn-RequestId": requestId };
    const origin = exchange.headers.origin;
    if (origin !== undefined) {
      headers["Access-Control-Allow-Origin"] = "*";
      if (exchange.method === "OPTIONS") return this.preflight(exchange, headers);
      headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS;
    }
    headers["x-amz-id-2"] = amzId2();

    if (exchange.method !== "POST") return respondXml(exchange, 403, headers, "AccessDeniedException", ACCESS_DENIED_XML);

    const contentType = classifyContentType(exchange.headers["content-type"]);
    const queryAt = exchange.url.indexOf("?");
    const query = queryAt < 0 ? undefined : new URLSearchParams(exchange.url.slice(queryAt + 1));
    const target = this.resolveTarget(exchange.headers["x-amz-target"], query);

    if (body.length === 0) {
      // AWS quirk: an empty body is answered in CBOR unless the request said JSON.
      const codec: Codec = contentType.kind === "json" ? "json" : "cbor";
      const mediaType = codec === "json" ? contentType.mediaType : AMZ_CBOR_1_1;
      const type = target.operation !== undefined ? "SerializationException" : "UnknownOperationException";
      return respondError(exchange, headers, codec, mediaType, 400, type, undefined);
    }
    if (contentType.kind === "unsupported") {
      if (!target.named) return respondXml(exchange, 403, headers, "AccessDeniedException", ACCESS_DENIED_XML);
      return respondXml(exchange, 404, headers, "UnknownOperationException", UNKNOWN_OPERATION_XML);
    }
    if (contentType.kind === "plain-json") return respondPlainJson(exchange, headers, body);

    const codec = contentType.kind;
    // The body's hash (for SigV4) is started before decoding, which it may then run alongside.
    const bodyHash = this.authenticator.startBodyHash?.(body);
    let input: unknown;
    try {
      // Operations with large, simply shaped bodies (PutRecords) may offer a byte-level scan; it declines
      // (undefined) anything outside its subset, which then takes the ordinary route.
      const flatShape = codec === "json" ? (target.operation as Partial<FlatJsonOperation> | undefined)?.flatJsonShape : undefined;
      input = (flatShape !== undefined ? scanFlatJson(body, flatShape, alloc) : undefined) ?? decodePayload(codec, body);
    } catch {
      return respondError(exchange, headers, codec, contentType.mediaType, 400, "SerializationException", undefined);
    }
    if (typeof input !== "object" || input === null) {
      return respondError(exchange, headers, codec, contentType.mediaType, 400, "SerializationException", undefined);
    }
    if (Array.isArray(input)) {
      return respondError(exchange, headers, codec, contentType.mediaType, 400, "SerializationException", "Start of list found where not expected");
    }
    if (target.operation === undefined || target.service === undefined) {
      return respondError(exchange, headers, codec, contentType.mediaType, 400, "UnknownOperationException", undefined);
    }

    let result: OperationResult;
    let ctx: ExchangeContext;
    try {
      const identity = await this.authenticate(exchange, body, query, target.service, bodyHash);
      ctx = new ExchangeContext(exchange, requestId, identity, codec, receivedAtMs);
      result = await target.operation.handle(input, ctx);
    } catch (error) {
      return this.respondThrown(exchange, headers, codec, contentType.mediaType, error, target);
    }
    this.respondResult(exchange, headers, contentType, result, target, ctx);
  }

  private resolveTarget(header: string | string[] | undefined, query: URLSearchParams | undefined): Target {
    if (typeof header === "string") {
      const dot = header.indexOf(".");
      if (dot < 0) return { service: undefined, operation: undefined, named: false };
      const service = this.services.get(header.slice(0, dot));
      const operationName = header.slice(dot + 1);
      return { service, operation: service?.operations.get(operationName), named: dot > 0 && operationName !== "" };
    }
    // kinesalite-style `?Action=<Operation>`: the first service that has the operation.
    const action = query?.get("Action");
    if (action) {
      for (const service of this.services.values()) {
        const operation = service.operations.get(action);
        if (operation !== undefined) return { service, operation, named: true };
      }
      return { service: undefined, operation: undefined, named: true };
    }
    return { service: undefined, operation: undefined, named: false };
  }

  private authenticate(
    exchange: HttpExchange,
    body: Buffer,
    query: URLSearchParams | undefined,
    service: Service,
    bodyHash: BodyHashJob | undefined,
  ): Identity | Promise<Identity> {
    const sigv4 = checkSigV4Form(exchange.headers, query);
    return this.authenticator.authenticate({
      method: exchange.method,
      url: exchange.url,
      headers: exchange.headers,
      body,
      sigv4,
      serviceName: service.name,
      bodyHash,
    });
  }

  private preflight(exchange: HttpExchange, headers: OutgoingHttpHeaders): void {
    const requestHeaders = exchange.headers["access-control-request-headers"];
    const requestMethod = exchange.headers["access-control-request-method"];
    if (requestHeaders !== undefined) headers["Access-Control-Allow-Headers"] = requestHeaders;
    if (requestMethod !== undefined) headers["Access-Control-Allow-Methods"] = requestMethod;
    headers["Access-Control-Max-Age"] = CORS_MAX_AGE_SECONDS;
    exchange.respond(200, headers, "");
  }

  private respondResult(
    exchange: HttpExchange,
    headers: OutgoingHttpHeaders,
    contentType: RequestContentType,
    result: OperationResult,
    target: Target,
    ctx: ExchangeContext,
  ): void {
    const codec = contentType.kind as Codec;
    switch (result.kind) {
      case "value": {
        let body: Buffer;
        try {
          body = encodePayload(codec, result.value ?? EMPTY_OUTPUT);
        } catch (error) {
          return this.respondThrown(exchange, headers, codec, contentType.mediaType, error, target);
        }
        headers["Content-Type"] = contentType.mediaType;
        return exchange.respond(200, headers, body);
      }
      case "encoded":
        if (result.codec !== codec) {
          const mismatch = new Error(`operation returned a ${result.codec} body to a ${codec} request`);
          return this.respondThrown(exchange, headers, codec, contentType.mediaType, mismatch, target);
        }
        headers["Content-Type"] = contentType.mediaType;
        return exchange.respond(200, headers, result.body);
      case "event-stream":
        headers["Content-Type"] = EVENT_STREAM_CONTENT_TYPE;
        void this.runEventStream(exchange, headers, codec, contentType.mediaType, result.run, target, ctx);
        return;
    }
  }

  private async runEventStream(
    exchange: HttpExchange,
    headers: OutgoingHttpHeaders,
    codec: Codec,
    mediaType: string,
    run: (sink: EventStreamWriter) => Promise<void>,
    target: Target,
    ctx: ExchangeContext,
  ): Promise<void> {
    if (exchange.closed) return;
    const writer = new EventStreamWriter(exchange.startStreaming(200, headers), codec, mediaType);
    this.eventStreams.add(writer);
    exchange.onClose(() => writer.close());
    try {
      await run(writer);
    } catch (error) {
      if (isAwsError(error)) writer.exception(error.type, error.message);
      else {
        this.logInternal(error, target, ctx.requestId);
        writer.exception("InternalFailureException", INTERNAL_FAILURE_MESSAGE);
      }
    } finally {
      writer.close();
      this.eventStreams.delete(writer);
    }
  }

  private respondThrown(
    exchange: HttpExchange,
    headers: OutgoingHttpHeaders,
    codec: Codec,
    mediaType: string,
    error: unknown,
    target: Target,
  ): void {
    if (error instanceof AwsError) {
      return respondError(exchange, headers, codec, mediaType, error.statusCode, error.type, error.message);
    }
    this.logInternal(error, target, headers["x-amzn-RequestId"] as string);
    respondError(exchange, headers, codec, mediaType, 500, INTERNAL_FAILURE_TYPE, INTERNAL_FAILURE_MESSAGE);
  }

  private logInternal(error: unknown, target: Target, requestId: string): void {
    this.logger.error("operation failed", {
      requestId,
      service: target.service?.name,
      operation: target.operation?.name,
      error,
      cause: error instanceof Error ? error.cause : undefined,
    });
  }
}

const EMPTY_OUTPUT = {};

function respondError(
  exchange: HttpExchange,
  headers: OutgoingHttpHeaders,
  codec: Codec,
  mediaType: string,
  status: number,
  type: string,
  message: string | undefined,
): void {
  headers["x-amzn-ErrorType"] = type;
  headers["Content-Type"] = mediaType;
  const body = message === undefined ? { __type: type } : { __type: type, message };
  exchange.respond(status, headers, encodePayload(codec, body));
}

function respondXml(exchange: HttpExchange, status: number, headers: OutgoingHttpHeaders, type: string, body: string): void {
  headers["x-amzn-ErrorType"] = type;
  exchange.respond(status, headers, body);
}

/** `application/json` is parsed, then refused in Coral's own envelope (as kinesalite records AWS doing). */
function respondPlainJson(exchange: HttpExchange, headers: OutgoingHttpHeaders, body: Buffer): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const valid = typeof parsed === "object" && parsed !== null;
  const type = valid ? "UnknownOperationException" : "SerializationException";
  headers["x-amzn-ErrorType"] = type;
  headers["Content-Type"] = PLAIN_JSON;
  exchange.respond(valid ? 404 : 400, headers, JSON.stringify({ Output: { __type: `com.amazon.coral.service#${type}` }, Version: "1.0" }));
}

// `x-amz-id-2` is 72 random bytes in base64, as AWS sends; drawn from a pool to avoid a syscall per request.
const ID2_BYTES = 72;
const id2Pool = Buffer.allocUnsafe(ID2_BYTES * 128);
let id2Offset = id2Pool.length;

function amzId2(): string {
  if (id2Offset + ID2_BYTES > id2Pool.length) {
    randomFillSync(id2Pool);
    id2Offset = 0;
  }
  const id = id2Pool.toString("base64", id2Offset, id2Offset + ID2_BYTES);
  id2Offset += ID2_BYTES;
  return id;
}

/** RequestContext with a lazily created AbortSignal: most operations never look at it. */
class ExchangeContext implements RequestContext {
  readonly account: string;
  readonly region: string;
  readonly accessKeyId: string | undefined;
  readonly httpVersion: "1.1" | "2";
  private controller: AbortController | undefined;

  constructor(
    private readonly exchange: HttpExchange,
    readonly requestId: string,
    identity: Identity,
    readonly codec: Codec,
    readonly receivedAtMs: number,
  ) {
    this.account = identity.account;
    this.region = identity.region;
    this.accessKeyId = identity.accessKeyId;
    this.httpVersion = exchange.httpVersion;
  }

  get secure(): boolean {
    return this.exchange.secure;
  }

  get sourceIp(): string {
    return this.exchange.remoteAddress;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.exchange.closed) controller.abort();
      else this.exchange.onClose(() => controller.abort());
    }
    return this.controller.signal;
  }
}
