import type { RequestContext } from "../server/service.js";
import type { Caller } from "./policy.js";

/**
 * The `aws:` condition keys every service's requests carry (about the caller, the connection and the
 * time), lower-cased as policies are matched. Service-specific keys (resource tags, request tags)
 * are added by each authorizer.
 */
export function globalConditionValue(key: string, ctx: RequestContext, caller: Caller): readonly string[] | undefined {
  switch (key) {
    case "aws:sourceip":
      return [ctx.sourceIp];
    case "aws:securetransport":
      return [String(ctx.secure)];
    case "aws:principalaccount":
      return [caller.account];
    case "aws:principalarn":
      return [caller.arn];
    case "aws:username": {
      const slash = caller.arn.lastIndexOf("/");
      return slash < 0 ? undefined : [caller.arn.slice(slash + 1)];
    }
    case "aws:userid":
      return ctx.accessKeyId === undefined ? undefined : [ctx.accessKeyId];
    case "aws:requestedregion":
      return [ctx.region];
    case "aws:currenttime":
      return [new Date(ctx.receivedAtMs).toISOString()];
    case "aws:epochtime":
      return [String(Math.floor(ctx.receivedAtMs / 1000))];
    default:
      return undefined;
  }
}
