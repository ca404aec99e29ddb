/** What the orchestrator asks the load generator to do, and what it answers (JSON over argv/stdout). */
import type { LatencySummary } from "../lib/stats.js";

/**
 * Both HTTP/2 transports use the raw client (bench/lib/raw-http2.ts). `http2` is what the Kinesis JS SDK v3
 * does by default: `disableConcurrentStreams: true`, so every request opens its own connection (Node's
 * default windows, SETTINGS MAX_CONCURRENT_STREAMS 1, the request sent without waiting for the server's
 * SETTINGS, GOAWAY on the response, closed after it). `http2-shared` multiplexes all callers as concurrent
 * streams on one connection whose client windows are 1 MiB per stream and 8 MiB per connection.
 * `http2-per-caller` keeps one connection per caller open and sends its requests one at a time (Node's
 * default client windows): HTTP/1.1 keep-alive's shape over HTTP/2, its like-for-like comparison.
 * `http1` uses one keep-alive connection per caller; `http1-per-request` opens a connection for every
 * request and closes it after the response: `http2`'s shape over HTTP/1.1, its like-for-like baseline.
 */
export type Transport = "http1" | "http1-per-request" | "http2" | "http2-shared" | "http2-per-caller";

export interface PutJob {
  kind: "put";
  port: number;
  transport: Transport;
  streamName: string;
  recordBytes: number;
  recordsPerRequest: number;
  callers: number;
  warmupSeconds: number;
  seconds: number;
  /** Stops early once this many record payload bytes were written (the bulk write before the RSS check). */
  payloadBytesMax?: number;
}

export interface DrainJob {
  kind: "drain";
  port: number;
  streamName: string;
  shardIds: string[];
  limit: number;
}

export interface PutLatencyJob {
  kind: "put-latency";
  port: number;
  streamName: string;
  calls: number;
}

export interface DeliveryJob {
  kind: "delivery-poll" | "delivery-subscribe";
  port: number;
  streamName: string;
  /** The records are put with ExplicitHashKey 0, so they land on the stream's first shard. */
  shardId: string;
  /** Only for SubscribeToShard. */
  consumerArn?: string;
  records: number;
}

export type LoadJob = PutJob | DrainJob | PutLatencyJob | DeliveryJob;

export interface ThroughputResult {
  kind: "throughput";
  requests: number;
  records: number;
  /** Record payload bytes (not counting base64 or JSON). */
  payloadBytes: number;
  seconds: number;
  failedRecords: number;
  /** The load generator's own CPU use (user + system) over the job, in percent of one core. */
  clientCpuPercent: number;
}

export interface LatencyResult {
  kind: "latency";
  latency: LatencySummary;
}

export type LoadResult = ThroughputResult | LatencyResult;
