import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../core/clock.js";
import { silentLogger } from "../../core/log.js";
import { runBackendSuite } from "../backend-suite.js";
import { createFileBackend } from "./file-backend.js";

runBackendSuite({
  name: "file",
  async open() {
    const dataDir = await mkdtemp(join(tmpdir(), "tributary-file-backend-"));
    const open = () => createFileBackend({ dataDir, fsync: { kind: "always" }, segmentBytesMax: 4096, logger: silentLogger, clock: systemClock });
    return { backend: await open(), reopen: open, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
  },
});
