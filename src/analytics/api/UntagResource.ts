import { analyticsOperation } from "./analytics-operation.js";
import type { UntagResourceRequest, UntagResourceResponse } from "./generated/types.js";
import { applicationByArn } from "./tag-rules.js";

export const UntagResource = analyticsOperation<UntagResourceRequest>("UntagResource", async (input, ctx, deps): Promise<UntagResourceResponse> => {
  const app = applicationByArn(deps, ctx, input.ResourceARN);
  await deps.applications.touch(app.account, app.region, app.name, (draft) => {
    for (const key of input.TagKeys) delete draft.tags[key];
  });
  return {};
});
