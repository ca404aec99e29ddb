import { analyticsOperation } from "./analytics-operation.js";
import { invalidArgument, resourceNotFound } from "./errors.js";
import type { AddApplicationInputProcessingConfigurationRequest, AddApplicationInputProcessingConfigurationResponse } from "./generated/types.js";

/** Stored and described; Lambda pre-processing itself arrives with the Lambda service (StartApplication says so until then). */
export const AddApplicationInputProcessingConfiguration = analyticsOperation<AddApplicationInputProcessingConfigurationRequest>(
  "AddApplicationInputProcessingConfiguration",
  async (input, ctx, deps): Promise<AddApplicationInputProcessingConfigurationResponse> => {
    await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) => {
      const stored = draft.inputs.find((i) => i.id === input.InputId);
      if (!stored) throw resourceNotFound(`Input id ${input.InputId} is not found in application ${draft.name}.`);
      if (stored.input.InputProcessingConfiguration) throw invalidArgument(`Input ${input.InputId} already has an input processing configuration.`);
      stored.input.InputProcessingConfiguration = input.InputProcessingConfiguration;
    });
    return {};
  },
);
