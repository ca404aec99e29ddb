/**
 * The applications control plane through @aws-sdk/client-kinesis-analytics against an in-process
 * Tributary: create, describe, list and paging, updates with version ids, the Add/Delete operations,
 * tags, start/stop status, delete, and the error of each.
 */
import {
  AddApplicationCloudWatchLoggingOptionCommand,
  AddApplicationInputCommand,
  AddApplicationInputProcessingConfigurationCommand,
  AddApplicationOutputCommand,
  AddApplicationReferenceDataSourceCommand,
  CreateApplicationCommand,
  DeleteApplicationCloudWatchLoggingOptionCommand,
  DeleteApplicationCommand,
  DeleteApplicationInputProcessingConfigurationCommand,
  DeleteApplicationOutputCommand,
  DeleteApplicationReferenceDataSourceCommand,
  DescribeApplicationCommand,
  KinesisAnalyticsClient,
  ListApplicationsCommand,
  ListTagsForResourceCommand,
  StartApplicationCommand,
  StopApplicationCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateApplicationCommand,
  type Input,
} from "@aws-sdk/client-kinesis-analytics";
import { CreateStreamCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, kinesisClient, streamArn, uniqueName, useTributary, waitForActive, waitUntil } from "./helpers/tributary.js";

const tributary = useTributary();
let analytics: KinesisAnalyticsClient;
let kinesis: KinesisClient;
let source: string;
let sink: string;

const ROLE = "arn:aws:iam::000000000000:role/kda";
const CODE = `CREATE OR REPLACE STREAM "DEST" (ticker VARCHAR(4), price DOUBLE);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "DEST" SELECT STREAM "ticker", "price" FROM "SOURCE_SQL_STREAM_001" WHERE "price" > 10;`;

const jsonInput = (stream: string): Input => ({
  NamePrefix: "SOURCE_SQL_STREAM",
  KinesisStreamsInput: { ResourceARN: streamArn(stream), RoleARN: ROLE },
  InputSchema: {
    RecordFormat: { RecordFormatType: "JSON", MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } } },
    RecordEncoding: "UTF-8",
    RecordColumns: [
      { Name: "ticker", SqlType: "VARCHAR(4)", Mapping: "$.ticker" },
      { Name: "price", SqlType: "DOUBLE", Mapping: "$.price" },
    ],
  },
});

async function describeApp(name: string) {
  return (await analytics.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail!;
}

async function waitForStatus(name: string, status: string): Promise<void> {
  await waitUntil(async () => (await describeApp(name)).ApplicationStatus === status, `${name} ${status}`);
}

beforeAll(async () => {
  analytics = new KinesisAnalyticsClient({
    endpoint: tributary.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "dummy-secret" },
    maxAttempts: 1,
  });
  kinesis = kinesisClient(tributary.endpoint);
  source = uniqueName("kda-src");
  sink = uniqueName("kda-sink");
  await kinesis.send(new CreateStreamCommand({ StreamName: source, ShardCount: 2 }));
  await kinesis.send(new CreateStreamCommand({ StreamName: sink, ShardCount: 1 }));
  await waitForActive(kinesis, source);
  await waitForActive(kinesis, sink);
});
afterAll(() => {
  analytics.destroy();
  kinesis.destroy();
});

describe("CreateApplication and DescribeApplication", () => {
  it("creates a READY application at version 1 and describes its configuration", async () => {
    const name = uniqueName("app");
    const created = await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationDescription: "prices",
        ApplicationCode: CODE,
        Inputs: [jsonInput(source)],
        Outputs: [{ Name: "DEST", KinesisStreamsOutput: { ResourceARN: streamArn(sink), RoleARN: ROLE }, DestinationSchema: { RecordFormatType: "JSON" } }],
        CloudWatchLoggingOptions: [{ LogStreamARN: "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s", RoleARN: ROLE }],
        Tags: [{ Key: "team", Value: "data" }],
      }),
    );
    expect(created.ApplicationSummary).toEqual({
      ApplicationName: name,
      ApplicationARN: `arn:aws:kinesisanalytics:us-east-1:000000000000:application/${name}`,
      ApplicationStatus: "READY",
    });
    const detail = await describeApp(name);
    expect(detail.ApplicationVersionId).toBe(1);
    expect(detail.ApplicationDescription).toBe("prices");
    expect(detail.ApplicationCode).toBe(CODE);
    expect(detail.CreateTimestamp).toBeInstanceOf(Date);
    expect(detail.InputDescriptions).toHaveLength(1);
    expect(detail.InputDescriptions![0]).toMatchObject({
      InputId: "1.1",
      NamePrefix: "SOURCE_SQL_STREAM",
      InAppStreamNames: ["SOURCE_SQL_STREAM_001"],
      InputParallelism: { Count: 1 },
      KinesisStreamsInputDescription: { ResourceARN: streamArn(source), RoleARN: ROLE },
    });
    expect(detail.OutputDescriptions![0]).toMatchObject({ OutputId: "1.1", Name: "DEST", DestinationSchema: { RecordFormatType: "JSON" } });
    expect(detail.CloudWatchLoggingOptionDescriptions![0]!.CloudWatchLoggingOptionId).toBe("1.1");
  });

  it("rejects a duplicate name, SQL that does not compile, bad ARNs and unknown applications", async () => {
    const name = uniqueName("dup");
    await analytics.send(new CreateApplicationCommand({ ApplicationName: name }));
    expect(await errorOf(analytics.send(new CreateApplicationCommand({ ApplicationName: name })))).toMatchObject({ name: "ResourceInUseException" });

    const bad = await errorOf(
      analytics.send(new CreateApplicationCommand({ ApplicationName: uniqueName("bad"), ApplicationCode: "CREATE STREAM x (a INTEGER);\nSELECT FROM", Inputs: [jsonInput(source)] })),
    );
    expect(bad.name).toBe("CodeValidationException");
    expect(bad.message).toMatch(/line 2, column \d+/);

    const badArn = jsonInput(source);
    badArn.KinesisStreamsInput = { ResourceARN: "arn:aws:sqs:us-east-1:000000000000:q", RoleARN: ROLE };
    expect(await errorOf(analytics.send(new CreateApplicationCommand({ ApplicationName: uniqueName("arn"), Inputs: [badArn] })))).toMatchObject({
      name: "InvalidArgumentException",
    });
    const badType = jsonInput(source);
    badType.InputSchema!.RecordColumns![0]!.SqlType = "NOTATYPE";
    expect(await errorOf(analytics.send(new CreateApplicationCommand({ ApplicationName: uniqueName("type"), Inputs: [badType] })))).toMatchObject({
      name: "InvalidArgumentException",
    });
    expect(await errorOf(analytics.send(new DescribeApplicationCommand({ ApplicationName: "nope" })))).toMatchObject({ name: "ResourceNotFoundException" });
    // The model's own constraints come first.
    expect(await errorOf(analytics.send(new CreateApplicationCommand({ ApplicationName: "bad name!" })))).toMatchObject({ name: "ValidationException" });
  });
});

describe("ListApplications", () => {
  it("lists in name order and pages with ExclusiveStartApplicationName", async () => {
    const other = new KinesisAnalyticsClient({
      endpoint: tributary.endpoint,
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "dummy-secret" },
      maxAttempts: 1,
    });
    const names = ["list-c", "list-a", "list-b"];
    for (const n of names) await other.send(new CreateApplicationCommand({ ApplicationName: n }));
    const first = await other.send(new ListApplicationsCommand({ Limit: 2 }));
    expect(first.ApplicationSummaries!.map((s) => s.ApplicationName)).toEqual(["list-a", "list-b"]);
    expect(first.HasMoreApplications).toBe(true);
    const second = await other.send(new ListApplicationsCommand({ Limit: 2, ExclusiveStartApplicationName: "list-b" }));
    expect(second.ApplicationSummaries!.map((s) => s.ApplicationName)).toEqual(["list-c"]);
    expect(second.HasMoreApplications).toBe(false);
    expect(second.ApplicationSummaries![0]!.ApplicationStatus).toBe("READY");
    other.destroy();
  });
});

describe("UpdateApplication and the Add/Delete operations", () => {
  it("increments the version id on each change and rejects a stale one", async () => {
    const name = uniqueName("upd");
    await analytics.send(new CreateApplicationCommand({ ApplicationName: name }));
    await analytics.send(new AddApplicationInputCommand({ ApplicationName: name, CurrentApplicationVersionId: 1, Input: jsonInput(source) }));
    const stale = await errorOf(analytics.send(new UpdateApplicationCommand({ ApplicationName: name, CurrentApplicationVersionId: 1, ApplicationUpdate: { ApplicationCodeUpdate: CODE } })));
    expect(stale.name).toBe("ConcurrentModificationException");
    await analytics.send(new UpdateApplicationCommand({ ApplicationName: name, CurrentApplicationVersionId: 2, ApplicationUpdate: { ApplicationCodeUpdate: CODE } }));
    expect(await errorOf(analytics.send(new UpdateApplicationCommand({ ApplicationName: name, CurrentApplicationVersionId: 3, ApplicationUpdate: { ApplicationCodeUpdate: "SELECT" } })))).toMatchObject({
      name: "CodeValidationException",
    });
    await analytics.send(
      new UpdateApplicationCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 3,
        ApplicationUpdate: { InputUpdates: [{ InputId: "1.1", NamePrefixUpdate: "SOURCE_SQL_STREAM", InputParallelismUpdate: { CountUpdate: 2 } }] },
      }),
    );
    let detail = await describeApp(name);
    expect(detail.ApplicationVersionId).toBe(4);
    expect(detail.InputDescriptions![0]!.InAppStreamNames).toEqual(["SOURCE_SQL_STREAM_001", "SOURCE_SQL_STREAM_002"]);
    expect(await errorOf(analytics.send(new UpdateApplicationCommand({ ApplicationName: name, CurrentApplicationVersionId: 4, ApplicationUpdate: { InputUpdates: [{ InputId: "9.9" }] } })))).toMatchObject({
      name: "ResourceNotFoundException",
    });
    // Only one input per application.
    expect(await errorOf(analytics.send(new AddApplicationInputCommand({ ApplicationName: name, CurrentApplicationVersionId: 4, Input: jsonInput(source) })))).toMatchObject({
      name: "InvalidArgumentException",
    });

    await analytics.send(
      new AddApplicationOutputCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 4,
        Output: { Name: "DEST", KinesisStreamsOutput: { ResourceARN: streamArn(sink), RoleARN: ROLE }, DestinationSchema: { RecordFormatType: "CSV" } },
      }),
    );
    await analytics.send(
      new UpdateApplicationCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 5,
        ApplicationUpdate: { OutputUpdates: [{ OutputId: "1.1", DestinationSchemaUpdate: { RecordFormatType: "JSON" } }] },
      }),
    );
    await analytics.send(
      new AddApplicationInputProcessingConfigurationCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 6,
        InputId: "1.1",
        InputProcessingConfiguration: { InputLambdaProcessor: { ResourceARN: "arn:aws:lambda:us-east-1:000000000000:function:f", RoleARN: ROLE } },
      }),
    );
    detail = await describeApp(name);
    expect(detail.InputDescriptions![0]!.InputProcessingConfigurationDescription?.InputLambdaProcessorDescription?.ResourceARN).toBe("arn:aws:lambda:us-east-1:000000000000:function:f");
    expect(detail.OutputDescriptions![0]!.DestinationSchema).toEqual({ RecordFormatType: "JSON" });
    await analytics.send(new DeleteApplicationInputProcessingConfigurationCommand({ ApplicationName: name, CurrentApplicationVersionId: 7, InputId: "1.1" }));
    await analytics.send(
      new AddApplicationReferenceDataSourceCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 8,
        ReferenceDataSource: {
          TableName: "COMPANIES",
          S3ReferenceDataSource: { BucketARN: "arn:aws:s3:::ref", FileKey: "companies.csv", ReferenceRoleARN: ROLE },
          ReferenceSchema: {
            RecordFormat: { RecordFormatType: "CSV", MappingParameters: { CSVMappingParameters: { RecordRowDelimiter: "\n", RecordColumnDelimiter: "," } } },
            RecordColumns: [{ Name: "ticker", SqlType: "VARCHAR(4)" }, { Name: "company", SqlType: "VARCHAR(32)" }],
          },
        },
      }),
    );
    await analytics.send(
      new AddApplicationCloudWatchLoggingOptionCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 9,
        CloudWatchLoggingOption: { LogStreamARN: "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:t", RoleARN: ROLE },
      }),
    );
    detail = await describeApp(name);
    expect(detail.ApplicationVersionId).toBe(10);
    expect(detail.ReferenceDataSourceDescriptions![0]).toMatchObject({ ReferenceId: "1.1", TableName: "COMPANIES" });
    expect(detail.CloudWatchLoggingOptionDescriptions![0]!.CloudWatchLoggingOptionId).toBe("1.1");
    await analytics.send(new DeleteApplicationReferenceDataSourceCommand({ ApplicationName: name, CurrentApplicationVersionId: 10, ReferenceId: "1.1" }));
    await analytics.send(new DeleteApplicationCloudWatchLoggingOptionCommand({ ApplicationName: name, CurrentApplicationVersionId: 11, CloudWatchLoggingOptionId: "1.1" }));
    await analytics.send(new DeleteApplicationOutputCommand({ ApplicationName: name, CurrentApplicationVersionId: 12, OutputId: "1.1" }));
    expect(await errorOf(analytics.send(new DeleteApplicationOutputCommand({ ApplicationName: name, CurrentApplicationVersionId: 13, OutputId: "1.1" })))).toMatchObject({
      name: "ResourceNotFoundException",
    });
    detail = await describeApp(name);
    expect(detail.ApplicationVersionId).toBe(13);
    expect(detail.OutputDescriptions).toEqual([]);
    expect(detail.ReferenceDataSourceDescriptions).toEqual([]);
  });
});

describe("unknown applications", () => {
  it("every operation that names an application answers ResourceNotFoundException for a missing one", async () => {
    const ApplicationName = uniqueName("missing");
    const CurrentApplicationVersionId = 1;
    const output = { Name: "DEST", KinesisStreamsOutput: { ResourceARN: streamArn(sink), RoleARN: ROLE }, DestinationSchema: { RecordFormatType: "JSON" as const } };
    const reference = {
      TableName: "T",
      S3ReferenceDataSource: { BucketARN: "arn:aws:s3:::b", FileKey: "k", ReferenceRoleARN: ROLE },
      ReferenceSchema: { RecordFormat: { RecordFormatType: "JSON" as const }, RecordColumns: [{ Name: "a", SqlType: "INTEGER", Mapping: "$.a" }] },
    };
    const calls: Promise<unknown>[] = [
      analytics.send(new DescribeApplicationCommand({ ApplicationName })),
      analytics.send(new UpdateApplicationCommand({ ApplicationName, CurrentApplicationVersionId, ApplicationUpdate: {} })),
      analytics.send(new DeleteApplicationCommand({ ApplicationName, CreateTimestamp: new Date() })),
      analytics.send(new StartApplicationCommand({ ApplicationName, InputConfigurations: [] })),
      analytics.send(new StopApplicationCommand({ ApplicationName })),
      analytics.send(new AddApplicationInputCommand({ ApplicationName, CurrentApplicationVersionId, Input: jsonInput(source) })),
      analytics.send(
        new AddApplicationInputProcessingConfigurationCommand({
          ApplicationName,
          CurrentApplicationVersionId,
          InputId: "1.1",
          InputProcessingConfiguration: { InputLambdaProcessor: { ResourceARN: "arn:aws:lambda:us-east-1:000000000000:function:f", RoleARN: ROLE } },
        }),
      ),
      analytics.send(new DeleteApplicationInputProcessingConfigurationCommand({ ApplicationName, CurrentApplicationVersionId, InputId: "1.1" })),
      analytics.send(new AddApplicationOutputCommand({ ApplicationName, CurrentApplicationVersionId, Output: output })),
      analytics.send(new DeleteApplicationOutputCommand({ ApplicationName, CurrentApplicationVersionId, OutputId: "1.1" })),
      analytics.send(new AddApplicationReferenceDataSourceCommand({ ApplicationName, CurrentApplicationVersionId, ReferenceDataSource: reference })),
      analytics.send(new DeleteApplicationReferenceDataSourceCommand({ ApplicationName, CurrentApplicationVersionId, ReferenceId: "1.1" })),
      analytics.send(
        new AddApplicationCloudWatchLoggingOptionCommand({
          ApplicationName,
          CurrentApplicationVersionId,
          CloudWatchLoggingOption: { LogStreamARN: "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:s", RoleARN: ROLE },
        }),
      ),
      analytics.send(new DeleteApplicationCloudWatchLoggingOptionCommand({ ApplicationName, CurrentApplicationVersionId, CloudWatchLoggingOptionId: "1.1" })),
      analytics.send(new TagResourceCommand({ ResourceARN: `arn:aws:kinesisanalytics:us-east-1:000000000000:application/${ApplicationName}`, Tags: [{ Key: "a", Value: "b" }] })),
      analytics.send(new UntagResourceCommand({ ResourceARN: `arn:aws:kinesisanalytics:us-east-1:000000000000:application/${ApplicationName}`, TagKeys: ["a"] })),
    ];
    for (const call of calls) expect((await errorOf(call)).name).toBe("ResourceNotFoundException");
  });
});

describe("tags", () => {
  it("tags, lists and untags by application ARN", async () => {
    const name = uniqueName("tags");
    const arn = (await analytics.send(new CreateApplicationCommand({ ApplicationName: name, Tags: [{ Key: "a", Value: "1" }] }))).ApplicationSummary!.ApplicationARN!;
    await analytics.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: "b", Value: "2" }] }));
    expect((await analytics.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([
      { Key: "a", Value: "1" },
      { Key: "b", Value: "2" },
    ]);
    await analytics.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ["a"] }));
    expect((await analytics.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([{ Key: "b", Value: "2" }]);
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    expect(await errorOf(analytics.send(new TagResourceCommand({ ResourceARN: arn, Tags: many })))).toMatchObject({ name: "TooManyTagsException" });
    expect(await errorOf(analytics.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: "aws:x", Value: "v" }] })))).toMatchObject({
      name: "InvalidArgumentException",
    });
    expect(await errorOf(analytics.send(new ListTagsForResourceCommand({ ResourceARN: `${arn}x` })))).toMatchObject({ name: "ResourceNotFoundException" });
    // An ARN outside the model's pattern fails validation first.
    expect(await errorOf(analytics.send(new ListTagsForResourceCommand({ ResourceARN: "arn:aws:kinesis:x" })))).toMatchObject({ name: "ValidationException" });
    // Tags are not configuration: the version stays.
    expect((await describeApp(name)).ApplicationVersionId).toBe(1);
  });
});

describe("StartApplication, StopApplication and DeleteApplication", () => {
  it("moves READY -> RUNNING -> READY, refuses a second start, and deletes with the CreateTimestamp", async () => {
    const name = uniqueName("run");
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationCode: CODE,
        Inputs: [jsonInput(source)],
        Outputs: [{ Name: "DEST", KinesisStreamsOutput: { ResourceARN: streamArn(sink), RoleARN: ROLE }, DestinationSchema: { RecordFormatType: "JSON" } }],
      }),
    );
    expect(await errorOf(analytics.send(new StartApplicationCommand({ ApplicationName: name, InputConfigurations: [{ Id: "7.7", InputStartingPositionConfiguration: { InputStartingPosition: "NOW" } }] })))).toMatchObject({
      name: "ResourceNotFoundException",
    });
    await analytics.send(new StartApplicationCommand({ ApplicationName: name, InputConfigurations: [{ Id: "1.1", InputStartingPositionConfiguration: { InputStartingPosition: "NOW" } }] }));
    await waitForStatus(name, "RUNNING");
    const detail = await describeApp(name);
    expect(detail.InputDescriptions![0]!.InputStartingPositionConfiguration).toEqual({ InputStartingPosition: "NOW" });
    expect(detail.ApplicationVersionId).toBe(1);
    expect(await errorOf(analytics.send(new StartApplicationCommand({ ApplicationName: name, InputConfigurations: [{ Id: "1.1", InputStartingPositionConfiguration: { InputStartingPosition: "NOW" } }] })))).toMatchObject({
      name: "ResourceInUseException",
    });
    await analytics.send(new StopApplicationCommand({ ApplicationName: name }));
    await waitForStatus(name, "READY");

    const created = detail.CreateTimestamp!;
    expect(await errorOf(analytics.send(new DeleteApplicationCommand({ ApplicationName: name, CreateTimestamp: new Date(created.getTime() - 5000) })))).toMatchObject({
      name: "ResourceNotFoundException",
    });
    await analytics.send(new DeleteApplicationCommand({ ApplicationName: name, CreateTimestamp: created }));
    await waitUntil(async () => (await errorOf(analytics.send(new DescribeApplicationCommand({ ApplicationName: name })))).name === "ResourceNotFoundException", "deleted");
  });

  it("refuses to start an application whose output is a Firehose delivery stream (not served yet)", async () => {
    const name = uniqueName("fh");
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationCode: CODE,
        Inputs: [jsonInput(source)],
        Outputs: [{ Name: "DEST", KinesisFirehoseOutput: { ResourceARN: "arn:aws:firehose:us-east-1:000000000000:deliverystream/d", RoleARN: ROLE }, DestinationSchema: { RecordFormatType: "JSON" } }],
      }),
    );
    const failure = await errorOf(analytics.send(new StartApplicationCommand({ ApplicationName: name, InputConfigurations: [{ Id: "1.1", InputStartingPositionConfiguration: { InputStartingPosition: "NOW" } }] })));
    expect(failure.name).toBe("InvalidApplicationConfigurationException");
    expect(failure.message).toMatch(/Firehose/);
    expect((await describeApp(name)).ApplicationStatus).toBe("READY");
    // An output naming a stream the code does not create, or reference data that is not there, fail the start too.
    const orphan = uniqueName("orphan");
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: orphan,
        ApplicationCode: CODE,
        Inputs: [jsonInput(source)],
        Outputs: [{ Name: "NOPE", KinesisStreamsOutput: { ResourceARN: streamArn(sink), RoleARN: ROLE }, DestinationSchema: { RecordFormatType: "JSON" } }],
      }),
    );
    const startOrphan = new StartApplicationCommand({ ApplicationName: orphan, InputConfigurations: [{ Id: "1.1", InputStartingPositionConfiguration: { InputStartingPosition: "NOW" } }] });
    expect(await errorOf(analytics.send(startOrphan))).toMatchObject({ name: "InvalidApplicationConfigurationException" });
    await analytics.send(new DeleteApplicationOutputCommand({ ApplicationName: orphan, CurrentApplicationVersionId: 1, OutputId: "1.1" }));
    await analytics.send(
      new AddApplicationReferenceDataSourceCommand({
        ApplicationName: orphan,
        CurrentApplicationVersionId: 2,
        ReferenceDataSource: {
          TableName: "T",
          S3ReferenceDataSource: { BucketARN: "arn:aws:s3:::nobucket", FileKey: "absent.json", ReferenceRoleARN: ROLE },
          ReferenceSchema: { RecordFormat: { RecordFormatType: "JSON" }, RecordColumns: [{ Name: "a", SqlType: "INTEGER", Mapping: "$.a" }] },
        },
      }),
    );
    const missingReference = await errorOf(analytics.send(startOrphan));
    expect(missingReference).toMatchObject({ name: "InvalidApplicationConfigurationException" });
    expect(missingReference.message).toMatch(/absent\.json/);
    expect(await errorOf(analytics.send(new StartApplicationCommand({ ApplicationName: uniqueName("none"), InputConfigurations: [] })))).toMatchObject({
      name: "ResourceNotFoundException",
    });
  });
});
