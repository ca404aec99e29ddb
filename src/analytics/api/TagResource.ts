import { ANALYTICS_TAGS_PER_APPLICATION_MAX } from "../../core/limits.js";
import { analyticsOperation } from "./analytics-operation.js";
import { tooManyTags } from "./errors.js";
import type { TagResourceRequest, TagResourceResponse } from "./generated/types.js";
import { applicationByArn, tagMap } from "./tag-rules.js";

export const TagResource = analyticsOperation<TagResourceRequest>("TagResource", async (input, ctx, deps): Promise<TagResourceResponse> => {
  const app = applicationByArn(deps, ctx, input.ResourceARN);
  const tags = tagMap(input.Tags);
  await deps.applications.touch(app.account, app.region, app.name, (draft) => {
    const merged = { ...draft.tags, ...tags };
    if (Object.keys(merged).length > ANALYTICS_TAGS_PER_APPLICATION_MAX) {
      throw tooManyTags(`Application ${draft.name} would have more than ${ANALYTICS_TAGS_PER_APPLICATION_MAX} tags.`);
    }
    draft.tags = merged;
  });
  return {};
});
