/**
 * Put-to-delivery latency: one producer puts a record, waits until a consumer (tight GetRecords polling, or
 * a SubscribeToShard event stream) has it, and records the time from sending the put to receiving the
 * record. Measuring from the send (not the acknowledgement) is the stricter figure: it includes the put.
 */
import type { ClientHttp2Stream } from "node:http2";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { callJson, encodeRequest, RawConnection } from "../lib/raw-http.js";
import { summarize } from "../lib/stats.js";
import { openSession, requestHeaders } from "./http2-client.js";
import type { DeliveryJob, LatencyResult } from "./jobs.js";
import { countRecords, nextShardIterator, putRecordBody } from "./payloads.js";

const DELIVERY_WARMUP_RECORDS = 20;
const DELIVERY_TIMEOUT_MS = 10_000;
const POLL_LIMIT_RECORDS = 1000;

/** Hands each delivered record to the one put waiting for it. */
class DeliveryTracker {
  private waiting: ((at: number) => void) | undefined;
  stray = 0;

  expect(): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no delivery within ${DELIVERY_TIMEOUT_MS} ms`)), DELIVERY_TIMEOUT_MS);
      this.waiting = (at) => {
        clearTimeout(timer);
        resolve(at);
      };
    });
  }

  delivered(records: number): void {
    const at = performance.now();
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting === undefined || records !== 1) this.stray += waiting === undefined ? records : records - 1;
    waiting?.(at);
  }
}

async function produce(job: DeliveryJob, tracker: DeliveryTracker): Promise<LatencyResult> {
  const producer = await RawConnection.open(job.port);
  const requests = Array.from({ length: 64 }, (_, i) => encodeRequest(job.port, "PutRecord", putRecordBody(job.streamName, 100, i, "0")));
  const samplesMs: number[] = [];
  for (let i = 0; i < DELIVERY_WARMUP_RECORDS + job.records; i++) {
    const delivered = tracker.expect();
    const started = performance.now();
    const ack = await producer.request(requests[i % requests.length]!);
    if (ack.status !== 200) throw new Error(`PutRecord answered ${ack.status}`);
    const at = await delivered;
    if (i >= DELIVERY_WARMUP_RECORDS) samplesMs.push(at - started);
  }
  producer.close();
  if (tracker.stray > 0) throw new Error(`${tracker.stray} records arrived that were not put by this job`);
  return { kind: "latency", latency: summarize(samplesMs) };
}

export async function runDeliveryPoll(job: DeliveryJob): Promise<LatencyResult> {
  const first = (await callJson(job.port, "GetShardIterator", { StreamName: job.streamName, ShardId: job.shardId, ShardIteratorType: "LATEST" })) as { ShardIterator: string };
  const tracker = new DeliveryTracker();
  const poller = await RawConnection.open(job.port);
  let done = false;
  const polling = (async () => {
    let iterator: string | undefined = first.ShardIterator;
    while (!done && iterator !== undefined) {
      const response = await poller.request(encodeRequest(job.port, "GetRecords", JSON.stringify({ ShardIterator: iterator, Limit: POLL_LIMIT_RECORDS })), true);
      if (response.status !== 200) throw new Error(`GetRecords answered ${response.status}: ${response.body.toString("utf8", 0, 300)}`);
      const count = countRecords(response.body);
      if (count > 0) tracker.delivered(count);
      iterator = nextShardIterator(response.body);
    }
  })();
  try {
    return await Promise.race([produce(job, tracker), polling.then(() => Promise.reject(new Error("polling ended early")))]);
  } finally {
    done = true;
    await polling.catch(() => undefined);
    poller.close();
  }
}

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"),
  (text) => Buffer.from(text, "utf8"),
);

export async function runDeliverySubscribe(job: DeliveryJob): Promise<LatencyResult> {
  if (job.consumerArn === undefined) throw new Error("SubscribeToShard needs a consumer ARN");
  const session = await openSession(job.port);
  const body = Buffer.from(JSON.stringify({ ConsumerARN: job.consumerArn, ShardId: job.shardId, StartingPosition: { Type: "LATEST" } }));
  const stream = session.request(requestHeaders("SubscribeToShard", body.length));
  stream.end(body);
  const tracker = new DeliveryTracker();
  try {
    await readEvents(stream, tracker);
    return await produce(job, tracker);
  } finally {
    stream.close();
    session.close();
  }
}

/** Resolves once the subscription is established (initial-response); afterwards feeds the tracker. */
function readEvents(stream: ClientHttp2Stream, tracker: DeliveryTracker): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending: Buffer = Buffer.alloc(0);
    stream.on("response", (headers) => {
      if (headers[":status"] !== 200) reject(new Error(`SubscribeToShard answered ${String(headers[":status"])}`));
    });
    stream.on("error", reject);
    stream.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const totalBytes = pending.readUInt32BE(0);
        if (pending.length < totalBytes) break;
        const message = codec.decode(pending.subarray(0, totalBytes));
        pending = pending.subarray(totalBytes);
        const kind = message.headers[":event-type"]?.value ?? message.headers[":exception-type"]?.value;
        if (kind === "initial-response") resolve();
        else if (kind === "SubscribeToShardEvent") {
          const event = JSON.parse(Buffer.from(message.body).toString("utf8")) as { Records: unknown[] };
          if (event.Records.length > 0) tracker.delivered(event.Records.length);
        } else reject(new Error(`SubscribeToShard sent ${String(kind)}: ${Buffer.from(message.body).toString("utf8")}`));
      }
    });
  });
}
