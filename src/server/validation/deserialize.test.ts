import { describe, it, expect } from "vitest";
import { kinesisShapes } from "../../kinesis/api/generated/shapes.js";
import { analyticsShapes } from "../../analytics/api/generated/shapes.js";
import type { Codec } from "../service.js";
import { compileInputValidator } from "./compile-input-validator.js";
import { isAwsError } from "../../core/errors.js";

const validatorFor = (operation: string) =>
  compileInputValidator<Record<string, unknown>>(kinesisShapes, kinesisShapes.operations[operation]?.input as string);

function serializationMessage(operation: string, raw: unknown, codec: Codec = "json"): string | undefined {
  try {
    validatorFor(operation)(raw, codec);
    return undefined;
  } catch (error) {
    if (!isAwsError(error)) throw error;
    expect(error.type).toBe("SerializationException");
    expect(error.statusCode).toBe(400);
    return error.message;
  }
}

const TRUNCATING = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber";

// The values kinesalite's tests send to AWS per expected type, with AWS's answers.
const wrongTypes: Record<string, Array<[unknown, string]>> = {
  String: [
    [true, "class java.lang.Boolean can not be converted to an String"],
    [23, `${TRUNCATING} can not be converted to an String`],
    [-2147483648, `${TRUNCATING} can not be converted to an String`],
    [34.56, `${TRUNCATING} can not be converted to an String`],
    [[], "Start of list found where not expected"],
    [{}, "Start of structure or map found where not expected."],
  ],
  Integer: [
    ["23", "class java.lang.String can not be converted to an Integer"],
    [true, "class java.lang.Boolean can not be converted to an Integer"],
    [[], "Start of list found where not expected"],
    [{}, "Start of structure or map found where not expected."],
  ],
  Blob: [
    [true, "class java.lang.Boolean can not be converted to a Blob"],
    [23, `${TRUNCATING} can not be converted to a Blob`],
    [[], "Start of list found where not expected"],
    [{}, "Start of structure or map found where not expected."],
    ["23456", "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5"],
    ["=+/=", "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"],
    ["+/+=", "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"],
    ["ab-_", "'ab-_' can not be converted to a Blob: Invalid Base64 character: '-'"],
    ["ab c", "'ab c' can not be converted to a Blob: Invalid Base64 character: ' '"],
  ],
  List: [
    ["23", "Expected list or null"],
    [true, "Expected list or null"],
    [23, "Expected list or null"],
    [{}, "Start of structure or map found where not expected."],
  ],
  Map: [
    ["23", "Expected map or null"],
    [true, "Expected map or null"],
    [34.56, "Expected map or null"],
    [[], "Start of list found where not expected"],
  ],
  Structure: [
    ["23", "Expected null"],
    [true, "Expected null"],
    [23, "Expected null"],
    [[], "Start of list found where not expected"],
  ],
  Timestamp: [
    ["23", "class java.lang.String can not be converted to milliseconds since epoch"],
    [true, "class java.lang.Boolean can not be converted to milliseconds since epoch"],
    [[], "Start of list found where not expected"],
    [{}, "Start of structure or map found where not expected."],
  ],
  Boolean: [
    ["23", "'23' can not be converted to an Boolean"],
    ["maybe", "'MAYBE' can not be converted to an Boolean"],
    [23, `${TRUNCATING} can not be converted to an Boolean`],
    [[], "Start of list found where not expected"],
    [{}, "Start of structure or map found where not expected."],
  ],
};

/** Where each type sits in some operation's input: [operation, build input around the bad value]. */
const placements: Record<string, Array<[string, (bad: unknown) => unknown]>> = {
  String: [
    ["DescribeStream", (bad) => ({ StreamName: bad })],
    ["PutRecords", (bad) => ({ StreamName: "s", Records: [{ Data: "", PartitionKey: bad }] })],
    ["AddTagsToStream", (bad) => ({ StreamName: "s", Tags: { a: bad } })],
  ],
  Integer: [["ListStreams", (bad) => ({ Limit: bad })]],
  Blob: [
    ["PutRecord", (bad) => ({ StreamName: "s", PartitionKey: "a", Data: bad })],
    ["PutRecords", (bad) => ({ StreamName: "s", Records: [{ PartitionKey: "a", Data: bad }] })],
  ],
  List: [["PutRecords", (bad) => ({ StreamName: "s", Records: bad })]],
  Map: [["AddTagsToStream", (bad) => ({ StreamName: "s", Tags: bad })]],
  Structure: [
    ["PutRecords", (bad) => ({ StreamName: "s", Records: [bad] })],
    ["CreateStream", (bad) => ({ StreamName: "s", StreamModeDetails: bad })],
  ],
  Timestamp: [["GetShardIterator", (bad) => ({ StreamName: "s", ShardId: "a", ShardIteratorType: "LATEST", Timestamp: bad })]],
  Boolean: [["DeleteStream", (bad) => ({ StreamName: "s", EnforceConsumerDeletion: bad })]],
};

describe("SerializationException for values of the wrong type (JSON)", () => {
  for (const [type, cases] of Object.entries(wrongTypes)) {
    for (const [operation, place] of placements[type] ?? []) {
      for (const [bad, expected] of cases) {
        it(`${operation}: ${type} given ${JSON.stringify(bad)}`, () => {
          expect(serializationMessage(operation, place(bad))).toBe(expected);
        });
      }
    }
  }

  it("checks types before constraints", () => {
    expect(serializationMessage("PutRecord", { StreamName: "", PartitionKey: 1, Data: "" })).toBe(
      `${TRUNCATING} can not be converted to an String`,
    );
  });

  it("refuses a body that is not an object", () => {
    expect(serializationMessage("ListStreams", null)).toBe("");
    expect(serializationMessage("ListStreams", 5)).toBe("");
    expect(serializationMessage("ListStreams", [])).toBe("Start of list found where not expected");
  });
});

describe("SerializationException in CBOR", () => {
  it("rejects the same wrong types", () => {
    expect(serializationMessage("DescribeStream", { StreamName: 5n }, "cbor")).toBe(`${TRUNCATING} can not be converted to an String`);
    expect(serializationMessage("ListStreams", { Limit: "3" }, "cbor")).toBe("class java.lang.String can not be converted to an Integer");
    expect(serializationMessage("PutRecord", { StreamName: "s", PartitionKey: "a", Data: 5 }, "cbor")).toBe(
      `${TRUNCATING} can not be converted to a Blob`,
    );
    expect(serializationMessage("DescribeStream", { StreamName: new Uint8Array([97]) }, "cbor")).toBe(
      "class java.nio.HeapByteBuffer can not be converted to an String",
    );
  });
});

describe("conversions to the seam's values", () => {
  it("JSON: base64 blobs become bytes, epoch seconds become Dates, unknown and null members are dropped", () => {
    const input = validatorFor("GetShardIterator")(
      { StreamName: "s", ShardId: "a", ShardIteratorType: "AT_TIMESTAMP", Timestamp: 1700000000.5, Bogus: 1, StreamARN: null },
      "json",
    );
    expect(input).toEqual({ ShardId: "a", ShardIteratorType: "AT_TIMESTAMP", StreamName: "s", Timestamp: new Date(1700000000500) });
    const put = validatorFor("PutRecord")({ StreamName: "s", PartitionKey: "a", Data: "aGVsbG8=" }, "json");
    expect(Buffer.from(put["Data"] as Uint8Array).toString()).toBe("hello");
    expect(validatorFor("PutRecord")({ StreamName: "s", PartitionKey: "a", Data: "" }, "json")["Data"]).toEqual(Buffer.alloc(0));
  });

  it("CBOR: byte strings pass through, epoch milliseconds and tag 1 become Dates", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const put = validatorFor("PutRecord")({ StreamName: "s", PartitionKey: "a", Data: bytes }, "cbor");
    expect(put["Data"]).toBe(bytes);
    const base = { StreamName: "s", ShardId: "a", ShardIteratorType: "AT_TIMESTAMP" };
    expect(validatorFor("GetShardIterator")({ ...base, Timestamp: 1700000000123 }, "cbor")["Timestamp"]).toEqual(new Date(1700000000123));
    expect(validatorFor("GetShardIterator")({ ...base, Timestamp: 1700000000123n }, "cbor")["Timestamp"]).toEqual(new Date(1700000000123));
    expect(validatorFor("GetShardIterator")({ ...base, Timestamp: { tag: 1, value: 1700000000.5 } }, "cbor")["Timestamp"]).toEqual(
      new Date(1700000000500),
    );
  });

  it("numbers are truncated to their Java type and integers saturate", () => {
    expect(validatorFor("ListStreams")({ Limit: 34.56 }, "json")).toEqual({ Limit: 34 });
    const text = (() => {
      try {
        validatorFor("ListStreams")({ Limit: 1e12 }, "json");
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(text).toBe(
      "1 validation error detected: Value '2147483647' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    );
  });

  it("booleans accept AWS's boolean strings", () => {
    expect(validatorFor("DeleteStream")({ StreamName: "s", EnforceConsumerDeletion: "true" }, "json")).toEqual({
      StreamName: "s",
      EnforceConsumerDeletion: true,
    });
  });

  it("a map key named __proto__ stays a plain key", () => {
    const input = validatorFor("AddTagsToStream")(JSON.parse('{"StreamName":"s","Tags":{"__proto__":"x"}}'), "json");
    expect(Object.keys(input["Tags"] as object)).toEqual(["__proto__"]);
  });
});

describe("the analytics model compiles too", () => {
  it("validates every operation's empty input without throwing anything but AWS errors", () => {
    for (const entry of Object.values(analyticsShapes.operations)) {
      if (entry.input === null) continue;
      const validate = compileInputValidator(analyticsShapes, entry.input);
      try {
        validate({}, "json");
      } catch (error) {
        expect(isAwsError(error) && error.type).toBe("ValidationException");
      }
    }
  });
});
