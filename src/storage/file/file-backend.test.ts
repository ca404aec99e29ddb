import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../core/clock.js";
import { silentLogger } from "../../core/log.js";
import { runBackendSuite } from "../backend-suite.js";
import { createFileBackend } from "./file-backend.js";

// Every read path: the default tail cache, a one-slab cache that keeps being recycled, and disk only.
// With fsync always, appends use O_DIRECT where the file system allows it, or the page cache with O_DSYNC.
for (const [label, tailCacheBytesMax, fsync, directIo] of [
  ["file", undefined, { kind: "always" }, true],
  ["file, fsync always without O_DIRECT, reads from disk only", 0, { kind: "always" }, false],
  ["file, 1 MiB tail cache, fsync interval", 1024 * 1024, { kind: "interval", intervalMs: 5 }, true],
  ["file, reads from disk only, fsync never", 0, { kind: "never" }, true],
] as const) {
  runBackendSuite({
    name: label,
    async open() {
      const dataDir = await mkdtemp(join(tmpdir(), "tributary-file-backend-"));
      const open = () =>
        createFileBackend({ dataDir, fsync, segmentBytesMax: 4096, logger: silentLogger, clock: systemClock, tailCacheBytesMax, directIo });
      return { backend: await open(), reopen: open, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
    },
  });
}
