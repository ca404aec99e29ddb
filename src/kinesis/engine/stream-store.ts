import type { MetadataStore } from "../../storage/types.js";
import { METADATA_COLLECTIONS } from "../../storage/metadata-collections.js";
import { streamKeyString, type StreamKey, type StreamMeta } from "./model.js";

/** Persists stream metadata: one JSON value per stream, keyed `account/region/name`. */
export class StreamStore {
  constructor(private readonly metadata: MetadataStore) {}

  async loadAll(): Promise<StreamMeta[]> {
    const entries = await this.metadata.list<StreamMeta>(METADATA_COLLECTIONS.streams);
    return entries.map((e) => e.value);
  }

  async save(meta: StreamMeta): Promise<void> {
    await this.metadata.commit([{ collection: METADATA_COLLECTIONS.streams, key: streamKeyString(meta), value: meta }]);
  }

  async remove(key: StreamKey): Promise<void> {
    await this.metadata.commit([{ collection: METADATA_COLLECTIONS.streams, key: streamKeyString(key), value: undefined }]);
  }
}
