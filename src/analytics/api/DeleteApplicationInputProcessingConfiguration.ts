import { analyticsOperation } from "./analytics-operation.js";
import { resourceNotFound } from "./errors.js";
import type { DeleteApplicationInputProcessingConfigurationRequest, DeleteApplicationInputProcessingConfigurationResponse } from "./generated/types.js";

export const DeleteApplicationInputProcessingConfiguration = analyticsOperation<DeleteApplicationInputProcessingConfigurationRequest>(
  "DeleteApplicationInputProcessingConfiguration",
  async (input, ctx, deps): Promise<DeleteApplicationInputProcessingConfigurationResponse> => {
    await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) => {
      const stored = draft.inputs.find((i) => i.id === input.InputId);
      if (!stored) throw resourceNotFound(`Input id ${input.InputId} is not found in application ${draft.name}.`);
      if (!stored.input.InputProcessingConfiguration) throw resourceNotFound(`Input ${input.InputId} has no input processing configuration.`);
      delete stored.input.InputProcessingConfiguration;
    });
    return {};
  },
);
