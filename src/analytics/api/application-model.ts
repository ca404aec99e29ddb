/**
 * An application as Tributary keeps it in the metadata store. The configuration documents (inputs,
 * outputs, reference data sources, logging options) are kept in the API's own shapes because they are
 * exactly what DescribeApplication echoes back; the runtime never sees them, it gets a camelCase RunSpec
 * built by `run-spec-builder.ts`.
 */
import type {
  ApplicationDetail,
  ApplicationStatus,
  ApplicationSummary,
  CloudWatchLoggingOption,
  Input,
  InputStartingPosition,
  Output,
  ReferenceDataSource,
} from "./generated/types.js";

export interface StoredInput {
  id: string;
  input: Input;
  /** The position the last StartApplication asked for (DescribeApplication shows it). */
  startingPosition?: InputStartingPosition | undefined;
}

export interface StoredOutput {
  id: string;
  output: Output;
}

export interface StoredReference {
  id: string;
  source: ReferenceDataSource;
}

export interface StoredLoggingOption {
  id: string;
  option: CloudWatchLoggingOption;
}

export interface StoredApplication {
  account: string;
  region: string;
  name: string;
  arn: string;
  description?: string | undefined;
  code?: string | undefined;
  status: ApplicationStatus;
  versionId: number;
  createMs: number;
  updateMs: number;
  inputs: StoredInput[];
  outputs: StoredOutput[];
  references: StoredReference[];
  loggingOptions: StoredLoggingOption[];
  tags: Record<string, string>;
  /** Next sequence number per kind of sub-object, so deleted ids are never reused. */
  nextIds: { input: number; output: number; reference: number; logging: number };
}

export function applicationArn(region: string, account: string, name: string): string {
  return `arn:aws:kinesisanalytics:${region}:${account}:application/${name}`;
}

const APPLICATION_ARN = /^arn:aws[a-z-]*:kinesisanalytics:([a-z0-9-]+):(\d{12}):application\/([a-zA-Z0-9_.-]+)$/;

export function parseApplicationArn(arn: string): { region: string; account: string; name: string } | undefined {
  const m = APPLICATION_ARN.exec(arn);
  return m ? { region: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}

/** In-application stream names of an input: `<prefix>_001 ... <prefix>_00N` (AWS pads to three digits). */
export function inAppStreamNames(input: Input): string[] {
  const count = input.InputParallelism?.Count ?? 1;
  return Array.from({ length: count }, (_, i) => `${input.NamePrefix}_${String(i + 1).padStart(3, "0")}`);
}

export function summaryOf(app: StoredApplication): ApplicationSummary {
  return { ApplicationName: app.name, ApplicationARN: app.arn, ApplicationStatus: app.status };
}

export function detailOf(app: StoredApplication): ApplicationDetail {
  const detail: ApplicationDetail = {
    ApplicationName: app.name,
    ApplicationARN: app.arn,
    ApplicationStatus: app.status,
    ApplicationVersionId: app.versionId,
    CreateTimestamp: new Date(app.createMs),
    LastUpdateTimestamp: new Date(app.updateMs),
    InputDescriptions: app.inputs.map(({ id, input, startingPosition }) => ({
      InputId: id,
      NamePrefix: input.NamePrefix,
      InAppStreamNames: inAppStreamNames(input),
      ...(input.InputProcessingConfiguration
        ? { InputProcessingConfigurationDescription: { InputLambdaProcessorDescription: { ...input.InputProcessingConfiguration.InputLambdaProcessor } } }
        : {}),
      ...(input.KinesisStreamsInput ? { KinesisStreamsInputDescription: { ...input.KinesisStreamsInput } } : {}),
      ...(input.KinesisFirehoseInput ? { KinesisFirehoseInputDescription: { ...input.KinesisFirehoseInput } } : {}),
      InputSchema: input.InputSchema,
      InputParallelism: { Count: input.InputParallelism?.Count ?? 1 },
      InputStartingPositionConfiguration: startingPosition ? { InputStartingPosition: startingPosition } : {},
    })),
    OutputDescriptions: app.outputs.map(({ id, output }) => ({
      OutputId: id,
      Name: output.Name,
      ...(output.KinesisStreamsOutput ? { KinesisStreamsOutputDescription: { ...output.KinesisStreamsOutput } } : {}),
      ...(output.KinesisFirehoseOutput ? { KinesisFirehoseOutputDescription: { ...output.KinesisFirehoseOutput } } : {}),
      ...(output.LambdaOutput ? { LambdaOutputDescription: { ...output.LambdaOutput } } : {}),
      DestinationSchema: output.DestinationSchema,
    })),
    ReferenceDataSourceDescriptions: app.references.map(({ id, source }) => ({
      ReferenceId: id,
      TableName: source.TableName,
      S3ReferenceDataSourceDescription: {
        BucketARN: source.S3ReferenceDataSource?.BucketARN ?? "",
        FileKey: source.S3ReferenceDataSource?.FileKey ?? "",
        ReferenceRoleARN: source.S3ReferenceDataSource?.ReferenceRoleARN ?? "",
      },
      ReferenceSchema: source.ReferenceSchema,
    })),
    CloudWatchLoggingOptionDescriptions: app.loggingOptions.map(({ id, option }) => ({ CloudWatchLoggingOptionId: id, ...option })),
  };
  if (app.description !== undefined) detail.ApplicationDescription = app.description;
  if (app.code !== undefined) detail.ApplicationCode = app.code;
  return detail;
}

/** Ids look like AWS's ("1.1", "1.2", ...): the application's first configuration generation, then a counter. */
export function nextId(app: StoredApplication, kind: keyof StoredApplication["nextIds"]): string {
  const n = app.nextIds[kind];
  app.nextIds[kind] = n + 1;
  return `1.${n}`;
}
