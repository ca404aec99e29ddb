import { describe, expect, it } from "vitest";
import type { ConditionContext } from "./conditions.js";
import { evaluateIdentityPolicy, evaluatePolicy, parsePolicy, type PolicyRequest } from "./policy.js";

const noContext: ConditionContext = { get: () => undefined };
const request = (action: string, resource: string, context: ConditionContext = noContext): PolicyRequest => ({ action, resource, context });

describe("evaluateIdentityPolicy", () => {
  it("answers as evaluatePolicy does, asked repeatedly, for a policy without conditions", () => {
    const policy = parsePolicy({
      Statement: [
        { Effect: "Allow", Action: ["kinesis:Put*", "kinesis:Describe*"], Resource: "arn:aws:kinesis:us-east-1:111111111111:stream/*" },
        { Effect: "Deny", Action: "kinesis:PutRecords", Resource: "arn:aws:kinesis:us-east-1:111111111111:stream/secret" },
      ],
    });
    const asks = [
      request("kinesis:PutRecords", "arn:aws:kinesis:us-east-1:111111111111:stream/a"),
      request("kinesis:PutRecords", "arn:aws:kinesis:us-east-1:111111111111:stream/secret"),
      request("kinesis:PutRecord", "arn:aws:kinesis:us-east-1:111111111111:stream/secret"),
      request("kinesis:GetRecords", "arn:aws:kinesis:us-east-1:111111111111:stream/a"),
      // Same concatenation, different split: must not share an answer.
      request("kinesis:PutRecords", "x"),
      request("kinesis:PutRecordsx", ""),
    ];
    for (let round = 0; round < 3; round++) {
      for (const ask of asks) expect(evaluateIdentityPolicy(policy, ask)).toEqual(evaluatePolicy(policy, ask));
    }
  });

  it("does not remember answers of a policy with a condition", () => {
    const policy = parsePolicy({ Statement: { Effect: "Allow", Action: "kinesis:*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } } });
    const from = (ip: string) => ({ get: (key: string) => (key === "aws:sourceip" ? [ip] : undefined) });
    expect(evaluateIdentityPolicy(policy, request("kinesis:PutRecords", "*", from("10.1.2.3"))).effect).toBe("allow");
    expect(evaluateIdentityPolicy(policy, request("kinesis:PutRecords", "*", from("192.168.0.1"))).effect).toBe("none");
    expect(evaluateIdentityPolicy(policy, request("kinesis:PutRecords", "*", from("10.1.2.3"))).effect).toBe("allow");
  });
});
