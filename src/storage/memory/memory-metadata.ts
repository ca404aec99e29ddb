import type { MetadataEntry, MetadataMutation, MetadataStore } from "../types.js";
import { MetadataConflictError, StorageError } from "../types.js";

interface StoredEntry {
  /** JSON text, so callers never share mutable objects with the store (same as SQLite). */
  json: string;
  revision: number;
}

/**
 * Metadata in maps. Revisions come from one counter for the whole store (as JetStream KV's stream
 * sequence does), so a key deleted and created again never returns to a revision a caller once saw.
 */
export class MemoryMetadataStore implements MetadataStore {
  private readonly collections = new Map<string, Map<string, StoredEntry>>();
  private lastRevision = 0;
  private closed = false;

  get<T = unknown>(collection: string, key: string): Promise<MetadataEntry<T> | undefined> {
    if (this.closed) return Promise.reject(closedError());
    const entry = this.collections.get(collection)?.get(key);
    return Promise.resolve(entry ? toEntry<T>(key, entry) : undefined);
  }

  list<T = unknown>(collection: string, prefix = ""): Promise<MetadataEntry<T>[]> {
    if (this.closed) return Promise.reject(closedError());
    const entries = this.collections.get(collection);
    if (!entries) return Promise.resolve([]);
    const keys = [...entries.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
    return Promise.resolve(keys.map((k) => toEntry<T>(k, entries.get(k) as StoredEntry)));
  }

  commit(mutations: readonly MetadataMutation[]): Promise<number[]> {
    if (this.closed) return Promise.reject(closedError());
    // Stage against an overlay first so that a conflict anywhere leaves the store untouched.
    const staged = new Map<string, { collection: string; key: string; entry: StoredEntry | undefined }>();
    const revisions: number[] = [];
    let revision = this.lastRevision;
    try {
      for (const m of mutations) {
        const id = JSON.stringify([m.collection, m.key]);
        const current = staged.has(id) ? staged.get(id)?.entry : this.collections.get(m.collection)?.get(m.key);
        if (m.expectedRevision !== undefined && (current?.revision ?? 0) !== m.expectedRevision) {
          throw new MetadataConflictError(m.collection, m.key);
        }
        if (m.value === undefined) {
          staged.set(id, { collection: m.collection, key: m.key, entry: undefined });
          revisions.push(0);
        } else {
          revision++;
          staged.set(id, { collection: m.collection, key: m.key, entry: { json: toJson(m.value), revision } });
          revisions.push(revision);
        }
      }
    } catch (err) {
      return Promise.reject(err);
    }
    for (const { collection, key, entry } of staged.values()) {
      let entries = this.collections.get(collection);
      if (!entries) this.collections.set(collection, (entries = new Map()));
      if (entry) entries.set(key, entry);
      else entries.delete(key);
    }
    this.lastRevision = revision;
    return Promise.resolve(revisions);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function toEntry<T>(key: string, entry: StoredEntry): MetadataEntry<T> {
  return { key, value: JSON.parse(entry.json) as T, revision: entry.revision };
}

function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError("metadata value is not JSON-serialisable");
  return json;
}

/** Keys compare by UTF-8 bytes, as SQLite's BINARY collation does, so every backend lists in one order. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function closedError(): StorageError {
  return new StorageError("closed", "metadata store is closed");
}
