import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Opaque, tamper-evident tokens carrying a small JSON payload (paging NextTokens): AES-256-GCM, so a
 * client can neither read nor forge the position inside.
 */
export class SealedTokenCodec {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("sealed token key must be 32 bytes");
  }

  seal(payload: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url");
  }

  /** The payload, or undefined when the token was not sealed with this key or was altered. */
  open(token: string): unknown {
    const raw = Buffer.from(token, "base64url");
    if (raw.length < 12 + 16 + 2) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
      return JSON.parse(plain.toString("utf8")) as unknown;
    } catch {
      return undefined;
    }
  }
}
