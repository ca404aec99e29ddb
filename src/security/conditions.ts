/**
 * IAM Condition blocks: `{"<Operator>": {"<key>": <value or values>}}`. Operators are ANDed, keys in
 * one operator are ANDed, the values of one key are ORed. Keys are case-insensitive, as in IAM.
 *
 * Supported operators: String(Not)Equals(IgnoreCase), String(Not)Like, Arn(Not)Equals, Arn(Not)Like,
 * Numeric*, Date*, Bool, IpAddress, NotIpAddress, Null; the `...IfExists` suffix; and the
 * `ForAnyValue:` / `ForAllValues:` set prefixes for multi-valued keys (aws:TagKeys).
 */
import { BlockList, isIP } from "node:net";
import { wildcardMatch } from "./wildcard.js";

/** Request facts conditions test: lower-cased key -> values (most keys have one). */
export interface ConditionContext {
  get(key: string): readonly string[] | undefined;
}

/** One parsed test: operator, key and the policy's values. */
export interface ConditionTest {
  operator: string;
  key: string;
  values: string[];
}

export class PolicySyntaxError extends Error {
  override name = "PolicySyntaxError";
}

type Compare = (policyValue: string, contextValue: string) => boolean;

const numeric = (op: (a: number, b: number) => boolean): Compare => (p, c) => {
  const a = Number(c);
  const b = Number(p);
  return !Number.isNaN(a) && !Number.isNaN(b) && op(a, b);
};

const date = (op: (a: number, b: number) => boolean): Compare => (p, c) => {
  const a = parseDate(c);
  const b = parseDate(p);
  return a !== undefined && b !== undefined && op(a, b);
};

function parseDate(value: string): number | undefined {
  // IAM accepts ISO 8601 dates and epoch seconds.
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function ipMatch(cidr: string, ip: string): boolean {
  const address = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(address);
  if (family === 0) return false;
  const [base = "", prefixText] = cidr.split("/");
  const baseFamily = isIP(base);
  if (baseFamily !== family) return false;
  const list = new BlockList();
  const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
  list.addSubnet(base, prefix, family === 4 ? "ipv4" : "ipv6");
  return list.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Positive comparisons; the `Not` operators negate these. */
const COMPARE: Record<string, Compare> = {
  stringequals: (p, c) => p === c,
  stringequalsignorecase: (p, c) => p.toLowerCase() === c.toLowerCase(),
  stringlike: (p, c) => wildcardMatch(p, c),
  // IAM documents ArnEquals and ArnLike as the same test.
  arnequals: (p, c) => wildcardMatch(p, c),
  arnlike: (p, c) => wildcardMatch(p, c),
  numericequals: numeric((a, b) => a === b),
  numericlessthan: numeric((a, b) => a < b),
  numericlessthanequals: numeric((a, b) => a <= b),
  numericgreaterthan: numeric((a, b) => a > b),
  numericgreaterthanequals: numeric((a, b) => a >= b),
  dateequals: date((a, b) => a === b),
  datelessthan: date((a, b) => a < b),
  datelessthanequals: date((a, b) => a <= b),
  dategreaterthan: date((a, b) => a > b),
  dategreaterthanequals: date((a, b) => a >= b),
  bool: (p, c) => p.toLowerCase() === c.toLowerCase(),
  ipaddress: ipMatch,
};

const NEGATED: Record<string, string> = {
  stringnotequals: "stringequals",
  stringnotequalsignorecase: "stringequalsignorecase",
  stringnotlike: "stringlike",
  arnnotequals: "arnequals",
  arnnotlike: "arnlike",
  numericnotequals: "numericequals",
  datenotequals: "dateequals",
  notipaddress: "ipaddress",
};

interface ParsedOperator {
  set: "any" | "all" | undefined;
  base: string;
  negated: boolean;
  ifExists: boolean;
}

function parseOperator(operator: string): ParsedOperator {
  let name = operator.toLowerCase();
  let set: ParsedOperator["set"];
  if (name.startsWith("foranyvalue:")) {
    set = "any";
    name = name.slice("foranyvalue:".length);
  } else if (name.startsWith("forallvalues:")) {
    set = "all";
    name = name.slice("forallvalues:".length);
  }
  let ifExists = false;
  if (name.endsWith("ifexists") && name !== "null") {
    ifExists = true;
    name = name.slice(0, -"ifexists".length);
  }
  if (name === "null") return { set, base: "null", negated: false, ifExists: false };
  const positive = NEGATED[name];
  if (positive !== undefined) return { set, base: positive, negated: true, ifExists };
  if (COMPARE[name] === undefined) throw new PolicySyntaxError(`Unsupported condition operator ${operator}`);
  return { set, base: name, negated: false, ifExists };
}

/** Validates and flattens a Condition block. */
export function parseConditions(block: unknown): ConditionTest[] {
  if (block === undefined) return [];
  if (typeof block !== "object" || block === null || Array.isArray(block)) throw new PolicySyntaxError("Condition must be an object");
  const tests: ConditionTest[] = [];
  for (const [operator, keys] of Object.entries(block)) {
    parseOperator(operator);
    if (typeof keys !== "object" || keys === null || Array.isArray(keys)) throw new PolicySyntaxError(`Condition ${operator} must map keys to values`);
    for (const [key, raw] of Object.entries(keys as Record<string, unknown>)) {
      const list = Array.isArray(raw) ? raw : [raw];
      const values = list.map((v) => {
        if (typeof v === "string") return v;
        if (typeof v === "number" || typeof v === "boolean") return String(v);
        throw new PolicySyntaxError(`Condition ${operator} ${key}: values must be strings, numbers or booleans`);
      });
      tests.push({ operator, key: key.toLowerCase(), values });
    }
  }
  return tests;
}

function anyMatch(compare: Compare, policyValues: readonly string[], contextValue: string): boolean {
  for (const p of policyValues) if (compare(p, contextValue)) return true;
  return false;
}

/** True when every test holds for the context. */
export function conditionsHold(tests: readonly ConditionTest[], context: ConditionContext): boolean {
  for (const test of tests) if (!testHolds(test, context)) return false;
  return true;
}

function testHolds(test: ConditionTest, context: ConditionContext): boolean {
  const op = parseOperator(test.operator);
  const present = context.get(test.key);
  if (op.base === "null") {
    const wantsMissing = test.values.some((v) => v.toLowerCase() === "true");
    const missing = present === undefined || present.length === 0;
    return wantsMissing === missing;
  }
  const compare = COMPARE[op.base]!;
  if (present === undefined || present.length === 0) {
    // IAM: a missing key fails positive tests, passes negated ones, and passes anything ...IfExists;
    // ForAllValues over an empty set is vacuously true.
    if (op.ifExists || op.set === "all") return true;
    return op.negated && op.set !== "any";
  }
  const matches = (value: string) => anyMatch(compare, test.values, value) !== op.negated;
  if (op.set === "all") return present.every(matches);
  return present.some(matches);
}
