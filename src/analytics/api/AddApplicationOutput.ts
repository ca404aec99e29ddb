import { ANALYTICS_OUTPUTS_PER_APPLICATION_MAX } from "../../core/limits.js";
import { analyticsOperation } from "./analytics-operation.js";
import { nextId } from "./application-model.js";
import { checkOutput } from "./config-rules.js";
import { invalidArgument } from "./errors.js";
import type { AddApplicationOutputRequest, AddApplicationOutputResponse } from "./generated/types.js";

export const AddApplicationOutput = analyticsOperation<AddApplicationOutputRequest>("AddApplicationOutput", async (input, ctx, deps): Promise<AddApplicationOutputResponse> => {
  checkOutput(input.Output);
  await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) => {
    if (draft.outputs.length >= ANALYTICS_OUTPUTS_PER_APPLICATION_MAX) {
      throw invalidArgument(`Application ${draft.name} already has ${ANALYTICS_OUTPUTS_PER_APPLICATION_MAX} outputs, the most an application can have.`);
    }
    draft.outputs.push({ id: nextId(draft, "output"), output: input.Output });
  });
  return {};
});
