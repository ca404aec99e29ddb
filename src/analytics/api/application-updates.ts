/**
 * Applies UpdateApplication's ApplicationUpdate to a draft of the stored application, addressing inputs,
 * outputs, reference data sources and logging options by their ids, then re-checks the result as
 * CreateApplication would.
 */
import type { StoredApplication } from "./application-model.js";
import { checkCode, checkInput, checkOutput, checkReference } from "./config-rules.js";
import { invalidArgument, resourceNotFound } from "./errors.js";
import type { ApplicationUpdate, Input, Output } from "./generated/types.js";

function byId<T extends { id: string }>(items: T[], id: string, what: string, app: StoredApplication): T {
  const item = items.find((i) => i.id === id);
  if (!item) throw resourceNotFound(`${what} id ${id} is not found in application ${app.name}.`);
  return item;
}

function applyInputUpdates(app: StoredApplication, update: ApplicationUpdate): void {
  for (const u of update.InputUpdates ?? []) {
    const stored = byId(app.inputs, u.InputId, "Input", app);
    const input: Input = stored.input;
    if (u.NamePrefixUpdate !== undefined) input.NamePrefix = u.NamePrefixUpdate;
    if (u.KinesisStreamsInputUpdate) {
      const prior = input.KinesisStreamsInput;
      const arn = u.KinesisStreamsInputUpdate.ResourceARNUpdate ?? prior?.ResourceARN;
      const role = u.KinesisStreamsInputUpdate.RoleARNUpdate ?? prior?.RoleARN;
      if (arn === undefined || role === undefined) throw invalidArgument("KinesisStreamsInputUpdate needs ResourceARNUpdate and RoleARNUpdate when the input is not a Kinesis stream.");
      input.KinesisStreamsInput = { ResourceARN: arn, RoleARN: role };
      delete input.KinesisFirehoseInput;
    }
    if (u.KinesisFirehoseInputUpdate) {
      const prior = input.KinesisFirehoseInput;
      const arn = u.KinesisFirehoseInputUpdate.ResourceARNUpdate ?? prior?.ResourceARN;
      const role = u.KinesisFirehoseInputUpdate.RoleARNUpdate ?? prior?.RoleARN;
      if (arn === undefined || role === undefined) throw invalidArgument("KinesisFirehoseInputUpdate needs ResourceARNUpdate and RoleARNUpdate when the input is not a delivery stream.");
      input.KinesisFirehoseInput = { ResourceARN: arn, RoleARN: role };
      delete input.KinesisStreamsInput;
    }
    if (u.InputProcessingConfigurationUpdate) {
      const prior = input.InputProcessingConfiguration?.InputLambdaProcessor;
      const change = u.InputProcessingConfigurationUpdate.InputLambdaProcessorUpdate;
      const arn = change.ResourceARNUpdate ?? prior?.ResourceARN;
      const role = change.RoleARNUpdate ?? prior?.RoleARN;
      if (arn === undefined || role === undefined) throw invalidArgument("InputLambdaProcessorUpdate needs ResourceARNUpdate and RoleARNUpdate when the input has no processor.");
      input.InputProcessingConfiguration = { InputLambdaProcessor: { ResourceARN: arn, RoleARN: role } };
    }
    if (u.InputSchemaUpdate) {
      const s = u.InputSchemaUpdate;
      if (s.RecordFormatUpdate) input.InputSchema.RecordFormat = s.RecordFormatUpdate;
      if (s.RecordEncodingUpdate !== undefined) input.InputSchema.RecordEncoding = s.RecordEncodingUpdate;
      if (s.RecordColumnUpdates) input.InputSchema.RecordColumns = s.RecordColumnUpdates;
    }
    if (u.InputParallelismUpdate?.CountUpdate !== undefined) input.InputParallelism = { Count: u.InputParallelismUpdate.CountUpdate };
    checkInput(input);
  }
}

function applyOutputUpdates(app: StoredApplication, update: ApplicationUpdate): void {
  for (const u of update.OutputUpdates ?? []) {
    const output: Output = byId(app.outputs, u.OutputId, "Output", app).output;
    if (u.NameUpdate !== undefined) output.Name = u.NameUpdate;
    if (u.DestinationSchemaUpdate) output.DestinationSchema = u.DestinationSchemaUpdate;
    const destinations = [
      ["KinesisStreamsOutput", u.KinesisStreamsOutputUpdate],
      ["KinesisFirehoseOutput", u.KinesisFirehoseOutputUpdate],
      ["LambdaOutput", u.LambdaOutputUpdate],
    ] as const;
    for (const [field, change] of destinations) {
      if (!change) continue;
      const prior = output[field];
      const arn = change.ResourceARNUpdate ?? prior?.ResourceARN;
      const role = change.RoleARNUpdate ?? prior?.RoleARN;
      if (arn === undefined || role === undefined) throw invalidArgument(`${field}Update needs ResourceARNUpdate and RoleARNUpdate when the output has another destination.`);
      delete output.KinesisStreamsOutput;
      delete output.KinesisFirehoseOutput;
      delete output.LambdaOutput;
      output[field] = { ResourceARN: arn, RoleARN: role };
    }
    checkOutput(output);
  }
}

function applyReferenceUpdates(app: StoredApplication, update: ApplicationUpdate): void {
  for (const u of update.ReferenceDataSourceUpdates ?? []) {
    const source = byId(app.references, u.ReferenceId, "Reference", app).source;
    if (u.TableNameUpdate !== undefined) source.TableName = u.TableNameUpdate;
    if (u.ReferenceSchemaUpdate) source.ReferenceSchema = u.ReferenceSchemaUpdate;
    if (u.S3ReferenceDataSourceUpdate) {
      const prior = source.S3ReferenceDataSource;
      const s = u.S3ReferenceDataSourceUpdate;
      source.S3ReferenceDataSource = {
        BucketARN: s.BucketARNUpdate ?? prior?.BucketARN ?? "",
        FileKey: s.FileKeyUpdate ?? prior?.FileKey ?? "",
        ReferenceRoleARN: s.ReferenceRoleARNUpdate ?? prior?.ReferenceRoleARN ?? "",
      };
    }
    checkReference(source);
  }
}

function applyLoggingUpdates(app: StoredApplication, update: ApplicationUpdate): void {
  for (const u of update.CloudWatchLoggingOptionUpdates ?? []) {
    const option = byId(app.loggingOptions, u.CloudWatchLoggingOptionId, "CloudWatch logging option", app).option;
    if (u.LogStreamARNUpdate !== undefined) option.LogStreamARN = u.LogStreamARNUpdate;
    if (u.RoleARNUpdate !== undefined) option.RoleARN = u.RoleARNUpdate;
  }
}

export function applyApplicationUpdate(app: StoredApplication, update: ApplicationUpdate): void {
  if (update.ApplicationCodeUpdate !== undefined) app.code = update.ApplicationCodeUpdate;
  applyInputUpdates(app, update);
  applyOutputUpdates(app, update);
  applyReferenceUpdates(app, update);
  applyLoggingUpdates(app, update);
  checkCode(app);
}
