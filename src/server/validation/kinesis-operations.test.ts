/**
 * Every Kinesis operation's input, member by member: missing required members, too long, too short,
 * too big, too small, pattern and enum violations each produce AWS's exact ValidationException text.
 * The expected messages are built here from AWS's wording, independently of the validator.
 */
import { describe, it, expect } from "vitest";
import { kinesisShapes } from "../../kinesis/api/generated/shapes.js";
import type { Shape, StructureShape } from "./shape-table.js";
import { compileInputValidator } from "./compile-input-validator.js";
import { isAwsError } from "../../core/errors.js";

const ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/s";
/** Valid values for the patterned shapes (anything else is sampled from its constraints). */
const SAMPLES: Record<string, string> = {
  StreamARN: ARN,
  ResourceARN: ARN,
  ConsumerARN: `${ARN}/consumer/c:1`,
  StreamId: "abcdefghij0123456789-abc",
  HashKey: "1",
  SequenceNumber: "1",
};

const shapeOf = (name: string): Shape => kinesisShapes.shapes[name] as Shape;

function sample(name: string): unknown {
  const shape = shapeOf(name);
  switch (shape.type) {
    case "string":
      return SAMPLES[name] ?? shape.enum?.[0] ?? "a".repeat(Math.max(shape.min ?? 1, 1));
    case "integer":
    case "long":
    case "double":
    case "float":
      return shape.min ?? 1;
    case "boolean":
      return true;
    case "timestamp":
      return 1_700_000_000;
    case "blob":
      return "";
    case "list":
      return Array.from({ length: Math.max(shape.min ?? 1, 1) }, () => sample(shape.member));
    case "map":
      return { k: sample(shape.value) };
    case "structure": {
      const out: Record<string, unknown> = {};
      for (const member of shape.required ?? []) out[member] = sample(shape.members[member] as string);
      return out;
    }
  }
}

const anchored = (pattern: string): RegExp => new RegExp(`^(?:${pattern})$`);

function message(path: string, printed: string, constraints: string[]): string {
  const parts = constraints.map((c) => `Value ${printed} at '${path}' failed to satisfy constraint: ${c}`);
  return `${parts.length} validation error${parts.length === 1 ? "" : "s"} detected: ${parts.join("; ")}`;
}

interface Case {
  title: string;
  value: unknown; // undefined = member left out
  expected: string;
}

/** The bad values for one member and the message AWS gives for each. */
function casesFor(member: string, shapeName: string, required: boolean): Case[] {
  const shape = shapeOf(shapeName);
  const path = member.charAt(0).toLowerCase() + member.slice(1);
  const cases: Case[] = [];
  if (required) cases.push({ title: "missing", value: undefined, expected: message(path, "null", ["Member must not be null"]) });
  if (shape.type === "string") {
    const patternFails = (text: string): string[] =>
      shape.pattern !== undefined && !anchored(shape.pattern).test(text)
        ? [`Member must satisfy regular expression pattern: ${shape.pattern}`]
        : [];
    if (shape.enum !== undefined) {
      const set = (shape.enumMessageOrder ?? shape.enum).join(", ");
      cases.push({ title: "not in enum", value: "NOPE", expected: message(path, "'NOPE'", [`Member must satisfy enum value set: [${set}]`]) });
    }
    if (shape.min !== undefined && shape.min > 0) {
      const constraints = [...patternFails(""), `Member must have length greater than or equal to ${shape.min}`];
      cases.push({ title: "too short", value: "", expected: message(path, "''", constraints) });
    }
    if (shape.max !== undefined) {
      const text = String(sample(shapeName)) + "1".repeat(shape.max);
      const constraints = [...patternFails(text), `Member must have length less than or equal to ${shape.max}`];
      cases.push({ title: "too long", value: text, expected: message(path, `'${text}'`, constraints) });
    }
    if (shape.pattern !== undefined) {
      const pattern = `Member must satisfy regular expression pattern: ${shape.pattern}`;
      cases.push({ title: "pattern", value: "!", expected: message(path, "'!'", [pattern]) });
    }
  }
  if (shape.type === "integer" || shape.type === "long") {
    if (shape.min !== undefined) {
      const low = shape.min - 1;
      cases.push({ title: "too small", value: low, expected: message(path, `'${low}'`, [`Member must have value greater than or equal to ${shape.min}`]) });
    }
    if (shape.max !== undefined) {
      const high = shape.max + 1;
      cases.push({ title: "too big", value: high, expected: message(path, `'${high}'`, [`Member must have value less than or equal to ${shape.max}`]) });
    }
  }
  if (shape.type === "list" && shape.min !== undefined && shape.min > 0) {
    cases.push({ title: "empty list", value: [], expected: message(path, "'[]'", [`Member must have length greater than or equal to ${shape.min}`]) });
  }
  if (shape.type === "list" && shape.max !== undefined && shapeOf(shape.member).type === "string") {
    const items = Array.from({ length: shape.max + 1 }, () => sample(shape.member) as string);
    cases.push({
      title: "too many items",
      value: items,
      expected: message(path, `'[${items.join(", ")}]'`, [`Member must have length less than or equal to ${shape.max}`]),
    });
  }
  if (shape.type === "map" && shape.min !== undefined && shape.min > 0) {
    cases.push({ title: "empty map", value: {}, expected: message(path, "'{}'", [`Member must have length greater than or equal to ${shape.min}`]) });
  }
  if (shape.type === "blob" && shape.max !== undefined) {
    const bytes = shape.max + 1;
    cases.push({
      title: "too big blob",
      value: Buffer.alloc(bytes).toString("base64"),
      expected: message(path, `'java.nio.HeapByteBuffer[pos=0 lim=${bytes} cap=${bytes}]'`, [`Member must have length less than or equal to ${shape.max}`]),
    });
  }
  return cases;
}

function errorOf(run: () => unknown): { type: string; message: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!isAwsError(error)) throw error;
    return { type: error.type, message: error.message };
  }
}

describe("every Kinesis operation validates its input as AWS does", () => {
  const operations = Object.entries(kinesisShapes.operations);

  it("has 39 operations", () => {
    expect(operations).toHaveLength(39);
  });

  for (const [operation, entry] of operations) {
    const inputName = entry.input as string;
    const input = shapeOf(inputName) as StructureShape;
    const validate = compileInputValidator<Record<string, unknown>>(kinesisShapes, inputName);
    const valid = sample(inputName) as Record<string, unknown>;

    describe(operation, () => {
      it("accepts a minimal valid input", () => {
        expect(errorOf(() => validate(valid, "json"))).toBeUndefined();
      });

      for (const [member, shapeName] of Object.entries(input.members)) {
        const required = (input.required ?? []).includes(member);
        for (const c of casesFor(member, shapeName, required)) {
          it(`${member}: ${c.title}`, () => {
            const raw: Record<string, unknown> = { ...valid };
            if (c.value === undefined) delete raw[member];
            else raw[member] = c.value;
            expect(errorOf(() => validate(raw, "json"))).toEqual({ type: "ValidationException", message: c.expected });
          });
        }
      }
    });
  }
});

describe("messages AWS is recorded giving (kinesalite's tests against AWS)", () => {
  const check = (operation: string, raw: unknown): string | undefined => {
    const validate = compileInputValidator(kinesisShapes, kinesisShapes.operations[operation]?.input as string);
    return errorOf(() => validate(raw, "json"))?.message;
  };

  it("PutRecord: several members, in AWS's order", () => {
    expect(check("PutRecord", { StreamName: "", PartitionKey: "", Data: "", ExplicitHashKey: "", SequenceNumberForOrdering: "" })).toBe(
      "5 validation errors detected: " +
        "Value '' at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); " +
        "Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it("PutRecord: too long values, a blob printed as a Java ByteBuffer", () => {
    const name = "a".repeat(129);
    const key = "a".repeat(257);
    expect(check("PutRecord", { StreamName: name, PartitionKey: key, Data: "", ExplicitHashKey: "" })).toBe(
      "3 validation errors detected: " +
        `Value '${key}' at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256; ` +
        "Value '' at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
        `Value '${name}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128`,
    );
  });

  it("PutRecords: list length, then stream name", () => {
    expect(check("PutRecords", { StreamName: "", Records: [] })).toBe(
      "3 validation errors detected: " +
        "Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it("PutRecords: entries are reported at records.N.member.<member>", () => {
    expect(check("PutRecords", { StreamName: "s", Records: [{ Data: "", PartitionKey: "a" }, { PartitionKey: "", ExplicitHashKey: "x" }] })).toBe(
      "3 validation errors detected: " +
        "Value '' at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value 'x' at 'records.2.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38}); " +
        "Value null at 'records.2.member.data' failed to satisfy constraint: Member must not be null",
    );
  });

  it("PutRecords: more than 500 entries print as Java objects", () => {
    const records = Array.from({ length: 501 }, () => ({ Data: "", PartitionKey: "a" }));
    const text = check("PutRecords", { StreamName: "s", Records: records }) ?? "";
    expect(text).toMatch(
      /^1 validation error detected: Value '\[(com\.amazonaws\.kinesis\.v20131202\.PutRecordsRequestEntry@[0-9a-f]+(, )?){501}\]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500$/,
    );
  });

  it("GetShardIterator: enum set in AWS's order", () => {
    expect(check("GetShardIterator", { StreamName: "", ShardIteratorType: "", ShardId: "", StartingSequenceNumber: "" })).toBe(
      "6 validation errors detected: " +
        "Value '' at 'shardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'shardId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]; " +
        "Value '' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128}); " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it("AddTagsToStream: map length and map key constraints", () => {
    expect(check("AddTagsToStream", { StreamName: "", Tags: {} })).toBe(
      "3 validation errors detected: " +
        "Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(check("AddTagsToStream", { StreamName: "s", Tags: { "": "v", k: "x".repeat(257) } })).toBe(
      "2 validation errors detected: " +
        `Value '{=v, k=${"x".repeat(257)}}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]; ` +
        `Value '{=v, k=${"x".repeat(257)}}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]`,
    );
  });

  it("RemoveTagsFromStream: list members are checked as a whole", () => {
    expect(check("RemoveTagsFromStream", { StreamName: "s", TagKeys: ["a", ""] })).toBe(
      "1 validation error detected: Value '[a, ]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
    );
  });

  it("EnableEnhancedMonitoring: enum list members", () => {
    expect(check("EnableEnhancedMonitoring", { StreamName: "s", ShardLevelMetrics: ["ALL", "Nope"] })).toBe(
      "1 validation error detected: Value '[ALL, Nope]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]",
    );
  });

  it("CreateStream: nested structure members", () => {
    expect(check("CreateStream", { StreamName: "s", StreamModeDetails: { StreamMode: "X" } })).toBe(
      "1 validation error detected: Value 'X' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
    );
  });

  it("reports at most 10 violations", () => {
    const records = Array.from({ length: 12 }, () => ({ Data: "", PartitionKey: "" }));
    const text = check("PutRecords", { StreamName: "s", Records: records }) ?? "";
    expect(text.startsWith("10 validation errors detected: ")).toBe(true);
    expect(text.split("; ")).toHaveLength(10);
    expect(text).toContain("'records.10.member.partitionKey'");
    expect(text).not.toContain("'records.11.member.partitionKey'");
  });

  it("a null list entry is reported as a missing member", () => {
    expect(check("PutRecords", { StreamName: "s", Records: [null] })).toBe(
      "1 validation error detected: Value null at 'records.1.member' failed to satisfy constraint: Member must not be null",
    );
  });
});
