import { analyticsOperation } from "./analytics-operation.js";
import { detailOf } from "./application-model.js";
import type { DescribeApplicationRequest, DescribeApplicationResponse } from "./generated/types.js";

export const DescribeApplication = analyticsOperation<DescribeApplicationRequest>("DescribeApplication", (input, ctx, deps): DescribeApplicationResponse => ({
  ApplicationDetail: detailOf(deps.applications.get(ctx.account, ctx.region, input.ApplicationName)),
}));
