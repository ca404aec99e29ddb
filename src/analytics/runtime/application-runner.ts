/**
 * One running application. The main thread reads the source shards through the streams engine's
 * in-process API (woken by append notifications), posts raw record batches to the application's
 * worker thread, ticks engine time once a second so that windows close without new data, and writes
 * the serialized output rows the worker sends back to the destination streams.
 *
 * Positions: a batch's shard offset is committed only after the worker processed it and every output
 * row it produced was written, so the positions saved for LAST_STOPPED_POINT never skip a record whose
 * results were not delivered; stop() drains everything in flight first, so nothing is read twice either.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Worker } from "node:worker_threads";
import type { StreamRef } from "../../core/arn.js";
import type { Clock } from "../../core/clock.js";
import {
  ANALYTICS_BATCHES_IN_FLIGHT_MAX,
  ANALYTICS_IDLE_WAIT_MS,
  ANALYTICS_OUTPUT_PARTITION_KEYS,
  ANALYTICS_OUTPUT_RETRY_MS,
  ANALYTICS_READ_BYTES_MAX,
  ANALYTICS_READ_RECORDS_MAX,
  ANALYTICS_TICK_MS,
  PUT_RECORDS_ENTRIES_MAX,
} from "../../core/limits.js";
import type { Logger } from "../../core/log.js";
import type { Streams } from "../../kinesis/engine/mod.js";
import { shardIndexOf, type RecordEntry } from "../../kinesis/engine/model.js";
import type { ShardRuntime } from "../../kinesis/engine/shard-runtime.js";
import type { StreamRuntime } from "../../kinesis/engine/stream-runtime.js";
import type { InputPositions, RunSpec, ShardPosition, StartingPosition } from "./run-spec.js";
import { initialPositions, positionsKey, readableShards } from "./shard-positions.js";
import { startAppWorker } from "./worker-host.js";
import type { FromWorker, ToWorker, WorkerReferenceTable } from "./worker-protocol.js";

/** Output records' partition keys, "0" to "255", made once rather than once per record. */
const OUTPUT_PARTITION_KEYS: readonly string[] = Array.from({ length: ANALYTICS_OUTPUT_PARTITION_KEYS }, (_, i) => String(i));

export interface RunnerDeps {
  streams: Streams;
  clock: Clock;
  logger: Logger;
}

export interface RunnerStart {
  spec: RunSpec;
  references: WorkerReferenceTable[];
  position: StartingPosition;
  saved: InputPositions | undefined;
  /** Persists positions (called on each tick when they moved, and at stop). */
  savePositions(positions: InputPositions): Promise<void>;
  /** The application failed at run time (worker crash); the runner has stopped. */
  onFailure(message: string): void;
}

/** The application's code or configuration was rejected by the worker at start. */
export class ApplicationStartError extends Error {
  override name = "ApplicationStartError";
}

interface ShardReader {
  shard: ShardRuntime;
  position: ShardPosition;
  /** Offset up to which batches were processed and their output written. */
  committed: number;
  /** True while the reader is caught up and waiting for an append. */
  idle: boolean;
  /** Engine time this reader can vouch for: no record it will read later arrived before it. */
  safeMs: number;
  /** Batches posted and not yet acknowledged; each reader has its own allowance, so a shard with a backlog cannot starve the others (whose progress the watermark waits for). */
  inFlight: number;
  wakeCredit: (() => void) | undefined;
  /** Called when the reader's last unacknowledged batch is acknowledged. */
  wakeSettled: (() => void) | undefined;
  done: Promise<void>;
}

interface SourceState {
  stream: StreamRuntime;
  input: number;
  streamCount: number;
  positions: Map<string, ShardPosition>;
  readers: Map<string, ShardReader>;
}

interface PendingBatch {
  reader: ShardReader;
  nextOffset: number;
  readEnded: boolean;
}

export class ApplicationRunner {
  private readonly worker: Worker;
  private readonly abort = new AbortController();
  private readonly sources: SourceState[] = [];
  private readonly outputs: { stream: StreamRef; tail: Promise<void>; written: number }[];
  private readonly pendingBatches = new Map<number, PendingBatch>();
  private nextBatchId = 1;
  private drainWaiters = new Map<number, () => void>();
  private nextDrainToken = 1;
  private commits: Promise<void> = Promise.resolve();
  private cancelTick: () => void = () => undefined;
  private tickMs = 0;
  private positionsChanged = false;
  private saving: Promise<void> = Promise.resolve();
  private stopping = false;
  private failed = false;
  /** Set once start() succeeded; failures before that reject start() instead. */
  private running = false;
  /** Rows decoded and records sent to error_stream, for logs and the benchmark. */
  readonly counters = { rows: 0, inputErrors: 0, outputRecords: 0 };

  private constructor(
    private readonly deps: RunnerDeps,
    private readonly start: RunnerStart,
  ) {
    this.outputs = start.spec.outputs.map((o) => ({ stream: o.destination, tail: Promise.resolve(), written: 0 }));
    this.worker = startAppWorker();
    this.worker.on("message", (message: FromWorker) => this.onMessage(message));
    this.worker.on("error", (error) => this.fail(`worker error: ${error.message}`));
  }

  static async start(deps: RunnerDeps, start: RunnerStart): Promise<ApplicationRunner> {
    const runner = new ApplicationRunner(deps, start);
    try {
      await runner.init();
    } catch (error) {
      await runner.worker.terminate();
      throw error;
    }
    runner.running = true;
    runner.startReading();
    runner.scheduleTick();
    return runner;
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private async init(): Promise<void> {
    const { spec, references } = this.start;
    // Resolve the sources first: a missing stream is a configuration error at start.
    for (const [index, input] of spec.inputs.entries()) {
      const stream = this.deps.streams.control.stream(input.source);
      const saved = this.start.saved?.[positionsKey(stream)];
      this.sources.push({
        stream,
        input: index,
        streamCount: input.inAppStreams.length,
        positions: initialPositions(this.deps.streams.control, stream, this.start.position, saved),
        readers: new Map(),
      });
    }
    for (const output of spec.outputs) this.deps.streams.control.stream(output.destination);
    const ready = new Promise<void>((resolve, reject) => {
      const onInit = (message: FromWorker) => {
        if (message.type === "ready") resolve();
        else if (message.type === "init-failed") reject(new ApplicationStartError(message.message));
        else return;
        this.worker.off("message", onInit);
      };
      this.worker.on("message", onInit);
      this.worker.once("exit", () => reject(new ApplicationStartError("the application worker exited during start")));
    });
    this.tickMs = this.deps.clock.now();
    this.post({
      type: "init",
      code: spec.code,
      inputs: spec.inputs.map((i) => ({ inAppStreams: i.inAppStreams, format: i.format, columns: i.columns })),
      outputs: spec.outputs.map((o) => ({ inAppStream: o.inAppStream, format: o.format })),
      references,
      startTimeMs: 0,
    });
    await ready;
  }

  // ---------------------------------------------------------------- reading

  private startReading(): void {
    for (const source of this.sources) this.scheduleReaders(source);
  }

  private scheduleReaders(source: SourceState): void {
    if (this.stopping) return;
    const engine = this.deps.streams.control;
    for (const shardId of readableShards(engine, source.stream, source.positions, new Set(source.readers.keys()))) {
      const shard = source.stream.shardsById.get(shardId)!;
      const position = source.positions.get(shardId)!;
      const reader: ShardReader = {
        shard,
        position,
        committed: position.offset,
        idle: false,
        safeMs: 0,
        inFlight: 0,
        wakeCredit: undefined,
        wakeSettled: undefined,
        done: Promise.resolve(),
      };
      source.readers.set(shardId, reader);
      reader.done = this.readLoop(source, reader).catch((error: unknown) => {
        this.deps.logger.error("analytics shard reader failed", { application: this.start.spec.key, shard: shardId, error });
      });
    }
  }

  private async readLoop(source: SourceState, reader: ShardReader): Promise<void> {
    const { streams, clock } = this.deps;
    const signal = this.abort.signal;
    const stream = source.stream;
    const shard = reader.shard;
    const streamIndex = (shardIndexOf(shard.shardId) ?? 0) % source.streamCount;
    const notificationKey = streams.control.notificationKey(stream, shard.shardId);
    while (!signal.aborted) {
      await this.credit(reader);
      if (signal.aborted) return;
      const readStartMs = clock.now();
      const pendingBefore = shard.hasPendingAppends;
      // The stored records themselves: the worker needs data and arrival times, not formatted sequence numbers.
      const result = await streams.records.readShardStored(stream, shard, reader.position.offset, ANALYTICS_READ_RECORDS_MAX, ANALYTICS_READ_BYTES_MAX);
      // A read that finishes after stop began is dropped unposted, so its records are read again next time.
      if (signal.aborted) {
        this.releaseCredit(reader);
        return;
      }
      const records = result.records;
      const ended = result.childShards !== undefined;
      if (records.length > 0) {
        reader.safeMs = records[records.length - 1]!.arrivalMs;
        this.postBatch(source, reader, streamIndex, records, result.nextOffset, ended);
        // Reads from memory settle as microtasks only; yield so API requests are not starved.
        await yieldToEventLoop();
      } else {
        this.releaseCredit(reader);
        if (result.nextOffset !== reader.position.offset) {
          reader.position.offset = result.nextOffset;
          reader.committed = Math.max(reader.committed, result.nextOffset);
          this.positionsChanged = true;
        }
        if (!pendingBefore) reader.safeMs = Math.max(reader.safeMs, readStartMs);
      }
      if (ended) {
        // With records, the batch's acknowledgement finishes the shard; without, wait for the batches still
        // in flight, so the shard counts as done (and its children start) only once all of it was processed.
        if (records.length === 0 && (await this.settled(reader, signal))) this.finishShard(source, reader);
        return;
      }
      if (records.length === 0) {
        reader.idle = true;
        await streams.control.notifier.waitForAppend(notificationKey, ANALYTICS_IDLE_WAIT_MS, signal);
        reader.idle = false;
      }
    }
  }

  private finishShard(source: SourceState, reader: ShardReader): void {
    reader.position.done = true;
    this.positionsChanged = true;
    source.readers.delete(reader.shard.shardId);
    this.scheduleReaders(source);
  }

  private postBatch(source: SourceState, reader: ShardReader, streamIndex: number, records: readonly { data: Uint8Array; arrivalMs: number }[], nextOffset: number, ended: boolean): void {
    let bytes = 0;
    for (const r of records) bytes += r.data.length;
    const data = new Uint8Array(bytes);
    const ends = new Int32Array(records.length);
    const arrivals = new Float64Array(records.length);
    let at = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      data.set(r.data, at);
      at += r.data.length;
      ends[i] = at;
      arrivals[i] = r.arrivalMs;
    }
    const batchId = this.nextBatchId++;
    this.pendingBatches.set(batchId, { reader, nextOffset, readEnded: ended });
    reader.position.offset = nextOffset;
    this.post(
      { type: "records", batchId, input: source.input, stream: streamIndex, shardId: reader.shard.shardId, data: data.buffer, ends, arrivals, watermarkMs: this.watermark() },
      [data.buffer, ends.buffer as ArrayBuffer, arrivals.buffer as ArrayBuffer],
    );
  }

  private credit(reader: ShardReader): Promise<void> {
    if (reader.inFlight < ANALYTICS_BATCHES_IN_FLIGHT_MAX) {
      reader.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      reader.wakeCredit = () => {
        reader.wakeCredit = undefined;
        reader.inFlight += 1;
        resolve();
      };
    });
  }

  private releaseCredit(reader: ShardReader): void {
    reader.inFlight -= 1;
    reader.wakeCredit?.();
    if (reader.inFlight === 0) reader.wakeSettled?.();
  }

  /** Resolves true once no batch of the reader is in flight, or false if the runner stops first. */
  private settled(reader: ShardReader, signal: AbortSignal): Promise<boolean> {
    if (reader.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onAbort = () => resolve(false);
      signal.addEventListener("abort", onAbort, { once: true });
      reader.wakeSettled = () => {
        reader.wakeSettled = undefined;
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      };
    });
  }

  // ---------------------------------------------------------------- worker messages

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case "output":
        this.write(message.output, message.data, message.ends);
        return;
      case "ack":
        this.acknowledge(message.batchId, message.rows, message.errors);
        return;
      case "drained": {
        const done = this.drainWaiters.get(message.token);
        this.drainWaiters.delete(message.token);
        done?.();
        return;
      }
      case "failed":
        this.fail(message.message);
        return;
      default:
        return;
    }
  }

  private acknowledge(batchId: number, rows: number, errors: number): void {
    const batch = this.pendingBatches.get(batchId);
    this.pendingBatches.delete(batchId);
    this.counters.rows += rows;
    this.counters.inputErrors += errors;
    if (!batch) return;
    // Commit once every output row produced so far is written (outputs are written in order).
    const written = Promise.all(this.outputs.map((o) => o.tail));
    this.commits = this.commits.then(async () => {
      await written;
      const reader = batch.reader;
      reader.committed = Math.max(reader.committed, batch.nextOffset);
      this.positionsChanged = true;
      this.releaseCredit(reader);
      if (batch.readEnded) {
        const source = this.sources.find((s) => s.readers.get(reader.shard.shardId) === reader);
        if (source && !this.stopping) this.finishShard(source, reader);
        else reader.position.done = true;
      }
    });
  }

  private write(output: number, buffer: ArrayBuffer, ends: Int32Array): void {
    const target = this.outputs[output];
    if (!target) return;
    const data = new Uint8Array(buffer);
    target.tail = target.tail.then(() => this.writeRecords(target, data, ends));
  }

  private async writeRecords(target: { stream: StreamRef; written: number }, data: Uint8Array, ends: Int32Array): Promise<void> {
    let start = 0;
    for (let first = 0; first < ends.length; first += PUT_RECORDS_ENTRIES_MAX) {
      const last = Math.min(ends.length, first + PUT_RECORDS_ENTRIES_MAX);
      let entries: RecordEntry[] = [];
      for (let i = first; i < last; i++) {
        const end = ends[i]!;
        entries.push({ partitionKey: OUTPUT_PARTITION_KEYS[target.written++ % ANALYTICS_OUTPUT_PARTITION_KEYS]!, data: data.subarray(start, end) });
        start = end;
      }
      // AWS retries failed output writes indefinitely (back-pressure); a stopping application gives up after one retry.
      for (let attempt = 0; entries.length > 0; attempt++) {
        try {
          const stream = this.deps.streams.control.stream(target.stream);
          const results = await this.deps.streams.records.putRecords(stream, entries);
          entries = entries.filter((_, i) => !results[i]!.ok);
          this.counters.outputRecords += results.length - entries.length;
        } catch (error) {
          this.deps.logger.warn("analytics output write failed", { application: this.start.spec.key, stream: target.stream.streamName, error });
        }
        // Writes to the memory backend settle as microtasks only: yield between chunks so a long output
        // queue cannot hold the event loop (and with it every API request) for its whole length.
        await yieldToEventLoop();
        if (entries.length === 0) break;
        if (this.failed || (this.stopping && attempt >= 1)) {
          this.deps.logger.error("analytics output records dropped", { application: this.start.spec.key, stream: target.stream.streamName, count: entries.length });
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, ANALYTICS_OUTPUT_RETRY_MS));
      }
    }
  }

  // ---------------------------------------------------------------- time

  private scheduleTick(): void {
    this.cancelTick = this.deps.clock.setTimer(ANALYTICS_TICK_MS, () => {
      if (this.stopping) return;
      this.tick();
      this.scheduleTick();
    });
  }

  /**
   * Engine time may move to the oldest time every active reader can vouch for: a reader that is caught up,
   * with nothing pending on its shard, vouches for now; one with a backlog for its last record's arrival.
   */
  private watermark(): number {
    const now = this.deps.clock.now();
    let mark = now;
    for (const source of this.sources) {
      for (const reader of source.readers.values()) {
        const quiet = reader.idle && reader.position.offset >= reader.shard.visibleEnd && !reader.shard.hasPendingAppends;
        mark = Math.min(mark, quiet ? now : reader.safeMs);
      }
    }
    return mark;
  }

  private tick(): void {
    const mark = this.watermark();
    if (mark > this.tickMs) {
      this.tickMs = mark;
      this.post({ type: "tick", nowMs: mark });
    }
    if (this.positionsChanged) {
      this.positionsChanged = false;
      const snapshot = this.positions();
      this.saving = this.saving.then(() => this.start.savePositions(snapshot)).catch((error: unknown) => {
        this.deps.logger.error("analytics positions not saved", { application: this.start.spec.key, error });
      });
    }
  }

  /** Committed positions: what a restart at LAST_STOPPED_POINT resumes from. */
  positions(): InputPositions {
    const out: InputPositions = {};
    for (const source of this.sources) {
      const shards: Record<string, ShardPosition> = {};
      for (const [shardId, position] of source.positions) {
        const reader = source.readers.get(shardId);
        const offset = reader ? reader.committed : position.offset;
        shards[shardId] = { offset, done: position.done && offset >= position.offset };
      }
      out[positionsKey(source.stream)] = shards;
    }
    return out;
  }

  // ---------------------------------------------------------------- stop

  private fail(message: string): void {
    // During start, a failure rejects start() instead.
    if (this.failed || this.stopping || !this.running) return;
    this.failed = true;
    this.deps.logger.error("analytics application failed", { application: this.start.spec.key, message });
    this.start.onFailure(message);
  }

  /** Stops reading, lets the worker finish what it was given, writes its output, saves positions. */
  async stop(): Promise<InputPositions> {
    if (this.stopping) throw new Error("runner already stopping");
    this.stopping = true;
    this.cancelTick();
    this.abort.abort();
    for (const source of this.sources) for (const reader of source.readers.values()) reader.wakeCredit?.();
    for (const source of this.sources) await Promise.all([...source.readers.values()].map((r) => r.done));
    if (!this.failed) {
      const token = this.nextDrainToken++;
      const drained = new Promise<void>((resolve) => this.drainWaiters.set(token, resolve));
      this.post({ type: "drain", token });
      await Promise.race([drained, new Promise<void>((resolve) => this.worker.once("exit", () => resolve()))]);
    }
    await this.commits;
    await Promise.all(this.outputs.map((o) => o.tail));
    await this.commits;
    const positions = this.positions();
    await this.saving;
    await this.start.savePositions(positions);
    await this.worker.terminate();
    return positions;
  }
}
