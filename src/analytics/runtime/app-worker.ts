/**
 * The worker thread of one running application: it compiles the SQL, decodes record batches into rows
 * (decoding here keeps the main thread free for the API and I/O, and JSON.parse is most of the CPU cost
 * per record), pushes them into the engine with ROWTIME = arrival time, advances engine time on ticks,
 * and sends each output's rows back already serialized.
 *
 * Shards are read independently, so batches from different shards arrive out of arrival-time order.
 * Decoded rows wait in a buffer until the main thread's watermark (a time no later record can precede)
 * passes them, and enter the engine merged in arrival order: every row's ROWTIME is its own arrival
 * time, whatever the order the shards were read in. A batch is acknowledged once all its rows entered
 * the engine and their output was sent, which is what lets the main thread commit its shard offset.
 */
import { parentPort } from "node:worker_threads";
import {
  APPROXIMATE_ARRIVAL_TIME_COLUMN,
  compileApplication,
  SHARD_ID_COLUMN,
  withImplicitSourceColumns,
  type ColumnDescriptor,
  type CompiledApplication,
} from "../sql/engine.js";
import { compileDecoder, DecodeError, type RowDecoder } from "./record-decoder.js";
import { compileEncoder, type RowEncoder } from "./record-encoder.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("app-worker must run in a worker thread");

/** Rows of one in-application stream that arrived at one time, in record order. */
interface Segment {
  arrivalMs: number;
  stream: string;
  rows: unknown[][];
}

interface PendingBatch {
  batchId: number;
  lastArrivalMs: number;
  rows: number;
}

let app: CompiledApplication | undefined;
let decoders: RowDecoder[] = [];
/** Per input: the row slots of the implicit APPROXIMATE_ARRIVAL_TIME and SHARD_ID columns (-1: configured by the user instead). */
let implicitSlots: { arrival: number; shard: number }[] = [];
let inAppStreams: string[][] = [];
let pending: string[][] = [];
let errorsSinceAck = 0;
let buffered: Segment[] = [];
let batches: PendingBatch[] = [];

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function init(message: Extract<ToWorker, { type: "init" }>): void {
  const columnsOf = message.inputs.map((input) => withImplicitSourceColumns(input.columns.map((c): ColumnDescriptor => ({ name: c.name, type: c.sqlType }))));
  const implicitSlot = (columns: ColumnDescriptor[], name: string) => columns.findIndex((c) => c.hidden === true && c.name === name);
  implicitSlots = columnsOf.map((columns) => ({ arrival: implicitSlot(columns, APPROXIMATE_ARRIVAL_TIME_COLUMN), shard: implicitSlot(columns, SHARD_ID_COLUMN) }));
  const compiled = compileApplication(
    message.code,
    message.inputs.flatMap((input, i) => input.inAppStreams.map((name) => ({ name, columns: columnsOf[i]! }))),
    message.references.map((r) => ({ name: r.name, columns: r.columns.map((c) => ({ name: c.name, type: c.sqlType })), rows: r.rows })),
    { startTimeMs: message.startTimeMs },
  );
  // Rows are decoded with room for the implicit columns and ROWTIME, so they never grow afterwards.
  decoders = message.inputs.map((input, i) => compileDecoder(input.format, input.columns, columnsOf[i]!.length - input.columns.length + 1));
  inAppStreams = message.inputs.map((input) => input.inAppStreams);
  const descriptions = new Map(compiled.streams.map((s) => [s.name, s]));
  pending = message.outputs.map(() => []);
  message.outputs.forEach((output, index) => {
    const stream = descriptions.get(output.inAppStream);
    if (!stream) throw new Error(`Output stream "${output.inAppStream}" is not defined by the application code`);
    const encode: RowEncoder = compileEncoder(output.format, stream.columns);
    const queue = pending[index]!;
    compiled.onOutput(output.inAppStream, (rows) => {
      for (const row of rows) queue.push(encode(row));
    });
  });
  compiled.onOutput("error_stream", (rows) => {
    errorsSinceAck += rows.length;
  });
  app = compiled;
}

function flushOutputs(): void {
  pending.forEach((queue, output) => {
    if (queue.length === 0) return;
    const text = queue.join("");
    const bytes = Buffer.from(text, "utf8");
    const ends = new Int32Array(queue.length);
    let end = 0;
    if (bytes.length === text.length) for (let i = 0; i < queue.length; i++) ends[i] = end += queue[i]!.length;
    else for (let i = 0; i < queue.length; i++) ends[i] = end += Buffer.byteLength(queue[i]!, "utf8");
    queue.length = 0;
    const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    post({ type: "output", output, data, ends }, [data, ends.buffer as ArrayBuffer]);
  });
}

/** Pushes buffered rows that arrived at or before `watermarkMs`, in arrival order; acknowledges completed batches. */
function release(watermarkMs: number): void {
  const engine = app!;
  let ready: Segment[];
  if (buffered.length > 0 && buffered[buffered.length - 1]!.arrivalMs <= watermarkMs && isSorted(buffered)) {
    ready = buffered;
    buffered = [];
  } else {
    ready = buffered.filter((s) => s.arrivalMs <= watermarkMs);
    if (ready.length > 0) buffered = buffered.filter((s) => s.arrivalMs > watermarkMs);
    ready.sort((a, b) => a.arrivalMs - b.arrivalMs);
  }
  for (const segment of ready) engine.push(segment.stream, segment.rows, segment.arrivalMs);
  flushOutputs();
  if (batches.length === 0) return;
  const done = batches.filter((b) => b.lastArrivalMs <= watermarkMs);
  if (done.length === 0) return;
  batches = done.length === batches.length ? [] : batches.filter((b) => b.lastArrivalMs > watermarkMs);
  for (const b of done) {
    post({ type: "ack", batchId: b.batchId, rows: b.rows, errors: errorsSinceAck });
    errorsSinceAck = 0;
  }
}

function isSorted(segments: readonly Segment[]): boolean {
  for (let i = 1; i < segments.length; i++) if (segments[i]!.arrivalMs < segments[i - 1]!.arrivalMs) return false;
  return true;
}

function records(message: Extract<ToWorker, { type: "records" }>): void {
  const engine = app!;
  const decode = decoders[message.input]!;
  const stream = inAppStreams[message.input]![message.stream]!;
  const { arrival: arrivalSlot, shard: shardSlot } = implicitSlots[message.input]!;
  const shardId = message.shardId;
  const data = Buffer.from(message.data);
  // One UTF-8 decode of the whole batch, then slices (which V8 makes without copying), instead of one decode
  // call per record. Byte offsets are character offsets only when every byte is ASCII, which is the usual case.
  const whole = data.toString("utf8");
  const ascii = whole.length === data.length;
  const { ends, arrivals } = message;
  let segment: Segment | undefined;
  let count = 0;
  let start = 0;
  let lastArrivalMs = -Infinity;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!;
    const arrivalMs = arrivals[i]!;
    lastArrivalMs = Math.max(lastArrivalMs, arrivalMs);
    try {
      const decoded = decode(ascii ? whole.slice(start, end) : data.toString("utf8", start, end));
      if (decoded.length > 0) {
        if (!segment || segment.arrivalMs !== arrivalMs) {
          segment = { arrivalMs, stream, rows: [] };
          buffered.push(segment);
        }
        for (const row of decoded) {
          if (arrivalSlot >= 0) row[arrivalSlot] = arrivalMs;
          if (shardSlot >= 0) row[shardSlot] = shardId;
          segment.rows.push(row);
        }
        count += decoded.length;
      }
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      engine.reportInputError(stream, error.errorName, error.message, data.subarray(start, end), arrivalMs);
    }
    start = end;
  }
  batches.push({ batchId: message.batchId, lastArrivalMs, rows: count });
  release(message.watermarkMs);
}

port.on("message", (message: ToWorker) => {
  try {
    switch (message.type) {
      case "init":
        try {
          init(message);
        } catch (error) {
          post({ type: "init-failed", message: error instanceof Error ? error.message : String(error) });
          return;
        }
        post({ type: "ready" });
        return;
      case "records":
        records(message);
        return;
      case "tick":
        release(message.nowMs);
        app?.advanceTime(message.nowMs);
        flushOutputs();
        return;
      case "drain":
        release(Infinity);
        post({ type: "drained", token: message.token });
        return;
    }
  } catch (error) {
    post({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
