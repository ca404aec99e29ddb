/**
 * Loads a reference table's rows from its file (the stand-in for an S3 object until Tributary has an
 * S3-compatible store): CSV split by the row delimiter, or JSON as one array or one document per line.
 */
import { readFile, stat } from "node:fs/promises";
import { ANALYTICS_REFERENCE_BYTES_MAX } from "../../core/limits.js";
import { compileDecoder } from "./record-decoder.js";
import type { ReferenceSpec } from "./run-spec.js";
import type { WorkerReferenceTable } from "./worker-protocol.js";

export class ReferenceDataError extends Error {
  override name = "ReferenceDataError";
}

export async function loadReferenceTable(spec: ReferenceSpec): Promise<WorkerReferenceTable> {
  let text: string;
  try {
    const info = await stat(spec.path);
    if (info.size > ANALYTICS_REFERENCE_BYTES_MAX) throw new ReferenceDataError(`Reference data ${spec.path} is larger than ${ANALYTICS_REFERENCE_BYTES_MAX} bytes`);
    text = await readFile(spec.path, "utf8");
  } catch (error) {
    if (error instanceof ReferenceDataError) throw error;
    throw new ReferenceDataError(`Reference data for table ${spec.tableName} cannot be read from ${spec.path}: ${(error as Error).message}`);
  }
  const decode = compileDecoder(spec.format, spec.columns);
  const rows: unknown[][] = [];
  try {
    if (spec.format.kind === "CSV") rows.push(...decode(text));
    else {
      const trimmed = text.trim();
      const documents = trimmed.startsWith("[") ? [trimmed] : trimmed.split(/\r?\n/).filter((l) => l.trim().length > 0);
      for (const doc of documents) rows.push(...decode(doc));
    }
  } catch (error) {
    throw new ReferenceDataError(`Reference data for table ${spec.tableName} does not match its schema: ${(error as Error).message}`);
  }
  return { name: spec.tableName, columns: spec.columns.map((c) => ({ name: c.name, sqlType: c.sqlType })), rows };
}
