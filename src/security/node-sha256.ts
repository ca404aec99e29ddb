/**
 * The hash constructor `@smithy/signature-v4` asks for (`new Sha256()` for a digest, `new Sha256(key)`
 * for an HMAC), backed by node:crypto so that verifying a signature costs native hashing only.
 * A digest of one piece (all smithy asks of it when verifying) is hashed in one call, without a
 * hash object: a third of the cost for the few hundred bytes of a canonical request.
 */
import { createHash, createHmac, hash, type Hash, type Hmac } from "node:crypto";

/** What `@smithy/signature-v4` hands to a hash (structurally `@smithy/types`' SourceData). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBytes(data: SourceData): Uint8Array | string {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

export class NodeSha256 {
  /** HMAC: created with the key. Digest: created only when a second piece arrives. */
  private hash: Hash | Hmac | undefined;
  /** Digest only: the single piece received so far. */
  private piece: Uint8Array | undefined;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh(): Hmac | undefined {
    return this.secret === undefined ? undefined : createHmac("sha256", toBytes(this.secret));
  }

  update(data: Uint8Array): void {
    if (this.hash !== undefined) {
      this.hash.update(data);
    } else if (this.piece === undefined) {
      this.piece = data;
    } else {
      this.hash = createHash("sha256").update(this.piece).update(data);
      this.piece = undefined;
    }
  }

  digest(): Promise<Uint8Array> {
    if (this.hash !== undefined) return Promise.resolve(this.hash.digest());
    return Promise.resolve(hash("sha256", this.piece ?? new Uint8Array(0), "buffer"));
  }

  reset(): void {
    this.hash = this.fresh();
    this.piece = undefined;
  }
}
