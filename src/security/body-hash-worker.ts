/**
 * The body-hashing worker (see body-hasher.ts): takes jobs in submission order, writes each body's
 * SHA-256 into its slot and marks it done (waking an event loop that waits for exactly this job), skips
 * jobs the event loop took over, and sleeps on the submitted count when there is nothing to do.
 */
import { hash } from "node:crypto";
import { workerData } from "node:worker_threads";
import { DIGEST_BYTES, DONE, HASHING, LENGTH_WORD, OFFSET_WORD, PASSED, PENDING, slotOf, stateIndex, SUBMITTED, type BodyHashWorkerData } from "./body-hash-layout.js";

const data = workerData as BodyHashWorkerData;
const control = new Int32Array(data.control);
const arena = new Uint8Array(data.arena);
const digests = new Uint8Array(data.digests);

let passed = 0;
for (;;) {
  const submitted = Atomics.load(control, SUBMITTED);
  if (submitted === passed) {
    Atomics.wait(control, SUBMITTED, submitted);
    continue;
  }
  while (passed !== submitted) {
    const slot = slotOf(passed, data.slots);
    const at = stateIndex(slot);
    if (Atomics.compareExchange(control, at, PENDING, HASHING) === PENDING) {
      const offset = control[at + OFFSET_WORD] as number;
      const length = control[at + LENGTH_WORD] as number;
      digests.set(hash("sha256", arena.subarray(offset, offset + length), "buffer"), DIGEST_BYTES * slot);
      Atomics.store(control, at, DONE);
      Atomics.notify(control, at);
    }
    passed = (passed + 1) | 0;
    Atomics.store(control, PASSED, passed);
  }
}
