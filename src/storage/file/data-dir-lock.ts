import * as fs from "node:fs/promises";
import { join } from "node:path";
import { errnoCode } from "./fs-layer.js";

const LOCK_FILE = "LOCK";

/**
 * An exclusive claim on a data directory: a file created with O_EXCL holding the owner's pid. A lock
 * left by a process that no longer exists (a crash) is taken over; a live owner's is refused, so two
 * servers never write one directory.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(path, "wx");
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return () => fs.rm(path, { force: true });
    } catch (err) {
      if (errnoCode(err) !== "EEXIST") throw err;
    }
    const owner = Number.parseInt(await fs.readFile(path, "utf8").catch(() => ""), 10);
    if (Number.isSafeInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new Error(`data directory ${dataDir} is in use by process ${owner} (lock file ${path})`);
    }
    await fs.rm(path, { force: true });
  }
  throw new Error(`could not lock data directory ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return errnoCode(err) === "EPERM";
  }
}
