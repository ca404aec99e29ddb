/**
 * The master key wraps every at-rest data key. It comes from `TRIBUTARY_MASTER_KEY` (base64 or hex),
 * from `--master-key-file`, or, when neither is given, from `<data-dir>/master.key`, generated on first
 * start with mode 0600. A generated key next to the data protects against copies of the logs alone,
 * not against someone who can read the whole data directory: give a key from elsewhere for that.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../core/log.js";

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE_NAME = "master.key";

export class MasterKeyError extends Error {
  override name = "MasterKeyError";
}

/** Accepts 32 raw bytes, or base64 / hex text of them (surrounding whitespace ignored). */
export function decodeMasterKey(content: Buffer | string, where: string): Buffer {
  const raw = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  if (raw.length === MASTER_KEY_BYTES && typeof content !== "string") return raw;
  const text = raw.toString("utf8").trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, "base64");
  throw new MasterKeyError(`${where} must hold a 32-byte key: 64 hex digits or 44 base64 characters`);
}

export interface MasterKeySource {
  value: string | undefined;
  file: string | undefined;
  /** Where a generated key is kept; undefined keeps it in memory only (memory storage). */
  dataDir: string | undefined;
  logger: Logger;
}

export async function loadMasterKey(source: MasterKeySource): Promise<Buffer> {
  if (source.value !== undefined) return decodeMasterKey(source.value, "TRIBUTARY_MASTER_KEY");
  if (source.file !== undefined) {
    let content: Buffer;
    try {
      content = await readFile(source.file);
    } catch (error) {
      throw new MasterKeyError(`cannot read master key file ${source.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return decodeMasterKey(content, `master key file ${source.file}`);
  }
  if (source.dataDir === undefined) return randomBytes(MASTER_KEY_BYTES);
  const path = join(source.dataDir, MASTER_KEY_FILE_NAME);
  try {
    return decodeMasterKey(await readFile(path), `master key file ${path}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = randomBytes(MASTER_KEY_BYTES);
  await writeFile(path, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  source.logger.warn("generated an at-rest master key inside the data directory; anyone who can read that directory can decrypt it (see docs/security.md)", { path });
  return key;
}
