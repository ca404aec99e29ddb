import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from "node:crypto";

const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/**
 * AES-GCM nonces without a random draw per token: a random 96-bit starting point, then a counter in its
 * low 64 bits. GCM only needs nonces never to repeat under one key; a counter never repeats within the
 * process, and a fresh random start per process keeps restarts (the key is persisted) apart. Every
 * codec of the process draws from this one source, so codecs sharing a key cannot collide either.
 */
class GcmNonceSource {
  private readonly state = randomBytes(GCM_IV_BYTES);

  /** Writes the next nonce at `at`. */
  writeNext(target: Buffer, at: number): void {
    const state = this.state;
    // Increment the low 64 bits as two 32-bit halves (wrapping after 2^64 nonces, far beyond a process's life).
    let low = state.readUInt32BE(8) + 1;
    if (low > 0xffffffff) {
      low = 0;
      state.writeUInt32BE((state.readUInt32BE(4) + 1) >>> 0, 4);
    }
    state.writeUInt32BE(low, 8);
    state.copy(target, at, 0, GCM_IV_BYTES);
  }
}

export const gcmNonces = new GcmNonceSource();

/** An AES-256 key as a KeyObject, made once (createCipheriv would otherwise import the raw key per call). */
export function aes256Key(key: Buffer): KeyObject {
  if (key.length !== 32) throw new Error("AES-256 key must be 32 bytes");
  return createSecretKey(key);
}

/**
 * Opaque, tamper-evident tokens carrying a small JSON payload (paging NextTokens): AES-256-GCM, so a
 * client can neither read nor forge the position inside.
 */
export class SealedTokenCodec {
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error("sealed token key must be 32 bytes");
    this.key = aes256Key(key);
  }

  seal(payload: unknown): string {
    const plain = Buffer.from(JSON.stringify(payload), "utf8");
    const out = Buffer.allocUnsafe(GCM_IV_BYTES + plain.length + GCM_TAG_BYTES);
    gcmNonces.writeNext(out, 0);
    const cipher = createCipheriv("aes-256-gcm", this.key, out.subarray(0, GCM_IV_BYTES));
    const body = cipher.update(plain);
    body.copy(out, GCM_IV_BYTES);
    const rest = cipher.final(); // empty for GCM, but part of the contract
    rest.copy(out, GCM_IV_BYTES + body.length);
    cipher.getAuthTag().copy(out, GCM_IV_BYTES + body.length + rest.length);
    return out.toString("base64url");
  }

  /** The payload, or undefined when the token was not sealed with this key or was altered. */
  open(token: string): unknown {
    const raw = Buffer.from(token, "base64url");
    if (raw.length < GCM_IV_BYTES + GCM_TAG_BYTES + 2) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, GCM_IV_BYTES));
      decipher.setAuthTag(raw.subarray(raw.length - GCM_TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(GCM_IV_BYTES, raw.length - GCM_TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString("utf8")) as unknown;
    } catch {
      return undefined;
    }
  }
}
