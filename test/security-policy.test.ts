/** IAM policy evaluation: statements, wildcards, Not* elements, principals and the condition operators. */
import { describe, expect, it } from "vitest";
import type { ConditionContext } from "../src/security/conditions.js";
import { evaluatePolicy, parsePolicy, PolicySyntaxError, type PolicyRequest } from "../src/security/policy.js";
import { wildcardMatch } from "../src/security/wildcard.js";

const STREAM = "arn:aws:kinesis:us-east-1:111111111111:stream/orders";

function context(values: Record<string, string | string[]>): ConditionContext {
  const map = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]]));
  return { get: (key) => map.get(key) };
}

function request(action: string, resource = STREAM, values: Record<string, string | string[]> = {}): PolicyRequest {
  return { action, resource, context: context(values) };
}

const effect = (policy: unknown, req: PolicyRequest) => evaluatePolicy(parsePolicy(policy), req).effect;

describe("wildcards", () => {
  it("matches * across separators and ? as one character, literally otherwise", () => {
    expect(wildcardMatch("arn:aws:kinesis:*:111111111111:stream/*", STREAM)).toBe(true);
    expect(wildcardMatch("arn:aws:kinesis:us-east-1:111111111111:stream/order?", STREAM)).toBe(true);
    expect(wildcardMatch("arn:aws:kinesis:us-east-1:111111111111:stream/order?", `${STREAM}s`)).toBe(false);
    expect(wildcardMatch("a.b", "axb")).toBe(false);
    expect(wildcardMatch("kinesis:get*", "kinesis:GetRecords", true)).toBe(true);
    expect(wildcardMatch("kinesis:get*", "kinesis:GetRecords")).toBe(false);
  });
});

describe("statements", () => {
  const readOnly = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["kinesis:Get*", "kinesis:Describe*", "kinesis:List*"], Resource: "arn:aws:kinesis:*:111111111111:stream/*" }],
  };

  it("allows matching actions (case-insensitively) and leaves the rest undecided", () => {
    expect(effect(readOnly, request("kinesis:GetRecords"))).toBe("allow");
    expect(effect(readOnly, request("KINESIS:getrecords"))).toBe("allow");
    expect(effect(readOnly, request("kinesis:PutRecord"))).toBe("none");
    expect(effect(readOnly, request("kinesis:GetRecords", "arn:aws:kinesis:us-east-1:222222222222:stream/orders"))).toBe("none");
  });

  it("lets an explicit Deny win over any Allow", () => {
    const policy = { Statement: [{ Effect: "Allow", Action: "kinesis:*", Resource: "*" }, { Effect: "Deny", Action: "kinesis:DeleteStream", Resource: STREAM }] };
    expect(effect(policy, request("kinesis:PutRecord"))).toBe("allow");
    expect(effect(policy, request("kinesis:DeleteStream"))).toBe("deny");
  });

  it("supports NotAction and NotResource", () => {
    const policy = {
      Statement: [
        { Effect: "Allow", NotAction: "kinesis:Delete*", Resource: "*" },
        { Effect: "Deny", Action: "kinesis:*", NotResource: "arn:aws:kinesis:*:*:stream/orders*" },
      ],
    };
    expect(effect(policy, request("kinesis:PutRecord"))).toBe("allow");
    expect(effect(policy, request("kinesis:DeleteStream"))).toBe("none");
    expect(effect(policy, request("kinesis:PutRecord", "arn:aws:kinesis:us-east-1:111111111111:stream/payments"))).toBe("deny");
  });

  it("matches resource-policy principals by ARN, account id, account root or *", () => {
    const policy = parsePolicy({
      Statement: [
        { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::222222222222:root", "333333333333"] }, Action: "kinesis:GetRecords", Resource: STREAM },
        { Effect: "Allow", Principal: { AWS: "arn:aws:iam::444444444444:user/bob" }, Action: "kinesis:PutRecord", Resource: STREAM },
        { Effect: "Allow", Principal: "*", Action: "kinesis:DescribeStreamSummary", Resource: STREAM },
      ],
    });
    const get = request("kinesis:GetRecords");
    expect(evaluatePolicy(policy, get, { arn: "arn:aws:iam::222222222222:user/x", account: "222222222222" })).toEqual({ effect: "allow", principal: "account" });
    expect(evaluatePolicy(policy, get, { arn: "arn:aws:iam::333333333333:user/x", account: "333333333333" }).effect).toBe("allow");
    expect(evaluatePolicy(policy, get, { arn: "arn:aws:iam::555555555555:user/x", account: "555555555555" }).effect).toBe("none");
    const put = request("kinesis:PutRecord");
    expect(evaluatePolicy(policy, put, { arn: "arn:aws:iam::444444444444:user/bob", account: "444444444444" })).toEqual({ effect: "allow", principal: "direct" });
    expect(evaluatePolicy(policy, put, { arn: "arn:aws:iam::444444444444:user/eve", account: "444444444444" }).effect).toBe("none");
    expect(evaluatePolicy(policy, request("kinesis:DescribeStreamSummary"), { arn: "arn:aws:iam::9:user/z", account: "999999999999" }).effect).toBe("allow");
  });

  it("rejects malformed documents", () => {
    expect(() => parsePolicy("{")).toThrow(PolicySyntaxError);
    expect(() => parsePolicy({ Statement: [{ Effect: "Maybe", Action: "*", Resource: "*" }] })).toThrow(/Effect/);
    expect(() => parsePolicy({ Statement: [{ Effect: "Allow", Resource: "*" }] })).toThrow(/Action/);
    expect(() => parsePolicy({ Statement: [{ Effect: "Allow", Action: "*", Condition: { StringFancy: { a: "b" } } }] })).toThrow(/Unsupported condition operator/);
  });
});

describe("conditions", () => {
  const allowIf = (condition: unknown) => ({ Statement: [{ Effect: "Allow", Action: "kinesis:*", Resource: "*", Condition: condition }] });

  it("IpAddress and NotIpAddress on aws:SourceIp, IPv4, IPv4-mapped and IPv6", () => {
    const policy = allowIf({ IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"] } });
    expect(effect(policy, request("kinesis:PutRecord", STREAM, { "aws:SourceIp": "10.1.2.3" }))).toBe("allow");
    expect(effect(policy, request("kinesis:PutRecord", STREAM, { "aws:SourceIp": "::ffff:10.1.2.3" }))).toBe("allow");
    expect(effect(policy, request("kinesis:PutRecord", STREAM, { "aws:SourceIp": "2001:db8::1" }))).toBe("allow");
    expect(effect(policy, request("kinesis:PutRecord", STREAM, { "aws:SourceIp": "127.0.0.1" }))).toBe("none");
    const not = allowIf({ NotIpAddress: { "aws:SourceIp": "127.0.0.0/8" } });
    expect(effect(not, request("kinesis:PutRecord", STREAM, { "aws:SourceIp": "127.0.0.1" }))).toBe("none");
    expect(effect(not, request("kinesis:PutRecord", STREAM, { "aws:SourceIp": "192.168.1.1" }))).toBe("allow");
  });

  it("Bool on aws:SecureTransport, the usual deny-plain-HTTP statement", () => {
    const policy = {
      Statement: [
        { Effect: "Allow", Action: "kinesis:*", Resource: "*" },
        { Effect: "Deny", Action: "kinesis:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    };
    expect(effect(policy, request("kinesis:PutRecord", STREAM, { "aws:SecureTransport": "true" }))).toBe("allow");
    expect(effect(policy, request("kinesis:PutRecord", STREAM, { "aws:SecureTransport": "false" }))).toBe("deny");
  });

  it("string, ARN, numeric and date operators; keys are case-insensitive", () => {
    expect(effect(allowIf({ StringEquals: { "aws:PrincipalAccount": "111111111111" } }), request("kinesis:X", STREAM, { "aws:principalaccount": "111111111111" }))).toBe("allow");
    expect(effect(allowIf({ StringNotEquals: { "aws:ResourceTag/team": "ops" } }), request("kinesis:X", STREAM, { "aws:ResourceTag/team": "ops" }))).toBe("none");
    expect(effect(allowIf({ StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/app-*" } }), request("kinesis:X", STREAM, { "aws:PrincipalArn": "arn:aws:iam::1:user/app-7" }))).toBe("allow");
    expect(effect(allowIf({ StringNotLike: { "aws:PrincipalArn": "*admin*" } }), request("kinesis:X", STREAM, { "aws:PrincipalArn": "arn:aws:iam::1:user/admin" }))).toBe("none");
    expect(effect(allowIf({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111111111111:*" } }), request("kinesis:X", STREAM, { "aws:PrincipalArn": "arn:aws:iam::111111111111:user/a" }))).toBe("allow");
    expect(effect(allowIf({ NumericLessThan: { "aws:EpochTime": 2000 } }), request("kinesis:X", STREAM, { "aws:EpochTime": "1999" }))).toBe("allow");
    expect(effect(allowIf({ NumericLessThan: { "aws:EpochTime": 2000 } }), request("kinesis:X", STREAM, { "aws:EpochTime": "2000" }))).toBe("none");
    expect(effect(allowIf({ DateGreaterThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } }), request("kinesis:X", STREAM, { "aws:CurrentTime": "2026-06-01T00:00:00.000Z" }))).toBe("allow");
  });

  it("missing keys: positive tests fail, negated pass, IfExists passes, Null tests presence", () => {
    const req = request("kinesis:X");
    expect(effect(allowIf({ StringEquals: { "aws:ResourceTag/team": "ops" } }), req)).toBe("none");
    expect(effect(allowIf({ StringNotEquals: { "aws:ResourceTag/team": "ops" } }), req)).toBe("allow");
    expect(effect(allowIf({ StringEqualsIfExists: { "aws:ResourceTag/team": "ops" } }), req)).toBe("allow");
    expect(effect(allowIf({ Null: { "aws:ResourceTag/team": "true" } }), req)).toBe("allow");
    expect(effect(allowIf({ Null: { "aws:ResourceTag/team": "false" } }), req)).toBe("none");
  });

  it("ForAllValues and ForAnyValue over aws:TagKeys; operators and keys are ANDed", () => {
    const allowed = allowIf({ "ForAllValues:StringEquals": { "aws:TagKeys": ["team", "env"] } });
    expect(effect(allowed, request("kinesis:TagResource", STREAM, { "aws:TagKeys": ["team"] }))).toBe("allow");
    expect(effect(allowed, request("kinesis:TagResource", STREAM, { "aws:TagKeys": ["team", "owner"] }))).toBe("none");
    const any = allowIf({ "ForAnyValue:StringLike": { "aws:TagKeys": "o*" } });
    expect(effect(any, request("kinesis:TagResource", STREAM, { "aws:TagKeys": ["team", "owner"] }))).toBe("allow");
    expect(effect(any, request("kinesis:TagResource", STREAM, {}))).toBe("none");
    const both = allowIf({ Bool: { "aws:SecureTransport": "true" }, IpAddress: { "aws:SourceIp": "10.0.0.0/8" } });
    expect(effect(both, request("kinesis:X", STREAM, { "aws:SecureTransport": "true", "aws:SourceIp": "10.0.0.1" }))).toBe("allow");
    expect(effect(both, request("kinesis:X", STREAM, { "aws:SecureTransport": "false", "aws:SourceIp": "10.0.0.1" }))).toBe("none");
  });
});
