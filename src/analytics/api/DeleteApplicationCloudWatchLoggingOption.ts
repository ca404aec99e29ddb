import { analyticsOperation } from "./analytics-operation.js";
import { resourceNotFound } from "./errors.js";
import type { DeleteApplicationCloudWatchLoggingOptionRequest, DeleteApplicationCloudWatchLoggingOptionResponse } from "./generated/types.js";

export const DeleteApplicationCloudWatchLoggingOption = analyticsOperation<DeleteApplicationCloudWatchLoggingOptionRequest>(
  "DeleteApplicationCloudWatchLoggingOption",
  async (input, ctx, deps): Promise<DeleteApplicationCloudWatchLoggingOptionResponse> => {
    await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) => {
      const index = draft.loggingOptions.findIndex((o) => o.id === input.CloudWatchLoggingOptionId);
      if (index < 0) throw resourceNotFound(`CloudWatch logging option id ${input.CloudWatchLoggingOptionId} is not found in application ${draft.name}.`);
      draft.loggingOptions.splice(index, 1);
    });
    return {};
  },
);
