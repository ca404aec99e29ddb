import { analyticsOperation } from "./analytics-operation.js";
import type { DeleteApplicationRequest, DeleteApplicationResponse } from "./generated/types.js";

export const DeleteApplication = analyticsOperation<DeleteApplicationRequest>("DeleteApplication", async (input, ctx, deps): Promise<DeleteApplicationResponse> => {
  await deps.applications.delete(ctx.account, ctx.region, input.ApplicationName, input.CreateTimestamp.getTime());
  return {};
});
