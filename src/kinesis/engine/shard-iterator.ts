import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from "node:crypto";
import { aes256Key, gcmNonces } from "../../core/sealed-token.js";

/**
 * Shard iterators are opaque, tamper-evident tokens: AES-256-GCM over the stream's identity (name and
 * creation time, so a re-created stream invalidates old iterators), the shard, the position and the
 * issue time. The key is kept in the metadata store so iterators survive a restart.
 */
export interface IteratorPosition {
  account: string;
  region: string;
  streamName: string;
  streamCreatedMs: number;
  shardId: string;
  /** Next log offset to read. */
  offset: number;
  issuedMs: number;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FIXED_BYTES = 24; // issuedMs, offset, streamCreatedMs as 64-bit numbers
/**
 * Tokens this process issued, with their positions: a consumer presents the iterator it was just given,
 * so most decodes skip the AES-GCM open. Only tokens sealed here enter, so a hit is as authentic as a
 * successful open. Cleared wholesale when full.
 */
const ISSUED_CACHE_ENTRIES_MAX = 8192;

export class ShardIteratorCodec {
  private readonly key: KeyObject;
  private readonly issued = new Map<string, IteratorPosition>();
  private lastNamesKey = "";
  private lastNames: Buffer = Buffer.alloc(0);

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error("shard iterator key must be 32 bytes");
    this.key = aes256Key(key);
  }

  static randomKey(): Buffer {
    return randomBytes(32);
  }

  encode(position: IteratorPosition): string {
    const namesKey = position.account + "/" + position.region + "/" + position.streamName + "/" + position.shardId;
    if (namesKey !== this.lastNamesKey) {
      this.lastNames = Buffer.from(namesKey, "utf8");
      this.lastNamesKey = namesKey;
    }
    const names = this.lastNames;
    const plain = Buffer.allocUnsafe(FIXED_BYTES + names.length);
    plain.writeDoubleBE(position.issuedMs, 0);
    plain.writeDoubleBE(position.offset, 8);
    plain.writeDoubleBE(position.streamCreatedMs, 16);
    names.copy(plain, FIXED_BYTES);
    // One output buffer: version, nonce, ciphertext, tag.
    const out = Buffer.allocUnsafe(1 + IV_BYTES + plain.length + TAG_BYTES);
    out[0] = VERSION;
    gcmNonces.writeNext(out, 1);
    const cipher = createCipheriv("aes-256-gcm", this.key, out.subarray(1, 1 + IV_BYTES));
    const body = cipher.update(plain);
    body.copy(out, 1 + IV_BYTES);
    cipher.final(); // GCM emits nothing more; the tag follows
    cipher.getAuthTag().copy(out, 1 + IV_BYTES + body.length);
    const token = out.toString("base64");
    if (this.issued.size >= ISSUED_CACHE_ENTRIES_MAX) this.issued.clear();
    this.issued.set(token, { ...position });
    return token;
  }

  /** Returns undefined when the token was not issued by this server or was altered. */
  decode(token: string): IteratorPosition | undefined {
    const known = this.issued.get(token);
    if (known !== undefined) return { ...known };
    const raw = Buffer.from(token, "base64");
    if (raw.length < 1 + IV_BYTES + FIXED_BYTES + TAG_BYTES || raw[0] !== VERSION) return undefined;
    try {
      const iv = raw.subarray(1, 1 + IV_BYTES);
      const tag = raw.subarray(raw.length - TAG_BYTES);
      const decipher = createDecipheriv("aes-256-gcm", this.key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      const [account, region, streamName, shardId] = plain.subarray(FIXED_BYTES).toString("utf8").split("/");
      if (account === undefined || region === undefined || streamName === undefined || shardId === undefined) return undefined;
      return {
        issuedMs: plain.readDoubleBE(0),
        offset: plain.readDoubleBE(8),
        streamCreatedMs: plain.readDoubleBE(16),
        account,
        region,
        streamName,
        shardId,
      };
    } catch {
      return undefined;
    }
  }
}
