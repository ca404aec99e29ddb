import { describe, it, expect } from "vitest";
import { compileJavaPattern } from "./java-regex.js";

describe("compileJavaPattern", () => {
  it("matches the whole value only", () => {
    const re = compileJavaPattern("0|([1-9]\\d{0,38})");
    expect(re.test("0")).toBe(true);
    expect(re.test("12")).toBe(true);
    expect(re.test("012")).toBe(false);
    expect(re.test("1a")).toBe(false);
  });

  it("reads possessive quantifiers as Java does", () => {
    const re = compileJavaPattern("arn:aws:kinesisanalytics:[a-z]{2}-[a-z]+-\\d{1}+:\\d{12}+:application/[a-zA-Z0-9_.-]{1,128}");
    expect(re.test("arn:aws:kinesisanalytics:us-east-1:123456789012:application/app")).toBe(true);
    // JavaScript would read \d{12}+ as "twelve digits, one or more times".
    expect(re.test("arn:aws:kinesisanalytics:us-east-1:123456789012123456789012:application/app")).toBe(false);
  });

  it("keeps escapes inside character classes", () => {
    const re = compileJavaPattern("arn:aws:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+");
    expect(re.test("arn:aws:iam::123456789012:role/my-role")).toBe(true);
    expect(re.test("arn:aws:iam::123456789012:role/my role")).toBe(false);
  });

  it("refuses Java constructs it cannot translate", () => {
    expect(() => compileJavaPattern("\\p{Alpha}+")).toThrow(/unsupported/);
    expect(() => compileJavaPattern("[a-z&&[^e]]")).toThrow(/unsupported/);
  });
});
