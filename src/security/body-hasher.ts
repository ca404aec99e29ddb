/**
 * SHA-256 of request bodies on a helper thread, started as soon as a body is complete so that it runs
 * while the event loop decodes that body; `authenticate` then only collects the digest.
 *
 * Why: SigV4 signs the body's hash, and for a 89 KB PutRecords that hash is ~45 us of native work, the
 * bulk of what verification costs. On the event loop it adds directly to every request's time. Here the
 * event loop pays a copy into shared memory (~3 us) and a wake-up of the worker, and nothing more
 * when the digest is ready by the time it is needed (decoding takes longer than hashing).
 *
 * How: one worker thread (body-hash-worker.ts) and three SharedArrayBuffers (body-hash-layout.ts): a
 * byte arena (a ring: bodies are copied in submission order and freed in the same order, as the worker
 * takes them in order), a digest per job slot, and control words. The worker sleeps on the submitted
 * count with `Atomics.wait`.
 *
 * When a digest is needed before it is ready, the event loop never yields: a request kept waiting keeps
 * its decoded records alive through more young-generation collections, which cost more than the hash.
 * If the worker has not started on the body, the event loop takes the job over and hashes it itself;
 * if the worker is hashing it, the event loop blocks until it is done (tens of microseconds).
 *
 * Small bodies (hashing them costs less than handing them over), bodies larger than a quarter of the
 * arena, and bodies arriving while the arena or the slots are full are hashed on the event loop, when
 * their digest is first asked for. If the worker fails, every job in flight is hashed on the event
 * loop and so is everything after.
 */
import { hash } from "node:crypto";
import type { Worker } from "node:worker_threads";
import type { Logger } from "../core/log.js";
import { startModuleWorker } from "../core/module-worker.js";
import type { BodyHashJob } from "../server/protocol/sigv4-form.js";
import {
  DIGEST_BYTES,
  DONE,
  HASHING,
  LENGTH_WORD,
  OFFSET_WORD,
  PASSED,
  PENDING,
  slotOf,
  stateIndex,
  SUBMITTED,
  TAKEN,
  type BodyHashWorkerData,
} from "./body-hash-layout.js";

export interface BodyHasherOptions {
  /** Bodies below this are hashed on the event loop: the hand-over (~8 us) costs more than their hash. */
  offloadBytesMin?: number;
  /** Shared arena for bodies in flight; touched pages stay resident, so this bounds the memory it uses. */
  arenaBytes?: number;
  /** Jobs in flight at most; a power of two (slots are numbered by a wrapping 32-bit count). */
  slots?: number;
  logger?: Logger;
  /** The worker's module (tests point it elsewhere to see the hasher survive a worker that fails). */
  workerModule?: URL;
}

const OFFLOAD_BYTES_MIN_DEFAULT = 32 * 1024;
const ARENA_BYTES_DEFAULT = 4 * 1024 * 1024;
const SLOTS_DEFAULT = 64;
/** How long the event loop waits for a body the worker is hashing before hashing it too (1 MiB takes ~0.5 ms). */
const HASHING_WAIT_MS_MAX = 2;

/** A job whose digest is computed on the event loop, when first asked for. */
class InlineJob implements BodyHashJob {
  private digest: string | undefined;

  constructor(private readonly body: Uint8Array) {}

  hex(): string {
    this.digest ??= hash("sha256", this.body, "hex");
    return this.digest;
  }
}

/** A job handed to the worker. */
class OffloadedJob implements BodyHashJob {
  /** Set when the hasher collects the finished job (in submission order). */
  digest: string | undefined;

  constructor(
    private readonly hasher: BodyHasher,
    /** The job's number (the submitted count before it, a wrapping int32). */
    readonly sequence: number,
    readonly slot: number,
    readonly offset: number,
    readonly length: number,
  ) {}

  hex(): string {
    return this.digest ?? this.hasher.finish(this);
  }
}

export class BodyHasher {
  private readonly offloadBytesMin: number;
  private readonly slots: number;
  private readonly logger: Logger | undefined;
  private readonly workerModule: URL;
  private readonly control: Int32Array<SharedArrayBuffer>;
  private readonly arena: Uint8Array<SharedArrayBuffer>;
  private readonly digests: Uint8Array<SharedArrayBuffer>;
  private worker: Worker | undefined;
  private failed = false;
  private offloadedCount = 0;
  private inlineCount = 0;
  private takenCount = 0;
  private submitted = 0;
  /** Jobs handed over and not yet collected, oldest first. */
  private readonly inFlight: OffloadedJob[] = [];
  /** The arena ring: bytes [tail, head) are in flight (wrapping at the end). */
  private head = 0;
  private tail = 0;

  constructor(options: BodyHasherOptions = {}) {
    this.offloadBytesMin = options.offloadBytesMin ?? OFFLOAD_BYTES_MIN_DEFAULT;
    this.slots = options.slots ?? SLOTS_DEFAULT;
    if (!Number.isInteger(this.slots) || this.slots < 1 || (this.slots & (this.slots - 1)) !== 0) throw new RangeError(`slots must be a power of two, not ${this.slots}`);
    this.logger = options.logger;
    this.workerModule = options.workerModule ?? new URL("./body-hash-worker.js", import.meta.url);
    this.control = new Int32Array(new SharedArrayBuffer(4 * stateIndex(this.slots)));
    this.arena = new Uint8Array(new SharedArrayBuffer(options.arenaBytes ?? ARENA_BYTES_DEFAULT));
    this.digests = new Uint8Array(new SharedArrayBuffer(DIGEST_BYTES * this.slots));
  }

  /** Starts hashing `body`; it is copied, so the caller may reuse its memory at once. */
  start(body: Uint8Array): BodyHashJob {
    if (this.failed || body.length < this.offloadBytesMin || body.length > this.arena.length / 4) return this.inline(body);
    this.collect();
    if (this.inFlight.length >= this.slots) return this.inline(body);
    const offset = this.reserve(body.length);
    if (offset === undefined) return this.inline(body);
    this.offloadedCount++;
    this.arena.set(body, offset);
    const slot = slotOf(this.submitted, this.slots);
    const job = new OffloadedJob(this, this.submitted, slot, offset, body.length);
    const at = stateIndex(slot);
    this.control[at + OFFSET_WORD] = offset;
    this.control[at + LENGTH_WORD] = body.length;
    Atomics.store(this.control, at, PENDING);
    this.inFlight.push(job);
    this.submitted = (this.submitted + 1) | 0;
    Atomics.store(this.control, SUBMITTED, this.submitted);
    this.ensureWorker();
    // A futex wake (6-8 us here) when the worker sleeps; nearly free when it is still hashing. Letting
    // it poll instead saved the wake but cost more of the other core than the hashing itself.
    Atomics.notify(this.control, SUBMITTED, 1);
    return job;
  }

  /** Handed-over bodies whose slot is not free yet (their digest not collected, or the worker not past them). */
  get inFlightCount(): number {
    this.collect();
    return this.inFlight.length;
  }

  /** Bodies handed to the worker, bodies hashed on the event loop, and handed-over bodies it took back. */
  get counts(): { offloaded: number; inline: number; taken: number } {
    return { offloaded: this.offloadedCount, inline: this.inlineCount, taken: this.takenCount };
  }

  private inline(body: Uint8Array): BodyHashJob {
    this.inlineCount++;
    return new InlineJob(body);
  }

  /** The digest of a job that was not collected yet: the worker's if it is done or doing it, else our own. */
  finish(job: OffloadedJob): string {
    this.collect();
    if (job.digest !== undefined) return job.digest;
    const at = stateIndex(job.slot);
    if (Atomics.compareExchange(this.control, at, PENDING, TAKEN) === PENDING) {
      // The worker has not started on it (it was not scheduled yet): hashing here is quicker than waiting.
      this.takenCount++;
      return (job.digest = this.hashInArena(job));
    }
    Atomics.wait(this.control, at, HASHING, HASHING_WAIT_MS_MAX);
    this.collect();
    // Still not done: the worker was stopped mid-hash; its answer, if it comes, is the same.
    return (job.digest ??= this.hashInArena(job));
  }

  /** Stops the worker; jobs still in flight are finished on the event loop. */
  async close(): Promise<void> {
    this.failed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
    this.finishInline();
  }

  /**
   * Takes the digests of finished jobs, oldest first, freeing their slots and arena bytes. A job the
   * event loop took over is freed once the worker has gone past it (until then it may still look at
   * the slot).
   */
  private collect(): void {
    const passed = Atomics.load(this.control, PASSED);
    while (this.inFlight.length > 0) {
      const job = this.inFlight[0] as OffloadedJob;
      const state = Atomics.load(this.control, stateIndex(job.slot));
      if (state === DONE) {
        job.digest ??= Buffer.from(this.digests.buffer, DIGEST_BYTES * job.slot, DIGEST_BYTES).toString("hex");
      } else if (state !== TAKEN || ((passed - job.sequence) | 0) <= 0) {
        return;
      }
      this.inFlight.shift();
      this.tail = job.offset + job.length;
    }
    // Nothing in flight: the ring starts over at the front, so large bodies find room.
    this.head = 0;
    this.tail = 0;
  }

  private hashInArena(job: OffloadedJob): string {
    return hash("sha256", this.arena.subarray(job.offset, job.offset + job.length), "hex");
  }

  /** Where `length` contiguous bytes are free in the ring, or undefined when they are not. */
  private reserve(length: number): number | undefined {
    if (this.inFlight.length === 0) {
      this.head = length;
      this.tail = 0;
      return 0;
    }
    if (this.head >= this.tail) {
      // Free: [0, tail) and [head, end). The front first, as soon as it has room: the ring then stays
      // within the few bodies in flight, whose memory is still in the caches, instead of cycling
      // through the whole arena (a copy into memory not cached costs three times as much).
      if (this.tail > length) {
        this.head = length;
        return 0;
      }
      if (this.arena.length - this.head >= length) {
        const at = this.head;
        this.head += length;
        return at;
      }
      return undefined;
    }
    // Wrapped: free is [head, tail); keep one byte between so that head === tail only when empty.
    if (this.tail - this.head > length) {
      const at = this.head;
      this.head += length;
      return at;
    }
    return undefined;
  }

  private ensureWorker(): void {
    if (this.worker !== undefined) return;
    const workerData: BodyHashWorkerData = { control: this.control.buffer, arena: this.arena.buffer, digests: this.digests.buffer, slots: this.slots };
    const worker = startModuleWorker(this.workerModule, { workerData });
    // The worker never keeps the process alive: nothing waits on it asynchronously.
    worker.unref();
    worker.once("error", (error) => this.fail(worker, error));
    worker.once("exit", (code) => this.fail(worker, new Error(`body hash worker exited with code ${code}`)));
    this.worker = worker;
  }

  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failed = true;
    this.logger?.warn("body hash worker stopped; hashing request bodies on the event loop", { error: error.message });
    this.finishInline();
  }

  /** Hashes every job still in flight here; with no worker left, the ring is empty again. */
  private finishInline(): void {
    for (const job of this.inFlight) job.digest ??= this.hashInArena(job);
    this.inFlight.length = 0;
    this.head = 0;
    this.tail = 0;
  }
}
