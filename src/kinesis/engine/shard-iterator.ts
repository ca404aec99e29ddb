import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

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

export class ShardIteratorCodec {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("shard iterator key must be 32 bytes");
  }

  static randomKey(): Buffer {
    return randomBytes(32);
  }

  encode(position: IteratorPosition): string {
    const names = Buffer.from(
      [position.account, position.region, position.streamName, position.shardId].join("/"),
      "utf8",
    );
    const plain = Buffer.allocUnsafe(FIXED_BYTES + names.length);
    plain.writeDoubleBE(position.issuedMs, 0);
    plain.writeDoubleBE(position.offset, 8);
    plain.writeDoubleBE(position.streamCreatedMs, 16);
    names.copy(plain, FIXED_BYTES);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString("base64");
  }

  /** Returns undefined when the token was not issued by this server or was altered. */
  decode(token: string): IteratorPosition | undefined {
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
