/**
 * The body-hashing worker (see body-hasher.ts): takes jobs in submission order, writes each body's
 * SHA-256 into its slot, marks the slot done and wakes whoever waits on it; sleeps on the submitted
 * count when there is nothing to do.
 */
import { hash } from "node:crypto";
import { workerData } from "node:worker_threads";
import { DIGEST_BYTES, DONE, LENGTH_WORD, OFFSET_WORD, slotOf, stateIndex, SUBMITTED, type BodyHashWorkerData } from "./body-hash-layout.js";

const data = workerData as BodyHashWorkerData;
const control = new Int32Array(data.control);
const arena = new Uint8Array(data.arena);
const digests = new Uint8Array(data.digests);

let done = 0;
for (;;) {
  const submitted = Atomics.load(control, SUBMITTED);
  if (submitted === done) {
    Atomics.wait(control, SUBMITTED, submitted);
    continue;
  }
  while (done !== submitted) {
    const slot = slotOf(done, data.slots);
    const at = stateIndex(slot);
    const offset = control[at + OFFSET_WORD] as number;
    const length = control[at + LENGTH_WORD] as number;
    digests.set(hash("sha256", arena.subarray(offset, offset + length), "buffer"), DIGEST_BYTES * slot);
    Atomics.store(control, at, DONE);
    Atomics.notify(control, at);
    done = (done + 1) | 0;
  }
}
