/**
 * The hash constructor `@smithy/signature-v4` asks for (`new Sha256()` for a digest, `new Sha256(key)`
 * for an HMAC), backed by node:crypto so that verifying a signature costs native hashing only.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";

/** What `@smithy/signature-v4` hands to a hash (structurally `@smithy/types`' SourceData). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBytes(data: SourceData): Uint8Array | string {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(this.secret));
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }
}
