import { ANALYTICS_REFERENCES_PER_APPLICATION_MAX } from "../../core/limits.js";
import { analyticsOperation } from "./analytics-operation.js";
import { nextId } from "./application-model.js";
import { checkCode, checkReference } from "./config-rules.js";
import { invalidArgument } from "./errors.js";
import type { AddApplicationReferenceDataSourceRequest, AddApplicationReferenceDataSourceResponse } from "./generated/types.js";

export const AddApplicationReferenceDataSource = analyticsOperation<AddApplicationReferenceDataSourceRequest>(
  "AddApplicationReferenceDataSource",
  async (input, ctx, deps): Promise<AddApplicationReferenceDataSourceResponse> => {
    checkReference(input.ReferenceDataSource);
    await deps.applications.update(ctx.account, ctx.region, input.ApplicationName, input.CurrentApplicationVersionId, (draft) => {
      if (draft.references.length >= ANALYTICS_REFERENCES_PER_APPLICATION_MAX) {
        throw invalidArgument(`Application ${draft.name} already has ${ANALYTICS_REFERENCES_PER_APPLICATION_MAX} reference data source, the most an application can have.`);
      }
      draft.references.push({ id: nextId(draft, "reference"), source: input.ReferenceDataSource });
      checkCode(draft);
    });
    return {};
  },
);
