/**
 * Builds the runtime's RunSpec from a stored application, resolving what the runtime needs: stream ARNs
 * to stream references and reference data locations to files. Destinations Tributary does not serve yet
 * (Firehose, Lambda) make the start fail with InvalidApplicationConfigurationException, so an
 * application never runs with an output silently dropped.
 */
import { join, resolve } from "node:path";
import type { RecordFormatSpec, RunSpec, ColumnSpec } from "../runtime/run-spec.js";
import { inAppStreamNames, type StoredApplication } from "./application-model.js";
import { streamRefOf } from "./config-rules.js";
import { invalidApplicationConfiguration } from "./errors.js";
import type { RecordColumn, SourceSchema } from "./generated/types.js";

function formatOf(schema: SourceSchema): RecordFormatSpec {
  const params = schema.RecordFormat.MappingParameters;
  if (schema.RecordFormat.RecordFormatType === "CSV") {
    const csv = params?.CSVMappingParameters;
    return { kind: "CSV", rowDelimiter: csv?.RecordRowDelimiter ?? "\n", columnDelimiter: csv?.RecordColumnDelimiter ?? "," };
  }
  return { kind: "JSON", rowPath: params?.JSONMappingParameters?.RecordRowPath ?? "$" };
}

function columnsOf(columns: RecordColumn[]): ColumnSpec[] {
  return columns.map((c) => ({ name: c.Name, sqlType: c.SqlType, mapping: c.Mapping }));
}

const S3_BUCKET_ARN = /^arn:aws[a-z-]*:s3:::([^/]+)$/;

/**
 * Where a reference data object lives on this machine: a FileKey `file:///abs/path` names a local file
 * directly (the bucket is ignored); otherwise `arn:aws:s3:::bucket` + FileKey maps to
 * `<dataDir>/s3/<bucket>/<FileKey>`, the folder a future S3-compatible service will serve.
 */
export function referencePath(dataDir: string, bucketArn: string, fileKey: string): string {
  if (fileKey.startsWith("file://")) return new URL(fileKey).pathname;
  const m = S3_BUCKET_ARN.exec(bucketArn);
  if (!m) throw invalidApplicationConfiguration(`BucketARN ${bucketArn} is not an S3 bucket ARN.`);
  const path = resolve(join(dataDir, "s3", m[1]!), fileKey);
  if (!path.startsWith(resolve(dataDir, "s3", m[1]!))) throw invalidApplicationConfiguration(`FileKey ${fileKey} leaves its bucket.`);
  return path;
}

export function buildRunSpec(app: StoredApplication, dataDir: string): RunSpec {
  if (app.code === undefined || app.code.trim() === "") throw invalidApplicationConfiguration("Application code is missing.");
  return {
    key: `${app.account}/${app.region}/${app.name}`,
    code: app.code,
    inputs: app.inputs.map(({ input }) => {
      if (!input.KinesisStreamsInput) {
        throw invalidApplicationConfiguration("Kinesis Data Firehose inputs are not available in Tributary yet; use a KinesisStreamsInput.");
      }
      if (input.InputProcessingConfiguration) {
        throw invalidApplicationConfiguration("Lambda input pre-processing is not available in Tributary yet; delete the InputProcessingConfiguration to start.");
      }
      return {
        inAppStreams: inAppStreamNames(input),
        source: streamRefOf(input.KinesisStreamsInput.ResourceARN, "KinesisStreamsInput.ResourceARN"),
        format: formatOf(input.InputSchema),
        columns: columnsOf(input.InputSchema.RecordColumns),
      };
    }),
    outputs: app.outputs.map(({ output }) => {
      if (!output.KinesisStreamsOutput) {
        const kind = output.KinesisFirehoseOutput ? "Kinesis Data Firehose" : "Lambda";
        throw invalidApplicationConfiguration(`${kind} outputs are not available in Tributary yet (output ${output.Name}); use a KinesisStreamsOutput.`);
      }
      return {
        inAppStream: output.Name,
        destination: streamRefOf(output.KinesisStreamsOutput.ResourceARN, "KinesisStreamsOutput.ResourceARN"),
        format: output.DestinationSchema.RecordFormatType,
      };
    }),
    references: app.references.map(({ source }) => ({
      tableName: source.TableName,
      path: referencePath(dataDir, source.S3ReferenceDataSource?.BucketARN ?? "", source.S3ReferenceDataSource?.FileKey ?? ""),
      format: formatOf(source.ReferenceSchema),
      columns: columnsOf(source.ReferenceSchema.RecordColumns),
    })),
  };
}
