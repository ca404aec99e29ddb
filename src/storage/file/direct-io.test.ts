import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlignedArena, DirectTail, probeDirectIo } from "./direct-io.js";
import { nodeFileSystem as fs } from "./fs-layer.js";

const BLOCK = 4096;
let dir: string;
let direct: boolean;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "tributary-direct-io-"));
  direct = await probeDirectIo(fs, dir, new AlignedArena(BLOCK, 1));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function bytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed * 7 + 1) & 0xff;
  return out;
}

/** Appends runs the way a shard log does and returns what the file must hold. */
async function appendRuns(path: string, tail: DirectTail, arena: AlignedArena, runs: Buffer[][], start = 0): Promise<number> {
  const fd = await fs.open(path, start === 0 ? "w+" : "r+", { dataSync: true, direct });
  let position = start;
  try {
    for (const run of runs) {
      const runBytes = run.reduce((n, b) => n + b.length, 0);
      await tail.write(fs, fd, arena, position, run, runBytes);
      position += runBytes;
    }
  } finally {
    await fs.close(fd);
  }
  return position;
}

describe("direct I/O appends", () => {
  it("finds that this file system takes O_DIRECT writes (ext4 here; tmpfs may not)", () => {
    // Not an assertion on the platform: the rest of this file checks the layout either way.
    expect(typeof direct).toBe("boolean");
  });

  it("rewrites the partial last block with each commit, pads with zeros, and keeps every byte", async () => {
    const arena = new AlignedArena(2 * BLOCK, 2);
    const tail = new DirectTail(true);
    const path = join(dir, "log");
    // Sizes chosen to cross block and chunk boundaries: exactly one block, one past, a run bigger than a chunk.
    const runs = [[bytes(100, 1)], [bytes(3996, 2)], [bytes(1, 3), bytes(BLOCK, 4)], [bytes(3 * BLOCK + 5, 5)], [bytes(7, 6), bytes(9000, 7), bytes(2, 8)]];
    const end = await appendRuns(path, tail, arena, runs);
    const expected = Buffer.concat(runs.flat());
    expect(end).toBe(expected.length);
    const file = await readFile(path);
    expect(file.length).toBe(Math.ceil(end / BLOCK) * BLOCK);
    expect(file.subarray(0, end).equals(expected)).toBe(true);
    expect(file.subarray(end).every((b) => b === 0)).toBe(true);
  });

  it("reads the last partial block back before the first write after a reopen", async () => {
    const arena = new AlignedArena(BLOCK, 1);
    const path = join(dir, "log");
    const first = [[bytes(5000, 9)]];
    const end = await appendRuns(path, new DirectTail(true), arena, first);
    const second = [[bytes(300, 10)], [bytes(5000, 11)]];
    const end2 = await appendRuns(path, new DirectTail(false), arena, second, end);
    const file = await readFile(path);
    expect(file.subarray(0, end2).equals(Buffer.concat([...first.flat(), ...second.flat()]))).toBe(true);
    expect((await stat(path)).size % BLOCK).toBe(0);
  });

  it("makes writers wait for a staging chunk when all are in use", async () => {
    const arena = new AlignedArena(BLOCK, 1);
    const a = await arena.take();
    let got: Buffer | undefined;
    const waiting = arena.take().then((chunk) => (got = chunk));
    await Promise.resolve();
    expect(got).toBeUndefined();
    arena.give(a);
    await waiting;
    expect(got).toBe(a);
  });
});
