import { describe, expect, it } from "vitest";
import { encodeJson } from "../../server/protocol/json.js";
import type { PutEntryResult } from "../engine/model.js";
import { AcceptedRecord, sequenceBase, sequenceDigits, sequenceNumberAt } from "../engine/sequence-number.js";
import { encodePutRecordsJson } from "./encode-put-records.js";

function generic(results: PutEntryResult[], encryptionType: string | undefined): string {
  let failed = 0;
  const records = results.map((r) => {
    if (r.ok) return { SequenceNumber: r.sequenceNumber, ShardId: r.shardId };
    failed++;
    return { ErrorCode: r.errorCode, ErrorMessage: r.errorMessage };
  });
  return encodeJson({ FailedRecordCount: failed, Records: records, EncryptionType: encryptionType }).toString("utf8");
}

function direct(results: PutEntryResult[], encryptionType: string | undefined): string {
  const failed = results.filter((r) => !r.ok).length;
  return encodePutRecordsJson(failed, results, encryptionType).toString("utf8");
}

describe("PutRecords direct JSON writer", () => {
  it("writes exactly the generic encoder's bytes", () => {
    const base = sequenceBase(1_700_000_000, 2, 1_764_000_000);
    const shapes: PutEntryResult[][] = [
      [],
      [{ ok: true, shardId: "shardId-000000000002", sequenceNumber: sequenceNumberAt(base, 0) }],
      Array.from({ length: 500 }, (_, i): PutEntryResult =>
        i % 7 === 3
          ? { ok: false, errorCode: "ProvisionedThroughputExceededException", errorMessage: `Rate exceeded for shard shardId-00000000000${i % 4} in stream "s" under account 123456789012 — ünïcode` }
          : i % 11 === 5
            ? { ok: false, errorCode: "InternalFailure", errorMessage: "Internal service failure." }
            : { ok: true, shardId: `shardId-00000000000${i % 4}`, sequenceNumber: sequenceNumberAt(base, i * 1_000_003) },
      ),
      [{ ok: true, shardId: 'odd"shard\\id', sequenceNumber: "1" }],
    ];
    for (const results of shapes) {
      for (const encryption of ["NONE", "KMS", undefined]) {
        expect(direct(results, encryption)).toBe(generic(results, encryption));
        expect(JSON.parse(direct(results, encryption))).toEqual(JSON.parse(generic(results, encryption)));
      }
    }
  });

  it("writes AcceptedRecords' digits directly, the same as their formatted sequence numbers", () => {
    const bases = [sequenceBase(1_700_000_000, 0, 1_764_000_000), sequenceBase(1_700_000_000, 1, 1_764_000_001), sequenceBase(0, 0, 0)];
    const results: PutEntryResult[] = Array.from({ length: 300 }, (_, i) =>
      i % 13 === 0
        ? { ok: false, errorCode: "InternalFailure", errorMessage: "Internal service failure." }
        : new AcceptedRecord(`shardId-00000000000${i % 3}`, sequenceDigits(bases[i % 3]!), i * 7_777_777_777),
    );
    const formatted = results.map((r) => (r.ok ? { ok: true as const, shardId: r.shardId, sequenceNumber: r.sequenceNumber } : r));
    expect(direct(results, "NONE")).toBe(generic(formatted, "NONE"));
    const first = results[1] as AcceptedRecord;
    expect(first.sequenceNumber).toBe(sequenceNumberAt(bases[1]!, first.offset));
    expect(JSON.parse(JSON.stringify(first))).toEqual({ ok: true, shardId: first.shardId, sequenceNumber: first.sequenceNumber });
  });
});
