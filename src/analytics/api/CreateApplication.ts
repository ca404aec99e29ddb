import {
  ANALYTICS_APPLICATIONS_PER_REGION_MAX,
  ANALYTICS_INPUTS_PER_APPLICATION_MAX,
  ANALYTICS_OUTPUTS_PER_APPLICATION_MAX,
  ANALYTICS_TAGS_PER_APPLICATION_MAX,
} from "../../core/limits.js";
import { analyticsOperation } from "./analytics-operation.js";
import { applicationArn, nextId, summaryOf, type StoredApplication } from "./application-model.js";
import { checkCode, checkInput, checkOutput } from "./config-rules.js";
import { invalidArgument, limitExceeded, resourceInUse, tooManyTags } from "./errors.js";
import type { CreateApplicationRequest, CreateApplicationResponse } from "./generated/types.js";
import { tagMap } from "./tag-rules.js";

export const CreateApplication = analyticsOperation<CreateApplicationRequest>("CreateApplication", async (input, ctx, deps): Promise<CreateApplicationResponse> => {
  const inputs = input.Inputs ?? [];
  const outputs = input.Outputs ?? [];
  if (inputs.length > ANALYTICS_INPUTS_PER_APPLICATION_MAX) throw invalidArgument(`An application can have at most ${ANALYTICS_INPUTS_PER_APPLICATION_MAX} input.`);
  if (outputs.length > ANALYTICS_OUTPUTS_PER_APPLICATION_MAX) throw limitExceeded(`An application can have at most ${ANALYTICS_OUTPUTS_PER_APPLICATION_MAX} outputs.`);
  const tags = tagMap(input.Tags ?? []);
  if (Object.keys(tags).length > ANALYTICS_TAGS_PER_APPLICATION_MAX) throw tooManyTags(`An application can have at most ${ANALYTICS_TAGS_PER_APPLICATION_MAX} tags.`);
  inputs.forEach(checkInput);
  outputs.forEach(checkOutput);
  const nowMs = deps.clock.now();
  const app: StoredApplication = {
    account: ctx.account,
    region: ctx.region,
    name: input.ApplicationName,
    arn: applicationArn(ctx.region, ctx.account, input.ApplicationName),
    description: input.ApplicationDescription,
    code: input.ApplicationCode,
    status: "READY",
    versionId: 1,
    createMs: nowMs,
    updateMs: nowMs,
    inputs: [],
    outputs: [],
    references: [],
    loggingOptions: [],
    tags,
    nextIds: { input: 1, output: 1, reference: 1, logging: 1 },
  };
  for (const i of inputs) app.inputs.push({ id: nextId(app, "input"), input: i });
  for (const o of outputs) app.outputs.push({ id: nextId(app, "output"), output: o });
  for (const option of input.CloudWatchLoggingOptions ?? []) app.loggingOptions.push({ id: nextId(app, "logging"), option });
  checkCode(app);
  await deps.applications.create(app, () => {
    if (deps.applications.find(ctx.account, ctx.region, app.name)) throw resourceInUse(`Application ${app.name} already exists.`);
    if (deps.applications.list(ctx.account, ctx.region).length >= ANALYTICS_APPLICATIONS_PER_REGION_MAX) {
      throw limitExceeded(`You have reached the limit of ${ANALYTICS_APPLICATIONS_PER_REGION_MAX} applications in this region.`);
    }
  });
  return { ApplicationSummary: summaryOf(app) };
});
