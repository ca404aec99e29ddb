/**
 * IAM policy documents (identity and resource policies): parsed once, then evaluated per request.
 * A policy's answer is "deny" when any matching Deny statement applies, else "allow" when any matching
 * Allow applies, else "none" (implicit deny); combining answers across policies is the authorizer's job.
 */
import { conditionsHold, parseConditions, PolicySyntaxError, type ConditionContext, type ConditionTest } from "./conditions.js";
import { wildcardMatch } from "./wildcard.js";

export { PolicySyntaxError } from "./conditions.js";

/** How a resource policy's Principal names the caller. */
export type PrincipalMatch = "none" | "account" | "direct";

interface PrincipalSpec {
  /** `"Principal": "*"` or `{"AWS": "*"}`. */
  anyone: boolean;
  /** 12-digit accounts named by id or by `arn:aws:iam::<account>:root`. */
  accounts: Set<string>;
  /** Exact principal ARNs (users, roles). */
  arns: Set<string>;
}

export interface Statement {
  sid: string | undefined;
  effect: "Allow" | "Deny";
  actions: string[] | undefined;
  notActions: string[] | undefined;
  resources: string[] | undefined;
  notResources: string[] | undefined;
  principal: PrincipalSpec | undefined;
  notPrincipal: PrincipalSpec | undefined;
  conditions: ConditionTest[];
}

export interface Policy {
  statements: Statement[];
}

export interface Caller {
  /** The principal's ARN, e.g. `arn:aws:iam::123456789012:user/alice`. */
  arn: string;
  account: string;
}

export interface PolicyRequest {
  /** `kinesis:PutRecords` */
  action: string;
  /** The resource ARN, or `*` for account-level actions. */
  resource: string;
  context: ConditionContext;
}

export type Decision = { effect: "deny" } | { effect: "allow"; principal: PrincipalMatch } | { effect: "none" };

const NONE: Decision = { effect: "none" };
const DENY: Decision = { effect: "deny" };

function stringList(value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v): v is string => typeof v === "string")) throw new PolicySyntaxError(`${what} must be a string or a list of strings`);
  return list;
}

const ACCOUNT_ID = /^\d{12}$/;
const ROOT_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

function parsePrincipal(value: unknown, what: string): PrincipalSpec | undefined {
  if (value === undefined) return undefined;
  const spec: PrincipalSpec = { anyone: false, accounts: new Set(), arns: new Set() };
  if (value === "*") {
    spec.anyone = true;
    return spec;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PolicySyntaxError(`${what} must be "*" or an object`);
  // Service and federated principals never sign requests to this server; only "AWS" principals apply.
  const aws = stringList((value as Record<string, unknown>).AWS, `${what}.AWS`) ?? [];
  for (const entry of aws) {
    if (entry === "*") spec.anyone = true;
    else if (ACCOUNT_ID.test(entry)) spec.accounts.add(entry);
    else {
      const root = ROOT_ARN.exec(entry);
      if (root) spec.accounts.add(root[1]!);
      else spec.arns.add(entry);
    }
  }
  return spec;
}

function parseStatement(raw: unknown, index: number): Statement {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new PolicySyntaxError(`Statement ${index} must be an object`);
  const s = raw as Record<string, unknown>;
  if (s.Effect !== "Allow" && s.Effect !== "Deny") throw new PolicySyntaxError(`Statement ${index}: Effect must be Allow or Deny`);
  const statement: Statement = {
    sid: typeof s.Sid === "string" ? s.Sid : undefined,
    effect: s.Effect,
    actions: stringList(s.Action, "Action"),
    notActions: stringList(s.NotAction, "NotAction"),
    resources: stringList(s.Resource, "Resource"),
    notResources: stringList(s.NotResource, "NotResource"),
    principal: parsePrincipal(s.Principal, "Principal"),
    notPrincipal: parsePrincipal(s.NotPrincipal, "NotPrincipal"),
    conditions: parseConditions(s.Condition),
  };
  if ((statement.actions === undefined) === (statement.notActions === undefined)) {
    throw new PolicySyntaxError(`Statement ${index}: exactly one of Action and NotAction is required`);
  }
  if (statement.resources !== undefined && statement.notResources !== undefined) {
    throw new PolicySyntaxError(`Statement ${index}: Resource and NotResource cannot both be present`);
  }
  return statement;
}

/** Parses a policy document (an object or its JSON text); throws PolicySyntaxError. */
export function parsePolicy(document: unknown): Policy {
  let value = document;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw new PolicySyntaxError("Policy is not valid JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PolicySyntaxError("Policy must be a JSON object");
  const raw = (value as Record<string, unknown>).Statement;
  if (raw === undefined) throw new PolicySyntaxError("Policy must contain a Statement");
  const list = Array.isArray(raw) ? raw : [raw];
  return { statements: list.map(parseStatement) };
}

function matchesAny(patterns: readonly string[], value: string, ignoreCase: boolean): boolean {
  for (const p of patterns) if (wildcardMatch(p, value, ignoreCase)) return true;
  return false;
}

function principalMatch(spec: PrincipalSpec, caller: Caller): PrincipalMatch {
  if (spec.arns.has(caller.arn)) return "direct";
  if (spec.anyone) return "direct";
  if (spec.accounts.has(caller.account)) return "account";
  return "none";
}

function statementApplies(s: Statement, request: PolicyRequest): boolean {
  // Actions are case-insensitive in IAM; resource ARNs are case-sensitive.
  if (s.actions !== undefined ? !matchesAny(s.actions, request.action, true) : matchesAny(s.notActions!, request.action, true)) return false;
  if (s.resources !== undefined && !matchesAny(s.resources, request.resource, false)) return false;
  if (s.notResources !== undefined && matchesAny(s.notResources, request.resource, false)) return false;
  return conditionsHold(s.conditions, request.context);
}

/**
 * Evaluates one policy. `caller` is given for resource policies (statements need a matching
 * Principal); identity policies have none and apply to their own user.
 */
export function evaluatePolicy(policy: Policy, request: PolicyRequest, caller?: Caller): Decision {
  let allowed: PrincipalMatch | undefined;
  for (const s of policy.statements) {
    let match: PrincipalMatch = "direct";
    if (caller !== undefined) {
      if (s.principal !== undefined) match = principalMatch(s.principal, caller);
      else if (s.notPrincipal !== undefined) match = principalMatch(s.notPrincipal, caller) === "none" ? "direct" : "none";
      else match = "none";
      if (match === "none") continue;
    }
    if (!statementApplies(s, request)) continue;
    if (s.effect === "Deny") return DENY;
    if (allowed !== "direct") allowed = match;
  }
  return allowed === undefined ? NONE : { effect: "allow", principal: allowed };
}

/** Answers remembered per identity policy; beyond it that policy's memory starts over. */
const DECISIONS_CACHED_PER_POLICY_MAX = 1024;
/** Per parsed policy: its remembered answers, or null when a Condition makes answers depend on the request. */
const decisionMemos = new WeakMap<Policy, Map<string, Decision> | null>();

/**
 * `evaluatePolicy` for an identity policy (no caller), remembering the answers of a policy without
 * conditions: those depend on the action and the resource alone, and a caller asks the same few
 * questions over and over (PutRecords on one stream). Parsed policies are never changed, so an
 * answer stays right for the policy object's life.
 */
export function evaluateIdentityPolicy(policy: Policy, request: PolicyRequest): Decision {
  let memo = decisionMemos.get(policy);
  if (memo === undefined) {
    memo = policy.statements.every((s) => s.conditions.length === 0) ? new Map() : null;
    decisionMemos.set(policy, memo);
  }
  if (memo === null) return evaluatePolicy(policy, request);
  // The action's length first keeps every (action, resource) pair's key distinct.
  const key = `${request.action.length}:${request.action}${request.resource}`;
  let decision = memo.get(key);
  if (decision === undefined) {
    decision = evaluatePolicy(policy, request);
    if (memo.size >= DECISIONS_CACHED_PER_POLICY_MAX) memo.clear();
    memo.set(key, decision);
  }
  return decision;
}
