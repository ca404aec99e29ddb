/** Throughput jobs (PutRecords over HTTP/1.1 or HTTP/2, GetRecords drain) and single-caller PutRecord latency. */
import { callJson, encodeRequest, RawConnection } from "../lib/raw-http.js";
import { summarize } from "../lib/stats.js";
import { encodeH2Request, NODE_DEFAULT_SESSION, RawH2Connection, SHARED_SESSION } from "../lib/raw-http2.js";
import type { DrainJob, LatencyResult, PutJob, PutLatencyJob, ThroughputResult } from "./jobs.js";
import { countRecords, failedRecordCount, nextShardIterator, putRecordBody, putRecordsBody } from "./payloads.js";

const PUT_LATENCY_WARMUP_CALLS = 50;
const PUT_LATENCY_DISTINCT_BODIES = 64;

/** Sends one request and answers the raw response body. */
type Send = () => Promise<{ status: number; body: Buffer }>;

export async function runPut(job: PutJob): Promise<ThroughputResult> {
  const body = putRecordsBody(job.streamName, job.recordBytes, job.recordsPerRequest);
  const senders = await openSenders(job, body);
  const started = performance.now();
  const measureFrom = started + job.warmupSeconds * 1000;
  const stopAt = measureFrom + job.seconds * 1000;
  let requests = 0;
  let failedRecords = 0;
  let lastDone = measureFrom;
  const bytesPerRequest = job.recordsPerRequest * job.recordBytes;
  const payloadBytesMax = job.payloadBytesMax ?? Number.POSITIVE_INFINITY;
  await Promise.all(
    senders.send.map(async (send) => {
      while (performance.now() < stopAt && requests * bytesPerRequest < payloadBytesMax) {
        const response = await send();
        if (response.status !== 200) throw new Error(`PutRecords answered ${response.status}: ${response.body.toString("utf8", 0, 300)}`);
        const done = performance.now();
        if (done < measureFrom) continue;
        requests++;
        failedRecords += failedRecordCount(response.body);
        lastDone = done;
      }
    }),
  );
  senders.close();
  const records = requests * job.recordsPerRequest - failedRecords;
  return { kind: "throughput", requests, records, payloadBytes: records * job.recordBytes, seconds: (lastDone - measureFrom) / 1000, failedRecords, clientCpuPercent: 0 };
}

async function openSenders(job: PutJob, body: Buffer): Promise<{ send: Send[]; close(): void }> {
  if (job.transport === "http2-shared") {
    // One connection, the callers' requests as concurrent streams; each caller owns a copy of the encoded
    // request because the stream id is patched into it per send.
    const connection = await RawH2Connection.open(job.port, SHARED_SESSION);
    const request = encodeH2Request(job.port, "PutRecords", body);
    return {
      send: Array.from({ length: job.callers }, () => {
        const own = request.copy();
        return () => connection.request(own, true);
      }),
      close: () => connection.close(),
    };
  }
  if (job.transport === "http2-per-caller") {
    // HTTP/1.1 keep-alive's shape: a connection per caller, kept open, one request at a time on it.
    // Client windows are Node's defaults (`http2.connect` without options); only small responses flow back.
    const request = encodeH2Request(job.port, "PutRecords", body);
    const connections = await Promise.all(Array.from({ length: job.callers }, () => RawH2Connection.open(job.port, NODE_DEFAULT_SESSION)));
    return {
      send: connections.map((connection) => {
        const own = request.copy();
        return () => connection.request(own, true);
      }),
      close: () => connections.forEach((c) => c.close()),
    };
  }
  if (job.transport === "http2") {
    // The Kinesis JS SDK v3's default (disableConcurrentStreams): a fresh connection for every request.
    const request = encodeH2Request(job.port, "PutRecords", body);
    return {
      send: Array.from({ length: job.callers }, () => {
        const own = request.copy();
        return () => RawH2Connection.oneShot(job.port, own, true);
      }),
      close: () => undefined,
    };
  }
  const bytes = encodeRequest(job.port, "PutRecords", body);
  if (job.transport === "http1-per-request") {
    const send: Send = async () => {
      const connection = await RawConnection.open(job.port);
      try {
        return await connection.request(bytes, true);
      } finally {
        connection.close();
      }
    };
    return { send: Array.from({ length: job.callers }, () => send), close: () => undefined };
  }
  const connections = await Promise.all(Array.from({ length: job.callers }, () => RawConnection.open(job.port)));
  return {
    send: connections.map((c) => () => c.request(bytes, true)),
    close: () => connections.forEach((c) => c.close()),
  };
}

export async function runDrain(job: DrainJob): Promise<ThroughputResult> {
  let requests = 0;
  let records = 0;
  const started = performance.now();
  await Promise.all(
    job.shardIds.map(async (shardId) => {
      const first = (await callJson(job.port, "GetShardIterator", { StreamName: job.streamName, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" })) as { ShardIterator: string };
      const connection = await RawConnection.open(job.port);
      let iterator: string | undefined = first.ShardIterator;
      while (iterator !== undefined) {
        const response = await connection.request(encodeRequest(job.port, "GetRecords", JSON.stringify({ ShardIterator: iterator, Limit: job.limit })), true);
        if (response.status !== 200) throw new Error(`GetRecords answered ${response.status}: ${response.body.toString("utf8", 0, 300)}`);
        requests++;
        const count = countRecords(response.body);
        if (count === 0) break;
        records += count;
        iterator = nextShardIterator(response.body);
      }
      connection.close();
    }),
  );
  return { kind: "throughput", requests, records, payloadBytes: 0, seconds: (performance.now() - started) / 1000, failedRecords: 0, clientCpuPercent: 0 };
}

export async function runPutLatency(job: PutLatencyJob): Promise<LatencyResult> {
  const requests = Array.from({ length: PUT_LATENCY_DISTINCT_BODIES }, (_, i) => encodeRequest(job.port, "PutRecord", putRecordBody(job.streamName, 100, i)));
  const connection = await RawConnection.open(job.port);
  const samplesMs: number[] = [];
  for (let i = 0; i < PUT_LATENCY_WARMUP_CALLS + job.calls; i++) {
    const started = performance.now();
    const response = await connection.request(requests[i % requests.length]!);
    const elapsedMs = performance.now() - started;
    if (response.status !== 200) throw new Error(`PutRecord answered ${response.status}`);
    if (i >= PUT_LATENCY_WARMUP_CALLS) samplesMs.push(elapsedMs);
  }
  connection.close();
  return { kind: "latency", latency: summarize(samplesMs) };
}
