/**
 * The worker thread of one running application: it compiles the SQL, decodes record batches into rows
 * (decoding here keeps the main thread free for the API and I/O, and JSON.parse is most of the CPU cost
 * per record), pushes them into the engine with ROWTIME = arrival time, advances engine time on ticks,
 * and sends each output's rows back already serialized.
 */
import { parentPort } from "node:worker_threads";
import { compileApplication, type CompiledApplication } from "../sql/engine.js";
import { compileDecoder, DecodeError, type RowDecoder } from "./record-decoder.js";
import { compileEncoder, type RowEncoder } from "./record-encoder.js";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

const port = parentPort;
if (!port) throw new Error("app-worker must run in a worker thread");

let app: CompiledApplication | undefined;
let decoders: RowDecoder[] = [];
let inAppStreams: string[][] = [];
let pending: string[][] = [];
let errorsSinceAck = 0;

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function init(message: Extract<ToWorker, { type: "init" }>): void {
  const compiled = compileApplication(
    message.code,
    message.inputs.flatMap((input) => input.inAppStreams.map((name) => ({ name, columns: input.columns.map((c) => ({ name: c.name, type: c.sqlType })) }))),
    message.references.map((r) => ({ name: r.name, columns: r.columns.map((c) => ({ name: c.name, type: c.sqlType })), rows: r.rows })),
    { startTimeMs: message.startTimeMs },
  );
  decoders = message.inputs.map((input) => compileDecoder(input.format, input.columns));
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
    if (bytes.length === text.length) {
      let end = 0;
      for (let i = 0; i < queue.length; i++) ends[i] = end += queue[i]!.length;
    } else {
      let end = 0;
      for (let i = 0; i < queue.length; i++) ends[i] = end += Buffer.byteLength(queue[i]!, "utf8");
    }
    queue.length = 0;
    const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    post({ type: "output", output, data, ends }, [data, ends.buffer as ArrayBuffer]);
  });
}

function records(message: Extract<ToWorker, { type: "records" }>): void {
  const engine = app!;
  const decode = decoders[message.input]!;
  const stream = inAppStreams[message.input]![message.stream]!;
  const data = Buffer.from(message.data);
  const { ends, arrivals } = message;
  let rows: unknown[][] = [];
  let rowsTime = arrivals.length > 0 ? arrivals[0]! : 0;
  let count = 0;
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i]!;
    const arrival = arrivals[i]!;
    // Rows of one arrival time go in together; a new time flushes what came before so ROWTIME is exact.
    if (arrival !== rowsTime && rows.length > 0) {
      engine.push(stream, rows, rowsTime);
      rows = [];
    }
    rowsTime = arrival;
    try {
      const decoded = decode(data.toString("utf8", start, end));
      for (const row of decoded) rows.push(row);
      count += decoded.length;
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      if (rows.length > 0) {
        engine.push(stream, rows, rowsTime);
        rows = [];
      }
      engine.reportInputError(stream, error.errorName, error.message, data.subarray(start, end), arrival);
    }
    start = end;
  }
  if (rows.length > 0) engine.push(stream, rows, rowsTime);
  flushOutputs();
  post({ type: "ack", batchId: message.batchId, rows: count, errors: errorsSinceAck });
  errorsSinceAck = 0;
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
        app?.advanceTime(message.nowMs);
        flushOutputs();
        return;
      case "drain":
        flushOutputs();
        post({ type: "drained", token: message.token });
        return;
    }
  } catch (error) {
    post({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
