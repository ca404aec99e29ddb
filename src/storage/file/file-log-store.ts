import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import type { Logger } from "../../core/log.js";
import type { LogStore, ShardLog, ShardLogKey, StreamLogKey } from "../types.js";
import { StorageError } from "../types.js";
import type { ShardLogContext } from "./file-shard-log.js";
import { FileShardLog, toStorageError } from "./file-shard-log.js";
import { errnoCode, syncDirectory } from "./fs-layer.js";

/** Deleted streams are renamed here first (one atomic step), then removed in the background. */
const TRASH_DIR = ".trash";

/** A name component as a directory name: percent-encoded, and never "." or "..". */
function pathPart(name: string): string {
  const encoded = encodeURIComponent(name);
  return encoded.startsWith(".") ? `%2E${encoded.slice(1)}` : encoded;
}

/** Shard logs under `<logsDir>/<account>/<region>/<stream>/<shard>/`. */
export class FileLogStore implements LogStore {
  private readonly open_ = new Map<string, Promise<FileShardLog>>();
  private readonly deletions = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly logsDir: string,
    private readonly ctx: ShardLogContext,
    private readonly logger: Logger,
  ) {}

  /** Finishes deletions a crash interrupted: whatever is left in the trash. */
  async start(): Promise<void> {
    await this.ctx.fs.mkdir(this.logsDir);
    const trash = join(this.logsDir, TRASH_DIR);
    const leftovers = await this.ctx.fs.readdir(trash).catch(() => [] as string[]);
    for (const name of leftovers) this.deleteInBackground(join(trash, name));
  }

  private streamDir(key: StreamLogKey): string {
    return join(this.logsDir, pathPart(key.account), pathPart(key.region), pathPart(key.streamName));
  }

  open(key: ShardLogKey): Promise<ShardLog> {
    if (this.closed) return Promise.reject(new StorageError("closed", "log store is closed"));
    const dir = join(this.streamDir(key), pathPart(key.shardId));
    let log = this.open_.get(dir);
    if (!log) {
      log = FileShardLog.open({ ...key }, dir, this.ctx, () => {
        if (this.open_.get(dir) === log) this.open_.delete(dir);
      });
      const opening = log;
      opening.catch(() => {
        if (this.open_.get(dir) === opening) this.open_.delete(dir);
      });
      this.open_.set(dir, log);
    }
    return log.catch((err: unknown) => {
      throw toStorageError(err, "could not open shard log");
    });
  }

  async removeStream(key: StreamLogKey): Promise<void> {
    if (this.closed) throw new StorageError("closed", "log store is closed");
    const dir = this.streamDir(key);
    const prefix = dir + "/";
    for (const [path, log] of [...this.open_]) {
      if (path.startsWith(prefix)) await (await log.catch(() => undefined))?.close();
    }
    const trash = join(this.logsDir, TRASH_DIR);
    const target = join(trash, `${Date.now()}-${randomBytes(6).toString("hex")}`);
    try {
      await this.ctx.fs.mkdir(trash);
      await this.ctx.fs.rename(dir, target);
    } catch (err) {
      if (errnoCode(err) === "ENOENT") return;
      throw toStorageError(err, "could not remove stream logs");
    }
    // Once the rename is durable the stream is gone, whatever happens to the background deletion.
    if (this.ctx.fsync.kind !== "never") {
      await syncDirectory(this.ctx.fs, dirname(dir)).catch(() => undefined);
      await syncDirectory(this.ctx.fs, trash).catch(() => undefined);
    }
    this.deleteInBackground(target);
  }

  private deleteInBackground(path: string): void {
    const deletion = this.ctx.fs
      .rmTree(path)
      .catch((err: unknown) => this.logger.warn("could not delete removed stream logs; retried at next start", { path, error: err }))
      .finally(() => this.deletions.delete(deletion));
    this.deletions.add(deletion);
  }

  async close(): Promise<void> {
    this.closed = true;
    const logs = await Promise.all([...this.open_.values()].map((l) => l.catch(() => undefined)));
    await Promise.all(logs.map((l) => l?.close()));
    await Promise.all([...this.deletions]);
  }
}
