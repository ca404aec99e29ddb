/**
 * The server's wiring: listener (transport), exchanges (HTTP/1.1 and HTTP/2 alike), then routes: the
 * body limit, `GET /health`, extra routes added by other parts (metrics, console), and the AWS RPC
 * protocols for the registered services.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { ServerHttp2Stream } from "node:http2";
import { randomUUID } from "node:crypto";
import { BUFFER_POOL_IDLE_TRIM_MS, REQUEST_BODY_BYTES_MAX } from "../core/limits.js";
import type { Logger } from "../core/log.js";
import { BODY_TOO_LARGE, Http1Exchange, Http2Exchange, type HttpExchange } from "./http-exchange.js";
import { Listener } from "./listener.js";
import { RequestScope, requestBufferPool } from "./request-buffers.js";
import { responseBufferPool } from "./response-buffers.js";
import { AwsRpcProtocol } from "./protocol/aws-rpc.js";
import { formOnlyAuthenticator, type Authenticator } from "./protocol/sigv4-form.js";
import type { Service } from "./service.js";
import { loadTlsMaterial, type TlsOptions } from "./tls-material.js";

export type { Authenticator, AuthRequest, BodyHashJob, Identity, SigV4Form } from "./protocol/sigv4-form.js";
export type { TlsOptions } from "./tls-material.js";

export interface RouteRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Path without the query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RouteResponse {
  status: number;
  headers?: OutgoingHttpHeaders;
  body: string | Buffer;
}

/** A plain HTTP route beside the AWS protocols, such as `GET /metrics` or the console. */
export interface ExtraRoute {
  method: string;
  /** Exact path, or a prefix when `prefix` is true. */
  path: string;
  prefix?: boolean;
  handle(request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

export interface ServerOptions {
  host: string;
  port: number;
  tls?: TlsOptions;
  services: Service[];
  defaultAccount: string;
  defaultRegion: string;
  logger: Logger;
  /** Decides who a request is; defaults to checking SigV4's form only (no signature verification). */
  authenticator?: Authenticator;
  /** Open connections accepted at once (CONNECTIONS_MAX when absent). */
  connectionsMax?: number | undefined;
  extraRoutes?: ExtraRoute[];
}

export interface TributaryServer {
  /** Binds the listener; resolves with the bound address (port 0 picks a free port). */
  start(): Promise<{ host: string; port: number }>;
  /** Closes the listener, every connection, HTTP/2 session and event stream. */
  stop(): Promise<void>;
  /** From now on `GET /health` answers 200 (503 before). */
  markReady(): void;
}

const HEALTH_PATH = "/health";
const HEALTH_READY = JSON.stringify({ status: "ok" });
const HEALTH_STARTING = JSON.stringify({ status: "starting" });

export function createServer(options: ServerOptions): TributaryServer {
  return new Server(options);
}

class Server implements TributaryServer {
  private ready = false;
  private listener: Listener | undefined;
  private readonly protocol: AwsRpcProtocol;
  private readonly extraRoutes: readonly ExtraRoute[];
  private readonly logger: Logger;

  constructor(private readonly options: ServerOptions) {
    this.logger = options.logger;
    this.extraRoutes = options.extraRoutes ?? [];
    this.protocol = new AwsRpcProtocol({
      services: options.services,
      authenticator: options.authenticator ?? formOnlyAuthenticator({ account: options.defaultAccount, region: options.defaultRegion }),
      logger: options.logger,
    });
  }

  markReady(): void {
    this.ready = true;
  }

  async start(): Promise<{ host: string; port: number }> {
    if (this.listener !== undefined) throw new Error("server already started");
    const tlsOptions = this.options.tls;
    const tls = tlsOptions === undefined ? undefined : { ...(await loadTlsMaterial(tlsOptions, this.logger)), requireTls: tlsOptions.requireTls === true };
    this.listener = new Listener({
      host: this.options.host,
      port: this.options.port,
      tls,
      connectionsMax: this.options.connectionsMax,
      logger: this.logger,
      onHttp1Request: (req: IncomingMessage, res: ServerResponse) => this.serve(new Http1Exchange(req, res)),
      onHttp2Stream: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
        stream.on("error", ignoreStreamError);
        this.serve(new Http2Exchange(stream, headers));
      },
    });
    const address = await this.listener.start();
    retainPoolTrimmer();
    this.logger.info("listening", { host: address.address, port: address.port, tls: tls !== undefined });
    return { host: address.address, port: address.port };
  }

  async stop(): Promise<void> {
    const listener = this.listener;
    if (listener === undefined) return;
    this.listener = undefined;
    this.ready = false;
    releasePoolTrimmer();
    this.protocol.closeEventStreams();
    await listener.stop();
  }

  private serve(exchange: HttpExchange): void {
    this.route(exchange).catch((error: unknown) => {
      this.logger.error("request failed outside any operation", { error });
      if (!exchange.closed) exchange.respond(500, {}, "");
    });
  }

  private async route(exchange: HttpExchange): Promise<void> {
    // The request's large buffers (body, decode arena) are pooled; they go back once it is handled.
    const scope = new RequestScope();
    try {
      await this.routeWithin(exchange, scope);
    } finally {
      scope.release();
    }
  }

  private async routeWithin(exchange: HttpExchange, scope: RequestScope): Promise<void> {
    const receivedAtMs = Date.now();
    let body: Buffer | typeof BODY_TOO_LARGE;
    try {
      body = await exchange.readBody(REQUEST_BODY_BYTES_MAX, scope.alloc);
    } catch {
      return; // the client went away mid-body: nobody to answer
    }
    if (body === BODY_TOO_LARGE) {
      // AWS answers an oversized request with a bare 413 (boto3 shows "An error occurred (413)").
      return exchange.respondAndDiscard(413, { "x-amzn-RequestId": randomUUID() }, "");
    }
    const queryAt = exchange.url.indexOf("?");
    const path = queryAt < 0 ? exchange.url : exchange.url.slice(0, queryAt);
    if (path === HEALTH_PATH && exchange.method === "GET") {
      return exchange.respond(this.ready ? 200 : 503, { "Content-Type": "application/json" }, this.ready ? HEALTH_READY : HEALTH_STARTING);
    }
    for (const route of this.extraRoutes) {
      if (route.method !== exchange.method) continue;
      if (route.prefix === true ? !path.startsWith(route.path) : path !== route.path) continue;
      // Extra routes may keep what they are given: they get a body of their own, never a pooled one.
      const own = scope.owns(body) ? Buffer.from(body) : body;
      const response = await route.handle({ method: exchange.method, url: exchange.url, path, headers: exchange.headers, body: own });
      return exchange.respond(response.status, { ...response.headers }, response.body);
    }
    return this.protocol.handle(exchange, body, receivedAtMs, scope.alloc);
  }
}

function ignoreStreamError(): void {}

/**
 * The request and response pools are the process's, so one timer trims them (SizeClassPool.trimIfIdle)
 * while any server runs: a timer per server would shorten the idle period when several run at once.
 */
let poolTrimmer: NodeJS.Timeout | undefined;
let poolTrimmerUsers = 0;

function retainPoolTrimmer(): void {
  if (poolTrimmerUsers++ > 0) return;
  poolTrimmer = setInterval(() => {
    requestBufferPool.trimIfIdle();
    responseBufferPool.trimIfIdle();
  }, BUFFER_POOL_IDLE_TRIM_MS);
  poolTrimmer.unref();
}

function releasePoolTrimmer(): void {
  if (--poolTrimmerUsers > 0) return;
  clearInterval(poolTrimmer);
  poolTrimmer = undefined;
}
