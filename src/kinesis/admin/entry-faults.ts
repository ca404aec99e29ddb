import { shardRateExceeded } from "../engine/limits/messages.js";
import type { PutEntryResult, RecordEntry } from "../engine/model.js";
import type { RecordsPlane } from "../engine/records.js";
import type { StreamRuntime } from "../engine/stream-runtime.js";
import type { FaultInjector } from "./fault-injector.js";
import { routeOf } from "./injected-errors.js";

/**
 * PutRecords with per-entry fault injection: the entries drawn to fail get AWS's per-entry error
 * (ErrorCode and ErrorMessage) and are not written; the others are written as usual, in order.
 */
export async function putRecordsWithFaults(
  faults: FaultInjector | undefined,
  records: RecordsPlane,
  stream: StreamRuntime,
  entries: readonly RecordEntry[],
): Promise<PutEntryResult[]> {
  const drawn = faults?.entryFaults(entries.length);
  if (!drawn) return records.putRecords(stream, entries);
  const kept: RecordEntry[] = [];
  for (let i = 0; i < entries.length; i++) if (drawn[i] === undefined) kept.push(entries[i]!);
  const written = kept.length > 0 ? await records.putRecords(stream, kept) : [];
  const results: PutEntryResult[] = new Array(entries.length);
  let next = 0;
  for (let i = 0; i < entries.length; i++) {
    const fault = drawn[i];
    const entry = entries[i]!;
    if (fault === "throttle") {
      const shardId = routeOf(stream, entry.partitionKey, entry.explicitHashKey);
      results[i] = { ok: false, errorCode: "ProvisionedThroughputExceededException", errorMessage: shardRateExceeded(shardId, stream.meta.streamName, stream.meta.account) };
    } else if (fault === "internal") {
      results[i] = { ok: false, errorCode: "InternalFailure", errorMessage: "Internal service failure." };
    } else {
      results[i] = written[next++]!;
    }
  }
  return results;
}
