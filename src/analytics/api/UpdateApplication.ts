import { analyticsOperation } from "./analytics-operation.js";
import { applyApplicationUpdate } from "./application-updates.js";
import type { UpdateApplicationRequest, UpdateApplicationResponse } from "./generated/types.js";

export const UpdateApplication = analyticsOperation<UpdateApplicationRequest>("UpdateApplication", async (input, ctx, deps): Promise<UpdateApplicationResponse> => {
  await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) =>
    applyApplicationUpdate(draft, input.ApplicationUpdate),
  );
  return {};
});
