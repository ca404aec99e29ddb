/** Tag checks shared by CreateApplication, TagResource and UntagResource. */
import type { RequestContext } from "../../server/service.js";
import type { AnalyticsDeps } from "./analytics-operation.js";
import { parseApplicationArn, type StoredApplication } from "./application-model.js";
import { invalidArgument, resourceNotFound } from "./errors.js";
import type { Tag } from "./generated/types.js";

export function tagMap(tags: readonly Tag[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags) {
    // AWS reserves the aws: prefix for its own tags.
    if (tag.Key.toLowerCase().startsWith("aws:")) throw invalidArgument(`Tag key ${tag.Key} uses the reserved prefix aws:.`);
    out[tag.Key] = tag.Value ?? "";
  }
  return out;
}

/** The application an ARN names; it must be in the caller's account and region. */
export function applicationByArn(deps: AnalyticsDeps, ctx: RequestContext, arn: string): StoredApplication {
  const ref = parseApplicationArn(arn);
  if (!ref) throw invalidArgument(`${arn} is not a valid Kinesis Analytics application ARN.`);
  const app = ref.account === ctx.account && ref.region === ctx.region ? deps.applications.find(ref.account, ref.region, ref.name) : undefined;
  if (!app) throw resourceNotFound(`Application ${arn} is not found.`);
  return app;
}
