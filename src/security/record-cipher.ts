/**
 * Encryption at rest for KMS-encrypted streams (envelope encryption, as KMS-backed services do it):
 *
 * - Each KMS key gets data keys (random 256-bit), each wrapped with AES-256-GCM under a key-encryption
 *   key derived from the master key and the KMS key's ARN (HKDF-SHA256), and kept in the metadata
 *   store so records stay readable after a restart. A data key is replaced after DATA_KEY_RECORDS_MAX
 *   records and on every start.
 * - Each record is sealed alone with AES-256-GCM under its data key: stored data is
 *   `nonce (12) | ciphertext of [u16 partition-key bytes | partition key | data] | tag (16)`, and the
 *   stored partition key is empty, since AWS encrypts the partition key too.
 * - The record's frame flags carry bit 0 (KMS) and the data key's number in bits 8-31, so a reader
 *   finds the key without any lookup table. Number 0 means "flagged but not sealed" (records written
 *   without a cipher), and such records are returned as they are.
 */
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes, randomFillSync, type KeyObject } from "node:crypto";
import { DATA_KEY_RECORDS_MAX } from "../core/limits.js";
import type { Logger } from "../core/log.js";
import type { RecordCipher, RecordSealer } from "../kinesis/engine/engine-options.js";
import type { MetadataStore } from "../storage/types.js";
import { AWS_MANAGED_KINESIS_ALIAS, type KeyRegistry } from "./kms-keys.js";

export const DATA_KEYS_COLLECTION = "security-data-keys";
const RECORD_FLAG_KMS = 1;
const DATA_KEY_SHIFT = 256; // bits 8..31 of the flags
const DATA_KEY_NUMBER_MAX = 2 ** 24 - 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const PARTITION_KEY_LENGTH_BYTES = 2;
const KEK_SALT = Buffer.from("tributary/at-rest/v1", "utf8");
const ALGORITHM = "aes-256-gcm";

interface StoredDataKey {
  keyArn: string;
  /** base64 of nonce | wrapped key | tag */
  wrapped: string;
}

interface ActiveDataKey {
  number: number;
  key: KeyObject;
  used: number;
}

// Nonces come from a pooled random buffer: one getrandom call per 1024 records.
const NONCE_POOL_RECORDS = 1024;
const noncePool = Buffer.allocUnsafe(NONCE_BYTES * NONCE_POOL_RECORDS);
let nonceOffset = noncePool.length;

function nextNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const nonce = noncePool.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

function dataKeyAad(number: number, keyArn: string): Buffer {
  return Buffer.from(`data-key/${number}/${keyArn}`, "utf8");
}

export class AtRestCipher implements RecordCipher {
  /** Every data key ever made, by number (reads may need any of them). */
  private readonly keys = new Map<number, KeyObject>();
  /** The data key new records of a KMS key are sealed with. */
  private readonly active = new Map<string, ActiveDataKey>();
  private readonly creating = new Map<string, Promise<ActiveDataKey>>();
  private nextNumber = 1;

  private constructor(
    private readonly masterKey: Buffer,
    private readonly registry: KeyRegistry,
    private readonly metadata: MetadataStore,
    private readonly logger: Logger,
  ) {}

  static async open(options: { masterKey: Buffer; registry: KeyRegistry; metadata: MetadataStore; logger: Logger }): Promise<AtRestCipher> {
    const cipher = new AtRestCipher(options.masterKey, options.registry, options.metadata, options.logger);
    for (const entry of await options.metadata.list<StoredDataKey>(DATA_KEYS_COLLECTION)) {
      const number = Number(entry.key);
      cipher.keys.set(number, cipher.unwrap(number, entry.value));
      cipher.nextNumber = Math.max(cipher.nextNumber, number + 1);
    }
    return cipher;
  }

  checkKey(account: string, region: string, keyId: string): void {
    this.registry.usable(account, region, keyId);
  }

  async sealer(stream: { account: string; region: string; keyId?: string | undefined }): Promise<RecordSealer> {
    const { keyArn } = this.registry.usable(stream.account, stream.region, stream.keyId ?? AWS_MANAGED_KINESIS_ALIAS);
    let dataKey = this.active.get(keyArn);
    if (dataKey === undefined || dataKey.used >= DATA_KEY_RECORDS_MAX) dataKey = await this.newDataKey(keyArn);
    const active = dataKey;
    const flags = RECORD_FLAG_KMS + active.number * DATA_KEY_SHIFT;
    return {
      seal(record) {
        active.used++;
        const key = Buffer.from(record.partitionKey, "utf8");
        const header = Buffer.allocUnsafe(PARTITION_KEY_LENGTH_BYTES);
        header.writeUInt16BE(key.length, 0);
        const nonce = nextNonce();
        const cipher = createCipheriv(ALGORITHM, active.key, nonce);
        const out = Buffer.allocUnsafe(NONCE_BYTES + PARTITION_KEY_LENGTH_BYTES + key.length + record.data.length + TAG_BYTES);
        nonce.copy(out, 0);
        let at = NONCE_BYTES;
        at += cipher.update(header).copy(out, at);
        at += cipher.update(key).copy(out, at);
        at += cipher.update(record.data).copy(out, at);
        at += cipher.final().copy(out, at);
        cipher.getAuthTag().copy(out, at);
        return { partitionKey: "", explicitHashKey: record.explicitHashKey, data: out, flags };
      },
    };
  }

  open(record: { partitionKey: string; data: Uint8Array; flags: number }): { partitionKey: string; data: Uint8Array } {
    const number = Math.floor(record.flags / DATA_KEY_SHIFT);
    if (number === 0) return record;
    const key = this.keys.get(number);
    if (key === undefined) throw new Error(`at-rest data key ${number} is unknown (metadata lost or another master key?)`);
    const sealed = Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength);
    const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    const keyBytes = plain.readUInt16BE(0);
    const dataStart = PARTITION_KEY_LENGTH_BYTES + keyBytes;
    return { partitionKey: plain.toString("utf8", PARTITION_KEY_LENGTH_BYTES, dataStart), data: plain.subarray(dataStart) };
  }

  private kek(keyArn: string): Buffer {
    return Buffer.from(hkdfSync("sha256", this.masterKey, KEK_SALT, Buffer.from(keyArn, "utf8"), KEY_BYTES));
  }

  private unwrap(number: number, stored: StoredDataKey): KeyObject {
    const sealed = Buffer.from(stored.wrapped, "base64");
    const decipher = createDecipheriv(ALGORITHM, this.kek(stored.keyArn), sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(dataKeyAad(number, stored.keyArn));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return createSecretKey(Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]));
    } catch {
      throw new Error(`cannot unwrap at-rest data key ${number}: the master key differs from the one it was made with`);
    }
  }

  private newDataKey(keyArn: string): Promise<ActiveDataKey> {
    let pending = this.creating.get(keyArn);
    if (pending === undefined) {
      pending = this.createDataKey(keyArn).finally(() => this.creating.delete(keyArn));
      this.creating.set(keyArn, pending);
    }
    return pending;
  }

  private async createDataKey(keyArn: string): Promise<ActiveDataKey> {
    const number = this.nextNumber++;
    if (number > DATA_KEY_NUMBER_MAX) throw new Error("at-rest data key numbers exhausted");
    const plain = randomBytes(KEY_BYTES);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.kek(keyArn), nonce);
    cipher.setAAD(dataKeyAad(number, keyArn));
    const wrapped = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    await this.metadata.commit([
      { collection: DATA_KEYS_COLLECTION, key: String(number).padStart(8, "0"), value: { keyArn, wrapped: wrapped.toString("base64") } satisfies StoredDataKey, expectedRevision: 0 },
    ]);
    const active: ActiveDataKey = { number, key: createSecretKey(plain), used: 0 };
    plain.fill(0);
    this.keys.set(number, active.key);
    this.active.set(keyArn, active);
    this.logger.info("at-rest data key created", { number, keyArn });
    return active;
  }
}
