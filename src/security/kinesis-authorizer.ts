/**
 * Authorization of Kinesis operations, evaluated as IAM does: an explicit Deny in either the caller's
 * identity policy or the resource's policy wins; within one account an Allow from either side suffices;
 * across accounts both sides must allow. Every operation is the IAM action `kinesis:<Operation>` on the
 * stream or consumer it names (`*` for account-level operations).
 *
 * This is also where account and region isolation is enforced: an operation may name another
 * account's stream or consumer by ARN only when a resource policy grants it, and never one in another
 * region. With `--auth off` the caller is its account's root: allowed everything in its own account,
 * and in other accounts only what their resource policies grant.
 */
import { parseConsumerArn, parseStreamArn, streamArn, type StreamRef } from "../core/arn.js";
import { accessDenied, resourceNotFound } from "../core/errors.js";
import type { StreamsEngine } from "../kinesis/engine/streams-engine.js";
import type { RequestContext } from "../server/service.js";
import type { CredentialStore } from "./credentials.js";
import { globalConditionValue } from "./global-condition-keys.js";
import { evaluateIdentityPolicy, evaluatePolicy, parsePolicy, PolicySyntaxError, type Caller, type Decision, type Policy } from "./policy.js";

/** What the Kinesis operations call before they act. */
export interface OperationAuthorizer {
  /** Throws AccessDeniedException (or ResourceNotFoundException for another region's ARN). */
  authorize(operation: string, input: unknown, ctx: RequestContext): void;
}

export interface KinesisAuthorizerOptions {
  engine: StreamsEngine;
  /** Present with `--auth sigv4`: callers are its users, bound by their identity policies. */
  credentials?: CredentialStore | undefined;
}

interface ResourceInput {
  StreamName?: unknown;
  StreamARN?: unknown;
  ConsumerARN?: unknown;
  ConsumerName?: unknown;
  ResourceARN?: unknown;
  ShardIterator?: unknown;
  Tags?: unknown;
  TagKeys?: unknown;
}

interface Target {
  /** What policies match against: an ARN or `*`. */
  arn: string;
  account: string;
  region: string;
  kind: "stream" | "consumer" | "account" | "unknown";
  /** The resource's policy text and tags, when it exists. */
  policy: string | undefined;
  tags: Record<string, string> | undefined;
}

const POLICY_CACHE_ENTRIES_MAX = 1024;
const ALLOW_ALL: Decision = { effect: "allow", principal: "direct" };

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export class KinesisAuthorizer implements OperationAuthorizer {
  private readonly parsedPolicies = new Map<string, Policy | null>();

  constructor(private readonly options: KinesisAuthorizerOptions) {}

  authorize(operation: string, input: unknown, ctx: RequestContext): void {
    const target = this.target(operation, (input ?? {}) as ResourceInput, ctx);
    const credentials = this.options.credentials;
    const user = credentials?.get(ctx.accessKeyId);
    const caller: Caller = user !== undefined ? { arn: user.arn, account: user.accountId } : { arn: `arn:aws:iam::${ctx.account}:root`, account: ctx.account };
    const sameAccount = target.account === caller.account;
    // The common case costs nothing: auth off, own account, no resource policy.
    if (credentials === undefined && sameAccount && target.policy === undefined) return;

    const action = `kinesis:${operation}`;
    const request = { action, resource: target.arn, context: this.context(ctx, caller, target, input as ResourceInput) };
    let identity: Decision;
    if (credentials === undefined) identity = ALLOW_ALL;
    else identity = user?.policy !== undefined ? evaluateIdentityPolicy(user.policy, request) : { effect: "none" };
    const resourcePolicy = this.policy(target.policy);
    const resource: Decision = resourcePolicy !== undefined ? evaluatePolicy(resourcePolicy, request, caller) : { effect: "none" };

    const denied = (why: string) => accessDenied(`User: ${caller.arn} is not authorized to perform: ${action} on resource: ${target.arn} ${why}`);
    if (identity.effect === "deny") throw denied("with an explicit deny in an identity-based policy");
    if (resource.effect === "deny") throw denied("with an explicit deny in a resource-based policy");
    if (sameAccount) {
      // A resource policy naming only the account delegates to the account's identity policies.
      if (identity.effect === "allow" || (resource.effect === "allow" && resource.principal === "direct")) return;
      throw denied(`because no identity-based policy allows the ${action} action`);
    }
    if (identity.effect !== "allow") throw denied(`because no identity-based policy allows the ${action} action`);
    if (resource.effect !== "allow") throw denied(`because no resource-based policy allows the ${action} action`);
  }

  private policy(text: string | undefined): Policy | undefined {
    if (text === undefined) return undefined;
    let parsed = this.parsedPolicies.get(text);
    if (parsed === undefined) {
      try {
        parsed = parsePolicy(text);
      } catch (error) {
        // A stored policy this evaluator cannot read grants nothing (and denies nothing).
        if (!(error instanceof PolicySyntaxError)) throw error;
        parsed = null;
      }
      if (this.parsedPolicies.size >= POLICY_CACHE_ENTRIES_MAX) this.parsedPolicies.clear();
      this.parsedPolicies.set(text, parsed);
    }
    return parsed ?? undefined;
  }

  /** The resource an operation acts on, resolved without side effects; unknown names still get an ARN. */
  private target(operation: string, input: ResourceInput, ctx: RequestContext): Target {
    const engine = this.options.engine;
    const consumerArn = str(input.ConsumerARN) ?? (operation.endsWith("ResourcePolicy") || operation.endsWith("Resource") ? str(input.ResourceARN) : undefined);
    const consumerRef = consumerArn !== undefined ? parseConsumerArn(consumerArn) : undefined;
    if (consumerArn !== undefined && consumerRef !== undefined) {
      const stream = engine.findStream(consumerRef);
      const consumer = stream?.meta.consumers.find((c) => c.consumerArn === consumerArn);
      return this.regional({ arn: consumerArn, account: consumerRef.account, region: consumerRef.region, kind: "consumer", policy: consumer?.policy, tags: consumer?.tags }, ctx, consumerRef.streamName);
    }
    let arn = str(input.StreamARN) ?? str(input.ResourceARN);
    let ref: StreamRef | undefined;
    if (arn === undefined && typeof input.StreamName === "string") {
      // The hot path (PutRecords by name): no ARN to parse.
      ref = { account: ctx.account, region: ctx.region, streamName: input.StreamName };
      arn = streamArn(ref);
    }
    if (arn === undefined && typeof input.ShardIterator === "string") {
      const position = engine.iterators.decode(input.ShardIterator);
      if (position) {
        ref = { account: position.account, region: position.region, streamName: position.streamName };
        arn = streamArn(ref);
      }
    }
    if (arn === undefined) return { arn: "*", account: ctx.account, region: ctx.region, kind: "account", policy: undefined, tags: undefined };
    ref ??= parseStreamArn(arn);
    if (!ref) return { arn, account: ctx.account, region: ctx.region, kind: "unknown", policy: undefined, tags: undefined };
    const stream = engine.findStream(ref);
    const consumerName = str(input.ConsumerName);
    if (consumerName !== undefined && operation !== "RegisterStreamConsumer") {
      // Describe/DeregisterStreamConsumer by StreamARN + ConsumerName act on the consumer.
      const consumer = stream?.meta.consumers.find((c) => c.consumerName === consumerName);
      const consumerTarget = consumer?.consumerArn ?? `${arn}/consumer/${consumerName}:*`;
      return this.regional({ arn: consumerTarget, account: ref.account, region: ref.region, kind: "consumer", policy: consumer?.policy, tags: consumer?.tags }, ctx, ref.streamName);
    }
    return this.regional({ arn, account: ref.account, region: ref.region, kind: "stream", policy: stream?.meta.policy, tags: stream?.meta.tags }, ctx, ref.streamName);
  }

  /** Regions are isolated: another region's resource does not exist from here. */
  private regional(target: Target, ctx: RequestContext, streamName: string): Target {
    if (target.region !== ctx.region) {
      throw target.kind === "consumer"
        ? resourceNotFound(`Consumer ${target.arn}, account ${target.account}, not found.`)
        : resourceNotFound(`Stream ${streamName} under account ${target.account} not found.`);
    }
    return target;
  }

  private context(ctx: RequestContext, caller: Caller, target: Target, input: ResourceInput) {
    return {
      get(key: string): readonly string[] | undefined {
        switch (key) {
          case "aws:resourceaccount":
            return [target.account];
          case "aws:tagkeys":
            return requestTagKeys(input);
        }
        if (key.startsWith("aws:resourcetag/")) return tagValue(target.tags, key.slice("aws:resourcetag/".length));
        if (key.startsWith("aws:requesttag/")) return tagValue(requestTags(input), key.slice("aws:requesttag/".length));
        return globalConditionValue(key, ctx, caller);
      },
    };
  }
}

function requestTags(input: ResourceInput): Record<string, string> | undefined {
  const tags = input.Tags;
  return typeof tags === "object" && tags !== null && !Array.isArray(tags) ? (tags as Record<string, string>) : undefined;
}

function requestTagKeys(input: ResourceInput): string[] | undefined {
  if (Array.isArray(input.TagKeys)) return input.TagKeys.filter((k): k is string => typeof k === "string");
  const tags = requestTags(input);
  return tags === undefined ? undefined : Object.keys(tags);
}

/** Tag keys compare case-insensitively in condition keys, as IAM's do. */
function tagValue(tags: Record<string, string> | undefined, lowerKey: string): string[] | undefined {
  if (tags === undefined) return undefined;
  for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === lowerKey) return [v];
  return undefined;
}

