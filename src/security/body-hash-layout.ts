/**
 * The shared memory between BodyHasher (event loop) and its worker (body-hash-worker.ts): control words
 * of an Int32Array, a byte arena for bodies and a digest per job slot.
 *
 * Control words: [SUBMITTED] counts jobs submitted and [PASSED] jobs the worker has gone past (both
 * wrapping int32s); slot s has three words from `stateIndex(s)`: its state, the body's offset in the
 * arena and its length. Jobs are numbered by the submitted count; job n uses slot n mod slots (a power
 * of two, so the numbering survives the counts' wrap).
 *
 * A job's state goes PENDING -> HASHING -> DONE when the worker hashes it, or PENDING -> TAKEN when the
 * event loop needs the digest before the worker has started on it and hashes the body itself; the
 * worker then skips it. Both moves out of PENDING are compare-and-swaps, so exactly one side hashes.
 */
export const SUBMITTED = 0;
export const PASSED = 1;
export const SLOT_WORDS = 3;
export const stateIndex = (slot: number): number => 2 + SLOT_WORDS * slot;
export const OFFSET_WORD = 1;
export const LENGTH_WORD = 2;
export const PENDING = 1;
export const HASHING = 2;
export const DONE = 3;
export const TAKEN = 4;
export const DIGEST_BYTES = 32;

/** Slot of the job numbered `count` (a wrapping int32). */
export const slotOf = (count: number, slots: number): number => (count >>> 0) % slots;

/** What the worker is started with. */
export interface BodyHashWorkerData {
  control: SharedArrayBuffer;
  arena: SharedArrayBuffer;
  digests: SharedArrayBuffer;
  slots: number;
}
