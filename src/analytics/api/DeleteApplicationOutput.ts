import { analyticsOperation } from "./analytics-operation.js";
import { resourceNotFound } from "./errors.js";
import type { DeleteApplicationOutputRequest, DeleteApplicationOutputResponse } from "./generated/types.js";

export const DeleteApplicationOutput = analyticsOperation<DeleteApplicationOutputRequest>("DeleteApplicationOutput", async (input, ctx, deps): Promise<DeleteApplicationOutputResponse> => {
  await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) => {
    const index = draft.outputs.findIndex((o) => o.id === input.OutputId);
    if (index < 0) throw resourceNotFound(`Output id ${input.OutputId} is not found in application ${draft.name}.`);
    draft.outputs.splice(index, 1);
  });
  return {};
});
