import { analyticsOperation } from "./analytics-operation.js";
import { checkCode } from "./config-rules.js";
import { resourceNotFound } from "./errors.js";
import type { DeleteApplicationReferenceDataSourceRequest, DeleteApplicationReferenceDataSourceResponse } from "./generated/types.js";

export const DeleteApplicationReferenceDataSource = analyticsOperation<DeleteApplicationReferenceDataSourceRequest>(
  "DeleteApplicationReferenceDataSource",
  async (input, ctx, deps): Promise<DeleteApplicationReferenceDataSourceResponse> => {
    await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) => {
      const index = draft.references.findIndex((r) => r.id === input.ReferenceId);
      if (index < 0) throw resourceNotFound(`Reference id ${input.ReferenceId} is not found in application ${draft.name}.`);
      draft.references.splice(index, 1);
      checkCode(draft);
    });
    return {};
  },
);
