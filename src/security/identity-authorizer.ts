/**
 * Authorization for services whose resources have no resource policies (Kinesis Data Analytics so
 * far): the caller's identity policy alone decides, as IAM does when no resource policy applies.
 * With `--auth off` every caller acts as its account's root and is allowed; services keep their
 * resources per account and region, so that is isolation enough.
 */
import { accessDenied } from "../core/errors.js";
import type { RequestContext } from "../server/service.js";
import type { CredentialStore } from "./credentials.js";
import { globalConditionValue } from "./global-condition-keys.js";
import { evaluateIdentityPolicy } from "./policy.js";

export interface ServiceAuthorizer {
  /** Throws AccessDeniedException unless the caller may perform `action` (e.g. `kinesisanalytics:StartApplication`) on `resourceArn`. */
  authorize(action: string, resourceArn: string, ctx: RequestContext): void;
}

export class IdentityAuthorizer implements ServiceAuthorizer {
  constructor(private readonly credentials: CredentialStore | undefined) {}

  authorize(action: string, resourceArn: string, ctx: RequestContext): void {
    const credentials = this.credentials;
    if (credentials === undefined) return;
    const user = credentials.get(ctx.accessKeyId);
    const callerArn = user?.arn ?? `arn:aws:iam::${ctx.account}:root`;
    const caller = { arn: callerArn, account: user?.accountId ?? ctx.account };
    const decision =
      user?.policy !== undefined
        ? evaluateIdentityPolicy(user.policy, { action, resource: resourceArn, context: { get: (key: string) => globalConditionValue(key, ctx, caller) } })
        : { effect: "none" as const };
    if (decision.effect === "allow") return;
    const why = decision.effect === "deny" ? "with an explicit deny in an identity-based policy" : `because no identity-based policy allows the ${action} action`;
    throw accessDenied(`User: ${callerArn} is not authorized to perform: ${action} on resource: ${resourceArn} ${why}`);
  }
}
