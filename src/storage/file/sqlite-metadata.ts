import Database from "better-sqlite3";
import type { MetadataEntry, MetadataMutation, MetadataStore } from "../types.js";
import { MetadataConflictError, StorageError } from "../types.js";

interface EntryRow {
  key: string;
  value: string;
  revision: number;
}

/**
 * Metadata in SQLite (better-sqlite3, synchronous: calls are short, and metadata changes are rare
 * control-plane events). WAL mode with synchronous=FULL: every commit's WAL append is fsynced before
 * it returns, so an acknowledged CreateStream survives a power cut (NORMAL would only guarantee
 * consistency, possibly losing the last commits). Revisions come from one counter for the whole
 * store, so a deleted and re-created key never returns to a revision a caller has seen.
 */
export class SqliteMetadataStore implements MetadataStore {
  private readonly db: Database.Database;
  private readonly selectOne: Database.Statement<[string, string], EntryRow>;
  private readonly selectFrom: Database.Statement<[string, string], EntryRow>;
  private readonly upsert: Database.Statement<[string, string, string, number]>;
  private readonly remove: Database.Statement<[string, string]>;
  private readonly readCounter: Database.Statement<[], { value: number }>;
  private readonly writeCounter: Database.Statement<[number]>;
  private readonly applyAll: (mutations: readonly MetadataMutation[]) => number[];
  private closed = false;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS entries (
        collection TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        revision INTEGER NOT NULL,
        PRIMARY KEY (collection, key)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
      INSERT OR IGNORE INTO counters (name, value) VALUES ('revision', 0);
    `);
    this.selectOne = this.db.prepare("SELECT key, value, revision FROM entries WHERE collection = ? AND key = ?");
    this.selectFrom = this.db.prepare("SELECT key, value, revision FROM entries WHERE collection = ? AND key >= ? ORDER BY key");
    this.upsert = this.db.prepare(
      "INSERT INTO entries (collection, key, value, revision) VALUES (?, ?, ?, ?) ON CONFLICT (collection, key) DO UPDATE SET value = excluded.value, revision = excluded.revision",
    );
    this.remove = this.db.prepare("DELETE FROM entries WHERE collection = ? AND key = ?");
    this.readCounter = this.db.prepare("SELECT value FROM counters WHERE name = 'revision'");
    this.writeCounter = this.db.prepare("UPDATE counters SET value = ? WHERE name = 'revision'");
    this.applyAll = this.db.transaction((mutations: readonly MetadataMutation[]) => {
      let revision = (this.readCounter.get() as { value: number }).value;
      const revisions: number[] = [];
      for (const m of mutations) {
        if (m.expectedRevision !== undefined) {
          const current = this.selectOne.get(m.collection, m.key)?.revision ?? 0;
          // Throwing inside the transaction rolls back every earlier mutation of this commit.
          if (current !== m.expectedRevision) throw new MetadataConflictError(m.collection, m.key);
        }
        if (m.value === undefined) {
          this.remove.run(m.collection, m.key);
          revisions.push(0);
        } else {
          const json = JSON.stringify(m.value);
          if (json === undefined) throw new TypeError("metadata value is not JSON-serialisable");
          revision++;
          this.upsert.run(m.collection, m.key, json, revision);
          revisions.push(revision);
        }
      }
      this.writeCounter.run(revision);
      return revisions;
    });
  }

  get<T = unknown>(collection: string, key: string): Promise<MetadataEntry<T> | undefined> {
    return this.guard(() => {
      const row = this.selectOne.get(collection, key);
      return row ? toEntry<T>(row) : undefined;
    });
  }

  list<T = unknown>(collection: string, prefix = ""): Promise<MetadataEntry<T>[]> {
    return this.guard(() => {
      const out: MetadataEntry<T>[] = [];
      // Keys at or after the prefix in index order; the first that does not start with it ends the range.
      for (const row of this.selectFrom.iterate(collection, prefix)) {
        if (!row.key.startsWith(prefix)) break;
        out.push(toEntry<T>(row));
      }
      return out;
    });
  }

  commit(mutations: readonly MetadataMutation[]): Promise<number[]> {
    return this.guard(() => this.applyAll(mutations));
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    return Promise.resolve();
  }

  private guard<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StorageError("closed", "metadata store is closed"));
    try {
      return Promise.resolve(fn());
    } catch (err) {
      if (err instanceof MetadataConflictError || err instanceof TypeError) return Promise.reject(err);
      const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "";
      const storageCode = code === "SQLITE_FULL" ? "disk-full" : code === "SQLITE_CORRUPT" ? "corrupt" : "io";
      return Promise.reject(new StorageError(storageCode, `metadata operation failed: ${code || String(err)}`, { cause: err }));
    }
  }
}

function toEntry<T>(row: EntryRow): MetadataEntry<T> {
  return { key: row.key, value: JSON.parse(row.value) as T, revision: row.revision };
}
