import { analyticsOperation } from "./analytics-operation.js";
import type { StopApplicationRequest, StopApplicationResponse } from "./generated/types.js";

export const StopApplication = analyticsOperation<StopApplicationRequest>("StopApplication", async (input, ctx, deps): Promise<StopApplicationResponse> => {
  await deps.applications.stop(ctx.account, ctx.region, input.ApplicationName);
  return {};
});
