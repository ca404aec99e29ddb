import { readFile } from "node:fs/promises";
import { ANALYTICS_DISCOVERY_RECORDS_MAX, ANALYTICS_DISCOVERY_WAIT_MS, ANALYTICS_READ_BYTES_MAX } from "../../core/limits.js";
import type { Streams } from "../../kinesis/engine/mod.js";
import { discoverSchema } from "../runtime/schema-discovery.js";
import { initialPositions } from "../runtime/shard-positions.js";
import { analyticsOperation, type AnalyticsDeps } from "./analytics-operation.js";
import { streamRefOf } from "./config-rules.js";
import { invalidArgument, unableToDetectSchema } from "./errors.js";
import type { DiscoverInputSchemaRequest, DiscoverInputSchemaResponse, InputStartingPosition, SourceSchema } from "./generated/types.js";
import { referencePath } from "./run-spec-builder.js";

const utf8 = new TextDecoder();

/** Samples records from every shard of the stream, from TRIM_HORIZON (the default) or NOW (then it waits briefly for appends). */
async function sampleStream(streams: Streams, arn: string, position: InputStartingPosition): Promise<string[]> {
  const stream = streams.control.stream(streamRefOf(arn, "ResourceARN"));
  const positions = initialPositions(streams.control, stream, position, undefined);
  const samples: string[] = [];
  const deadline = streams.control.clock.now() + (position === "NOW" ? ANALYTICS_DISCOVERY_WAIT_MS : 0);
  for (;;) {
    for (const [shardId, p] of positions) {
      if (p.done || samples.length >= ANALYTICS_DISCOVERY_RECORDS_MAX) continue;
      const shard = streams.control.shard(stream, shardId);
      const read = await streams.records.readShard(stream, shard, p.offset, ANALYTICS_DISCOVERY_RECORDS_MAX - samples.length, ANALYTICS_READ_BYTES_MAX);
      p.offset = read.nextOffset;
      for (const r of read.records) samples.push(utf8.decode(r.data));
    }
    if (samples.length > 0 || streams.control.clock.now() >= deadline) return samples;
    const open = [...positions.keys()].map((id) => streams.control.notifier.waitForAppend(streams.control.notificationKey(stream, id), deadline - streams.control.clock.now()));
    await Promise.race(open);
  }
}

async function sampleFile(deps: AnalyticsDeps, bucketArn: string, fileKey: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(referencePath(deps.dataDir, bucketArn, fileKey), "utf8");
  } catch (error) {
    throw invalidArgument(`The object ${fileKey} in ${bucketArn} cannot be read: ${(error as Error).message}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    try {
      const values: unknown = JSON.parse(trimmed);
      if (Array.isArray(values)) return values.slice(0, ANALYTICS_DISCOVERY_RECORDS_MAX).map((v) => JSON.stringify(v));
    } catch {
      // Not one JSON array: fall back to one record per line.
    }
  }
  return trimmed.split(/\r?\n/).filter((l) => l.length > 0).slice(0, ANALYTICS_DISCOVERY_RECORDS_MAX);
}

export const DiscoverInputSchema = analyticsOperation<DiscoverInputSchemaRequest>("DiscoverInputSchema", async (input, _ctx, deps): Promise<DiscoverInputSchemaResponse> => {
  if (input.InputProcessingConfiguration) throw invalidArgument("Lambda input pre-processing is not available in Tributary yet.");
  let samples: string[];
  if (input.ResourceARN !== undefined) {
    const position = input.InputStartingPositionConfiguration?.InputStartingPosition ?? "TRIM_HORIZON";
    if (position === "LAST_STOPPED_POINT") throw invalidArgument("LAST_STOPPED_POINT is not a valid starting position for schema discovery.");
    samples = await sampleStream(deps.streams, input.ResourceARN, position);
  } else if (input.S3Configuration) {
    samples = await sampleFile(deps, input.S3Configuration.BucketARN, input.S3Configuration.FileKey);
  } else {
    throw invalidArgument("Either ResourceARN or S3Configuration must be provided.");
  }
  if (samples.length === 0) throw unableToDetectSchema("No data was found in the streaming source, so the schema cannot be detected.");
  const discovered = discoverSchema(samples);
  if (!discovered) throw unableToDetectSchema("Unable to detect the schema: the records are neither JSON objects nor CSV with a consistent number of columns.");
  const format = discovered.format;
  const schema: SourceSchema = {
    RecordFormat:
      format.kind === "JSON"
        ? { RecordFormatType: "JSON", MappingParameters: { JSONMappingParameters: { RecordRowPath: format.rowPath } } }
        : { RecordFormatType: "CSV", MappingParameters: { CSVMappingParameters: { RecordRowDelimiter: format.rowDelimiter, RecordColumnDelimiter: format.columnDelimiter } } },
    RecordEncoding: "UTF-8",
    RecordColumns: discovered.columns.map((c) => ({ Name: c.name, SqlType: c.sqlType, ...(c.mapping !== undefined ? { Mapping: c.mapping } : {}) })),
  };
  return { InputSchema: schema, ParsedInputRecords: discovered.parsed, ProcessedInputRecords: samples, RawInputRecords: samples };
});
