import { hash, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../core/log.js";
import { BodyHasher } from "./body-hasher.js";

const sha256 = (data: Uint8Array): string => hash("sha256", data, "hex");

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("BodyHasher", () => {
  const hashers: BodyHasher[] = [];
  const make = (options: ConstructorParameters<typeof BodyHasher>[0] = {}): BodyHasher => {
    const hasher = new BodyHasher(options);
    hashers.push(hasher);
    return hasher;
  };
  afterEach(async () => {
    await Promise.all(hashers.splice(0).map((h) => h.close()));
  });

  it("gives every body's SHA-256, below, at and above the offload size and beyond the arena's quarter", async () => {
    const hasher = make({ offloadBytesMin: 1024, arenaBytes: 64 * 1024 });
    const sizes = [0, 1, 1023, 1024, 1025, 16 * 1024, 16 * 1024 + 1, 40_000];
    const bodies = sizes.map((n) => randomBytes(n));
    const jobs = bodies.map((b) => hasher.start(b));
    expect(jobs.map((j) => j.hex())).toEqual(bodies.map(sha256));
    // Below 1024 bytes, and above 16 KiB (a quarter of the arena): on the event loop.
    expect(hasher.counts).toMatchObject({ offloaded: 3, inline: 5 });
  });

  it("lets the worker hash what it has time for, and takes back what it has not started", async () => {
    const hasher = make({ offloadBytesMin: 16 });
    const first = randomBytes(50_000);
    // Taken back at once: the worker is still starting.
    expect(hasher.start(first).hex()).toBe(sha256(first));
    expect(hasher.counts.taken).toBe(1);
    const second = randomBytes(50_000);
    const job = hasher.start(second);
    await until(() => hasher.inFlightCount === 0);
    expect(job.hex()).toBe(sha256(second));
    expect(hasher.counts).toEqual({ offloaded: 2, inline: 0, taken: 1 });
  });

  it("copies the body: it may be reused as soon as start returns", async () => {
    const hasher = make({ offloadBytesMin: 16 });
    const body = randomBytes(4096);
    const expected = sha256(body);
    const job = hasher.start(body);
    body.fill(0);
    expect(job.hex()).toBe(expected);
  });

  it("stays right with many jobs in flight: the ring wraps, full slots and a full arena fall back to the event loop", async () => {
    const hasher = make({ offloadBytesMin: 16, arenaBytes: 32 * 1024, slots: 4 });
    // Once the worker runs (taken-back jobs keep their slots until it has gone past them).
    hasher.start(randomBytes(100));
    await until(() => hasher.inFlightCount === 0);
    for (let round = 0; round < 20; round++) {
      const bodies = Array.from({ length: 9 }, (_, i) => randomBytes(1000 + ((round * 9 + i) * 997) % 7000));
      const jobs = bodies.map((b) => hasher.start(b));
      // Collected out of order, as requests finish decoding out of order.
      const order = jobs.map((_, i) => i).reverse();
      const digests = order.map((i) => jobs[i]!.hex());
      expect(digests).toEqual(order.map((i) => sha256(bodies[i]!)));
    }
    const { offloaded, inline } = hasher.counts;
    // How many find a free slot and room in the arena depends on how far the worker got (a job taken
    // back keeps its slot until the worker has gone past it); what matters is that every digest is right.
    expect(offloaded - 1).toBeGreaterThan(0);
    expect(offloaded - 1 + inline).toBe(20 * 9);
    await until(() => hasher.inFlightCount === 0);
  });

  it("finishes jobs in flight on the event loop when closed, and hashes there afterwards", async () => {
    const hasher = make({ offloadBytesMin: 16 });
    const bodies = Array.from({ length: 16 }, () => randomBytes(50_000));
    const jobs = bodies.map((b) => hasher.start(b));
    await hasher.close();
    expect(jobs.map((j) => j.hex())).toEqual(bodies.map(sha256));
    const after = randomBytes(50_000);
    expect(hasher.start(after).hex()).toBe(sha256(after));
  });

  it("hashes on the event loop when the worker fails, including the jobs it had", async () => {
    const warnings: string[] = [];
    const logger = createLogger("warn", (line) => warnings.push((JSON.parse(line) as { msg: string }).msg));
    const hasher = make({ offloadBytesMin: 16, logger, workerModule: new URL("./no-such-worker.js", import.meta.url) });
    const bodies = Array.from({ length: 6 }, () => randomBytes(10_000));
    const jobs = bodies.map((b) => hasher.start(b));
    expect(jobs.map((j) => j.hex())).toEqual(bodies.map(sha256));
    await until(() => warnings.length > 0);
    expect(warnings).toEqual(["body hash worker stopped; hashing request bodies on the event loop"]);
    const after = randomBytes(10_000);
    expect(hasher.start(after).hex()).toBe(sha256(after));
    expect(hasher.counts).toMatchObject({ offloaded: 6, inline: 1 });
  });

  it("refuses a slot count that is not a power of two", () => {
    expect(() => new BodyHasher({ slots: 6 })).toThrow(RangeError);
    expect(() => new BodyHasher({ slots: 0 })).toThrow(RangeError);
  });
});
