import { ANALYTICS_INPUTS_PER_APPLICATION_MAX } from "../../core/limits.js";
import { analyticsOperation } from "./analytics-operation.js";
import { nextId } from "./application-model.js";
import { checkCode, checkInput } from "./config-rules.js";
import { invalidArgument } from "./errors.js";
import type { AddApplicationInputRequest, AddApplicationInputResponse } from "./generated/types.js";

export const AddApplicationInput = analyticsOperation<AddApplicationInputRequest>("AddApplicationInput", async (input, ctx, deps): Promise<AddApplicationInputResponse> => {
  checkInput(input.Input);
  await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) => {
    if (draft.inputs.length >= ANALYTICS_INPUTS_PER_APPLICATION_MAX) {
      throw invalidArgument(`Application ${draft.name} already has ${ANALYTICS_INPUTS_PER_APPLICATION_MAX} input; an application can have only one.`);
    }
    draft.inputs.push({ id: nextId(draft, "input"), input: input.Input });
    checkCode(draft);
  });
  return {};
});
