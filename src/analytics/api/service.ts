import type { Service } from "../../server/service.js";
import type { AnalyticsDeps, AnalyticsOperationFactory } from "./analytics-operation.js";
import { analyticsShapes } from "./generated/shapes.js";
import { AddApplicationCloudWatchLoggingOption } from "./AddApplicationCloudWatchLoggingOption.js";
import { AddApplicationInput } from "./AddApplicationInput.js";
import { AddApplicationInputProcessingConfiguration } from "./AddApplicationInputProcessingConfiguration.js";
import { AddApplicationOutput } from "./AddApplicationOutput.js";
import { AddApplicationReferenceDataSource } from "./AddApplicationReferenceDataSource.js";
import { CreateApplication } from "./CreateApplication.js";
import { DeleteApplication } from "./DeleteApplication.js";
import { DeleteApplicationCloudWatchLoggingOption } from "./DeleteApplicationCloudWatchLoggingOption.js";
import { DeleteApplicationInputProcessingConfiguration } from "./DeleteApplicationInputProcessingConfiguration.js";
import { DeleteApplicationOutput } from "./DeleteApplicationOutput.js";
import { DeleteApplicationReferenceDataSource } from "./DeleteApplicationReferenceDataSource.js";
import { DescribeApplication } from "./DescribeApplication.js";
import { DiscoverInputSchema } from "./DiscoverInputSchema.js";
import { ListApplications } from "./ListApplications.js";
import { ListTagsForResource } from "./ListTagsForResource.js";
import { StartApplication } from "./StartApplication.js";
import { StopApplication } from "./StopApplication.js";
import { TagResource } from "./TagResource.js";
import { UntagResource } from "./UntagResource.js";
import { UpdateApplication } from "./UpdateApplication.js";

const OPERATIONS: Record<string, AnalyticsOperationFactory> = {
  AddApplicationCloudWatchLoggingOption,
  AddApplicationInput,
  AddApplicationInputProcessingConfiguration,
  AddApplicationOutput,
  AddApplicationReferenceDataSource,
  CreateApplication,
  DeleteApplication,
  DeleteApplicationCloudWatchLoggingOption,
  DeleteApplicationInputProcessingConfiguration,
  DeleteApplicationOutput,
  DeleteApplicationReferenceDataSource,
  DescribeApplication,
  DiscoverInputSchema,
  ListApplications,
  ListTagsForResource,
  StartApplication,
  StopApplication,
  TagResource,
  UntagResource,
  UpdateApplication,
};

/** Kinesis Data Analytics for SQL applications (API 2015-08-14) on the shared endpoint: every operation of the model. */
export function createAnalyticsService(deps: AnalyticsDeps): Service {
  const missing = Object.keys(analyticsShapes.operations).filter((name) => !(name in OPERATIONS));
  if (missing.length > 0) throw new Error(`Analytics operations without an implementation: ${missing.join(", ")}`);
  return {
    name: "kinesisanalytics",
    targetPrefix: analyticsShapes.metadata.targetPrefix,
    jsonContentType: "application/x-amz-json-1.1",
    operations: new Map(Object.entries(OPERATIONS).map(([name, factory]) => [name, factory(deps)])),
  };
}
