import { analyticsOperation } from "./analytics-operation.js";
import { nextId } from "./application-model.js";
import { invalidArgument } from "./errors.js";
import type { AddApplicationCloudWatchLoggingOptionRequest, AddApplicationCloudWatchLoggingOptionResponse } from "./generated/types.js";

/** Accepted and stored; Tributary writes its logs to its own log, not to CloudWatch. */
export const AddApplicationCloudWatchLoggingOption = analyticsOperation<AddApplicationCloudWatchLoggingOptionRequest>(
  "AddApplicationCloudWatchLoggingOption",
  async (input, ctx, deps): Promise<AddApplicationCloudWatchLoggingOptionResponse> => {
    await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) => {
      if (draft.loggingOptions.some((o) => o.option.LogStreamARN === input.CloudWatchLoggingOption.LogStreamARN)) {
        throw invalidArgument(`Log stream ${input.CloudWatchLoggingOption.LogStreamARN} is already configured for application ${draft.name}.`);
      }
      draft.loggingOptions.push({ id: nextId(draft, "logging"), option: input.CloudWatchLoggingOption });
    });
    return {};
  },
);
