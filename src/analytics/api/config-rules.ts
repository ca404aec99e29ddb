/**
 * Checks of an application's configuration that the model's constraints cannot express: one source per
 * input, one destination per output, ARNs Tributary can resolve, parseable SQL types, mappings, and
 * application code that compiles against the configured in-application streams and tables.
 */
import { parseStreamArn, type StreamRef } from "../../core/arn.js";
import { SqlCompileError, compileApplication, withImplicitSourceColumns } from "../sql/engine.js";
import { parseDataType } from "../sql/type-text.js";
import { parseJsonPath } from "../runtime/record-decoder.js";
import { inAppStreamNames, type StoredApplication } from "./application-model.js";
import { codeValidation, invalidApplicationConfiguration, invalidArgument } from "./errors.js";
import type { Input, Output, ReferenceDataSource, SourceSchema } from "./generated/types.js";

export function streamRefOf(arn: string, what: string): StreamRef {
  const ref = parseStreamArn(arn);
  if (!ref) throw invalidArgument(`${what} ${arn} is not the ARN of a Kinesis data stream.`);
  return ref;
}

export function checkSchema(schema: SourceSchema, what: string): void {
  const format = schema.RecordFormat;
  if (format.RecordFormatType === "CSV" && !format.MappingParameters?.CSVMappingParameters) {
    throw invalidArgument(`${what}: CSVMappingParameters are required for record format CSV.`);
  }
  if (schema.RecordEncoding !== undefined && schema.RecordEncoding !== "UTF-8") {
    throw invalidArgument(`${what}: RecordEncoding must be UTF-8.`);
  }
  const rowPath = format.MappingParameters?.JSONMappingParameters?.RecordRowPath;
  if (format.RecordFormatType === "JSON" && rowPath !== undefined && !parseJsonPath(rowPath)) {
    throw invalidArgument(`${what}: invalid RecordRowPath ${rowPath}.`);
  }
  const names = new Set<string>();
  for (const column of schema.RecordColumns) {
    if (names.has(column.Name)) throw invalidArgument(`${what}: duplicate column name ${column.Name}.`);
    names.add(column.Name);
    try {
      parseDataType(column.SqlType);
    } catch {
      throw invalidArgument(`${what}: invalid SqlType ${column.SqlType} for column ${column.Name}.`);
    }
    if (format.RecordFormatType === "JSON" && column.Mapping !== undefined && !parseJsonPath(column.Mapping)) {
      throw invalidArgument(`${what}: invalid Mapping ${column.Mapping} for column ${column.Name}.`);
    }
  }
}

export function checkInput(input: Input): void {
  const sources = [input.KinesisStreamsInput, input.KinesisFirehoseInput].filter((s) => s !== undefined);
  if (sources.length !== 1) throw invalidArgument("Exactly one of KinesisStreamsInput or KinesisFirehoseInput must be provided.");
  if (input.KinesisStreamsInput) streamRefOf(input.KinesisStreamsInput.ResourceARN, "KinesisStreamsInput.ResourceARN");
  checkSchema(input.InputSchema, `Input ${input.NamePrefix}`);
}

export function checkOutput(output: Output): void {
  const destinations = [output.KinesisStreamsOutput, output.KinesisFirehoseOutput, output.LambdaOutput].filter((d) => d !== undefined);
  if (destinations.length !== 1) throw invalidArgument("Exactly one of KinesisStreamsOutput, KinesisFirehoseOutput or LambdaOutput must be provided.");
  if (output.KinesisStreamsOutput) streamRefOf(output.KinesisStreamsOutput.ResourceARN, "KinesisStreamsOutput.ResourceARN");
}

export function checkReference(reference: ReferenceDataSource): void {
  if (!reference.S3ReferenceDataSource) throw invalidArgument("S3ReferenceDataSource is required.");
  checkSchema(reference.ReferenceSchema, `Reference data source ${reference.TableName}`);
}

/** Compiles the code against the application's in-application streams and tables; SQL errors become CodeValidationException. */
export function checkCode(app: StoredApplication): void {
  compiledStreams(app);
}

/** Before a start: every output must name an in-application stream the code creates (or error_stream). */
export function checkOutputsDefined(app: StoredApplication): void {
  const streams = new Set(compiledStreams(app));
  for (const { output } of app.outputs) {
    if (!streams.has(output.Name)) {
      throw invalidApplicationConfiguration(`Output ${output.Name} names an in-application stream that the application code does not create.`);
    }
  }
}

function compiledStreams(app: StoredApplication): string[] {
  const code = app.code;
  if (code === undefined || code.trim() === "") return [];
  const inputs = app.inputs.flatMap(({ input }) =>
    inAppStreamNames(input).map((name) => ({
      name,
      columns: withImplicitSourceColumns(
        input.InputSchema.RecordColumns.map((c) => ({ name: c.Name, type: c.SqlType })),
        input.KinesisFirehoseInput ? "firehose" : "kinesis",
      ),
    })),
  );
  const tables = app.references.map(({ source }) => ({
    name: source.TableName,
    columns: source.ReferenceSchema.RecordColumns.map((c) => ({ name: c.Name, type: c.SqlType })),
    rows: [],
  }));
  try {
    return compileApplication(code, inputs, tables).streams.map((s) => s.name);
  } catch (error) {
    if (error instanceof SqlCompileError) throw codeValidation(error.message);
    throw codeValidation(error instanceof Error ? error.message : String(error));
  }
}
