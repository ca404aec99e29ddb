import { analyticsOperation } from "./analytics-operation.js";
import type { ListTagsForResourceRequest, ListTagsForResourceResponse } from "./generated/types.js";
import { applicationByArn } from "./tag-rules.js";

export const ListTagsForResource = analyticsOperation<ListTagsForResourceRequest>("ListTagsForResource", (input, ctx, deps): ListTagsForResourceResponse => {
  const app = applicationByArn(deps, ctx, input.ResourceARN);
  return { Tags: Object.entries(app.tags).map(([Key, Value]) => ({ Key, Value })) };
});
