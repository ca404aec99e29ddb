import { analyticsOperation } from "./analytics-operation.js";
import { summaryOf } from "./application-model.js";
import type { ListApplicationsRequest, ListApplicationsResponse } from "./generated/types.js";

/** Without a Limit, a page holds this many applications (the model's maximum Limit). */
const LIST_APPLICATIONS_DEFAULT_LIMIT = 50;

export const ListApplications = analyticsOperation<ListApplicationsRequest>("ListApplications", (input, ctx, deps): ListApplicationsResponse => {
  const start = input.ExclusiveStartApplicationName;
  const after = deps.applications.list(ctx.account, ctx.region).filter((a) => start === undefined || a.name > start);
  const limit = input.Limit ?? LIST_APPLICATIONS_DEFAULT_LIMIT;
  return { ApplicationSummaries: after.slice(0, limit).map(summaryOf), HasMoreApplications: after.length > limit };
});
