/**
 * DiscoverInputSchema through the SDK, from a Kinesis stream (JSON and CSV records) and from a file
 * standing in for an S3 object; and a running application joining a stream with reference data loaded
 * from `<dataDir>/s3/<bucket>/<key>`.
 */
import {
  AddApplicationReferenceDataSourceCommand,
  CreateApplicationCommand,
  DescribeApplicationCommand,
  DiscoverInputSchemaCommand,
  KinesisAnalyticsClient,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
} from "@aws-sdk/client-kinesis-analytics";
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { mkdtempSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, kinesisClient, streamArn, uniqueName, useTributary, waitForActive, waitUntil } from "./helpers/tributary.js";

const ROLE = "arn:aws:iam::000000000000:role/kda";
const dataDir = mkdtempSync(join(tmpdir(), "kda-data-"));
let analytics: KinesisAnalyticsClient;
let kinesis: KinesisClient;

const tributary = useTributary({ storage: "file", config: { dataDir } });

beforeAll(async () => {
  analytics = new KinesisAnalyticsClient({ endpoint: tributary.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "dummy-secret" }, maxAttempts: 1 });
  kinesis = kinesisClient(tributary.endpoint);
});
afterAll(async () => {
  analytics.destroy();
  kinesis.destroy();
  await rm(dataDir, { recursive: true, force: true });
});

async function streamWith(records: string[]): Promise<string> {
  const name = uniqueName("disc");
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  await waitForActive(kinesis, name);
  if (records.length > 0) await kinesis.send(new PutRecordsCommand({ StreamName: name, Records: records.map((r, i) => ({ PartitionKey: `p${i}`, Data: Buffer.from(r) })) }));
  return name;
}

describe("DiscoverInputSchema", () => {
  it("infers JSON columns, types and mappings from a stream's records", async () => {
    const records = [
      JSON.stringify({ ticker: "AMZN", price: 84.51, qty: 3, ok: true, at: "2026-01-01 10:00:00", meta: { sector: "TECH" }, tags: ["a"] }),
      JSON.stringify({ ticker: "AAPL", price: 170, qty: 5000000000, ok: false, at: "2026-01-01 10:00:01", meta: { sector: "TECHNOLOGY" }, tags: [] }),
    ];
    const stream = await streamWith(records);
    const out = await analytics.send(new DiscoverInputSchemaCommand({ ResourceARN: streamArn(stream), RoleARN: ROLE, InputStartingPositionConfiguration: { InputStartingPosition: "TRIM_HORIZON" } }));
    expect(out.InputSchema).toEqual({
      RecordFormat: { RecordFormatType: "JSON", MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } } },
      RecordEncoding: "UTF-8",
      RecordColumns: [
        { Name: "ticker", SqlType: "VARCHAR(4)", Mapping: "$.ticker" },
        { Name: "price", SqlType: "DOUBLE", Mapping: "$.price" },
        { Name: "qty", SqlType: "BIGINT", Mapping: "$.qty" },
        { Name: "ok", SqlType: "BOOLEAN", Mapping: "$.ok" },
        { Name: "at", SqlType: "TIMESTAMP", Mapping: "$.at" },
        { Name: "sector", SqlType: "VARCHAR(16)", Mapping: "$.meta.sector" },
        { Name: "tags", SqlType: "VARCHAR(8)", Mapping: "$.tags[0:]" },
      ],
    });
    expect(out.RawInputRecords).toEqual(records);
    expect(out.ParsedInputRecords![0]).toEqual(["AMZN", "84.51", "3", "true", "2026-01-01 10:00:00", "TECH", '["a"]']);
  });

  it("infers CSV columns COL1..COLn with the delimiter that fits every line", async () => {
    const stream = await streamWith(["AMZN|84.5|3\n", "AAPL|170.25|12\n"]);
    const out = await analytics.send(new DiscoverInputSchemaCommand({ ResourceARN: streamArn(stream), RoleARN: ROLE }));
    expect(out.InputSchema).toEqual({
      RecordFormat: { RecordFormatType: "CSV", MappingParameters: { CSVMappingParameters: { RecordRowDelimiter: "\n", RecordColumnDelimiter: "|" } } },
      RecordEncoding: "UTF-8",
      RecordColumns: [
        { Name: "COL1", SqlType: "VARCHAR(4)" },
        { Name: "COL2", SqlType: "DOUBLE" },
        { Name: "COL3", SqlType: "INTEGER" },
      ],
    });
    expect(out.ParsedInputRecords).toEqual([
      ["AMZN", "84.5", "3"],
      ["AAPL", "170.25", "12"],
    ]);
  });

  it("reads a local file given as a file:// FileKey, and reports what it cannot detect", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kda-disc-"));
    try {
      const file = join(dir, "sample.json");
      await writeFile(file, '{"a":1,"b":"x"}\n{"a":2,"b":"yy"}\n');
      const out = await analytics.send(new DiscoverInputSchemaCommand({ S3Configuration: { BucketARN: "arn:aws:s3:::local", FileKey: `file://${file}`, RoleARN: ROLE } }));
      expect(out.InputSchema!.RecordColumns).toEqual([
        { Name: "a", SqlType: "INTEGER", Mapping: "$.a" },
        { Name: "b", SqlType: "VARCHAR(2)", Mapping: "$.b" },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const empty = await streamWith([]);
    expect(await errorOf(analytics.send(new DiscoverInputSchemaCommand({ ResourceARN: streamArn(empty), RoleARN: ROLE })))).toMatchObject({ name: "UnableToDetectSchemaException" });
    const prose = await streamWith(["hello world", "no delimiters here either"]);
    expect(await errorOf(analytics.send(new DiscoverInputSchemaCommand({ ResourceARN: streamArn(prose), RoleARN: ROLE })))).toMatchObject({ name: "UnableToDetectSchemaException" });
    expect(await errorOf(analytics.send(new DiscoverInputSchemaCommand({ ResourceARN: streamArn("missing"), RoleARN: ROLE })))).toMatchObject({ name: "ResourceNotFoundException" });
    expect(await errorOf(analytics.send(new DiscoverInputSchemaCommand({})))).toMatchObject({ name: "InvalidArgumentException" });
  });
});

describe("reference data", () => {
  it("joins a stream with a CSV table loaded from <dataDir>/s3/<bucket>/<key>", async () => {
    const root = dataDir;
    await mkdir(join(root, "s3", "refs"), { recursive: true });
    await writeFile(join(root, "s3", "refs", "companies.csv"), "AMZN,Amazon\nAAPL,Apple\n");
    const source = await streamWith([JSON.stringify({ ticker: "AMZN", price: 10 }), JSON.stringify({ ticker: "ZZZZ", price: 1 })]);
    const sink = await streamWith([]);
    const name = uniqueName("ref");
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        Inputs: [
          {
            NamePrefix: "SOURCE_SQL_STREAM",
            KinesisStreamsInput: { ResourceARN: streamArn(source), RoleARN: ROLE },
            InputSchema: {
              RecordFormat: { RecordFormatType: "JSON", MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } } },
              RecordColumns: [
                { Name: "ticker", SqlType: "VARCHAR(4)", Mapping: "$.ticker" },
                { Name: "price", SqlType: "DOUBLE", Mapping: "$.price" },
              ],
            },
          },
        ],
        Outputs: [{ Name: "OUT", KinesisStreamsOutput: { ResourceARN: streamArn(sink), RoleARN: ROLE }, DestinationSchema: { RecordFormatType: "JSON" } }],
      }),
    );
    await analytics.send(
      new AddApplicationReferenceDataSourceCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 1,
        ReferenceDataSource: {
          TableName: "COMPANIES",
          S3ReferenceDataSource: { BucketARN: "arn:aws:s3:::refs", FileKey: "companies.csv", ReferenceRoleARN: ROLE },
          ReferenceSchema: {
            RecordFormat: { RecordFormatType: "CSV", MappingParameters: { CSVMappingParameters: { RecordRowDelimiter: "\n", RecordColumnDelimiter: "," } } },
            RecordColumns: [
              { Name: "ticker", SqlType: "VARCHAR(4)" },
              { Name: "company", SqlType: "VARCHAR(16)" },
            ],
          },
        },
      }),
    );
    // The code can name the table only once the table exists, as on AWS: add the source, then the code.
    await analytics.send(
      new UpdateApplicationCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 2,
        ApplicationUpdate: {
          ApplicationCodeUpdate: `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(4), company VARCHAR(16), price DOUBLE);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT"
  SELECT STREAM s."ticker", c."company", s."price" FROM "SOURCE_SQL_STREAM_001" AS s JOIN "COMPANIES" AS c ON s."ticker" = c."ticker";`,
        },
      }),
    );
    await analytics.send(new StartApplicationCommand({ ApplicationName: name, InputConfigurations: [{ Id: "1.1", InputStartingPositionConfiguration: { InputStartingPosition: "TRIM_HORIZON" } }] }));
    const read = async () => {
      const it = (await kinesis.send(new GetShardIteratorCommand({ StreamName: sink, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator!;
      return ((await kinesis.send(new GetRecordsCommand({ ShardIterator: it }))).Records ?? []).map((r) => JSON.parse(Buffer.from(r.Data!).toString()) as unknown);
    };
    await waitUntil(async () => (await read()).length >= 1, "joined row", 20_000);
    expect(await read()).toEqual([{ TICKER: "AMZN", COMPANY: "Amazon", PRICE: 10 }]);
    await analytics.send(new StopApplicationCommand({ ApplicationName: name }));
    await waitUntil(async () => (await analytics.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail?.ApplicationStatus === "READY", "stopped");
  });
});
