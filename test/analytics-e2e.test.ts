/**
 * End to end: applications created with @aws-sdk/client-kinesis-analytics read JSON records from a
 * Kinesis stream, run SQL in their worker thread and write to other Kinesis streams, which the test
 * reads back with @aws-sdk/client-kinesis. A virtual clock fixes every record's arrival time (so every
 * ROWTIME) and drives the runtime's 1-second ticks that close windows.
 */
import {
  CreateApplicationCommand,
  DescribeApplicationCommand,
  KinesisAnalyticsClient,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
  type InputStartingPosition,
} from "@aws-sdk/client-kinesis-analytics";
import { CreateStreamCommand, GetRecordsCommand, UpdateShardCountCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../src/core/clock.js";
import { kinesisClient, startTestTributary, streamArn, uniqueName, useTributary, waitForActive, waitUntil } from "./helpers/tributary.js";

const ROLE = "arn:aws:iam::000000000000:role/kda";
const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

function analyticsClient(endpoint: string): KinesisAnalyticsClient {
  return new KinesisAnalyticsClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "dummy-secret" }, maxAttempts: 1 });
}

const tickerInput = (stream: string) => ({
  NamePrefix: "SOURCE_SQL_STREAM",
  KinesisStreamsInput: { ResourceARN: streamArn(stream), RoleARN: ROLE },
  InputSchema: {
    RecordFormat: { RecordFormatType: "JSON" as const, MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } } },
    RecordEncoding: "UTF-8",
    RecordColumns: [
      { Name: "ticker", SqlType: "VARCHAR(8)", Mapping: "$.ticker" },
      { Name: "price", SqlType: "DOUBLE", Mapping: "$.price" },
      { Name: "qty", SqlType: "INTEGER", Mapping: "$.trade.qty" },
    ],
  },
});

const kinesisOutput = (name: string, stream: string, format: "JSON" | "CSV" = "JSON") => ({
  Name: name,
  KinesisStreamsOutput: { ResourceARN: streamArn(stream), RoleARN: ROLE },
  DestinationSchema: { RecordFormatType: format },
});

async function createStream(kinesis: KinesisClient, clock: VirtualClock | undefined, shards: number): Promise<string> {
  const name = uniqueName("kda-e2e");
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  clock?.advance(0);
  await waitForActive(kinesis, name);
  return name;
}

async function put(kinesis: KinesisClient, stream: string, docs: unknown[]): Promise<void> {
  const out = await kinesis.send(
    new PutRecordsCommand({ StreamName: stream, Records: docs.map((d, i) => ({ PartitionKey: `k${i}`, Data: Buffer.from(typeof d === "string" ? d : JSON.stringify(d)) })) }),
  );
  expect(out.FailedRecordCount).toBe(0);
}

/** Every record of every shard of the stream, as text. */
async function readAll(kinesis: KinesisClient, stream: string): Promise<string[]> {
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  const out: string[] = [];
  for (const shard of shards) {
    let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: "TRIM_HORIZON" }))).ShardIterator;
    for (;;) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator! }));
      for (const r of page.Records ?? []) out.push(Buffer.from(r.Data!).toString("utf8"));
      if ((page.Records ?? []).length === 0 || !page.NextShardIterator) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

async function readJson(kinesis: KinesisClient, stream: string): Promise<Record<string, unknown>[]> {
  return (await readAll(kinesis, stream)).map((t) => JSON.parse(t) as Record<string, unknown>);
}

async function waitForStatus(analytics: KinesisAnalyticsClient, name: string, status: string): Promise<void> {
  await waitUntil(async () => (await analytics.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail?.ApplicationStatus === status, `${name} ${status}`, 20_000);
}

async function start(analytics: KinesisAnalyticsClient, name: string, position: InputStartingPosition): Promise<void> {
  await analytics.send(new StartApplicationCommand({ ApplicationName: name, InputConfigurations: [{ Id: "1.1", InputStartingPositionConfiguration: { InputStartingPosition: position } }] }));
  await waitForStatus(analytics, name, "RUNNING");
}

async function stop(analytics: KinesisAnalyticsClient, name: string): Promise<void> {
  await analytics.send(new StopApplicationCommand({ ApplicationName: name }));
  await waitForStatus(analytics, name, "READY");
}

const byKey = (a: Record<string, unknown>, b: Record<string, unknown>) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe("tumbling aggregation and filter over a virtual clock", () => {
  const clock = new VirtualClock(T0);
  const tributary = useTributary({ clock });
  let analytics: KinesisAnalyticsClient;
  let kinesis: KinesisClient;
  beforeAll(() => {
    analytics = analyticsClient(tributary.endpoint);
    kinesis = kinesisClient(tributary.endpoint);
  });
  afterAll(() => {
    analytics.destroy();
    kinesis.destroy();
  });

  it("aggregates per 10-second window, filters, and writes both to Kinesis streams", async () => {
    const source = await createStream(kinesis, clock, 2);
    const aggregates = await createStream(kinesis, clock, 1);
    const filtered = await createStream(kinesis, clock, 2);
    const name = uniqueName("agg");
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationCode: `
CREATE OR REPLACE STREAM "AGG" (ticker VARCHAR(8), trades INTEGER, volume INTEGER, high DOUBLE, window_end TIMESTAMP);
CREATE OR REPLACE PUMP "AGG_PUMP" AS INSERT INTO "AGG"
  SELECT STREAM "ticker", COUNT(*), SUM("qty"), MAX("price"), STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND) + INTERVAL '10' SECOND
  FROM "SOURCE_SQL_STREAM_001"
  GROUP BY "ticker", STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '10' SECOND);
CREATE OR REPLACE STREAM "BIG" (ticker VARCHAR(8), price DOUBLE);
CREATE OR REPLACE PUMP "BIG_PUMP" AS INSERT INTO "BIG"
  SELECT STREAM "ticker", "price" FROM "SOURCE_SQL_STREAM_001" WHERE "price" >= 100;`,
        Inputs: [tickerInput(source)],
        Outputs: [kinesisOutput("AGG", aggregates), kinesisOutput("BIG", filtered, "CSV")],
      }),
    );

    clock.set(T0 + 1_000);
    await put(kinesis, source, [
      { ticker: "AMZN", price: 100, trade: { qty: 3 } },
      { ticker: "AAPL", price: 50.5, trade: { qty: 1 } },
      { ticker: "AMZN", price: 120, trade: { qty: 2 } },
    ]);
    clock.set(T0 + 5_000);
    await put(kinesis, source, [{ ticker: "AAPL", price: 51, trade: { qty: 4 } }, "not json", { ticker: "AMZN", price: "oops", trade: { qty: 1 } }]);
    clock.set(T0 + 12_000);
    await put(kinesis, source, [{ ticker: "AMZN", price: 90, trade: { qty: 10 } }]);

    await start(analytics, name, "TRIM_HORIZON");
    // Ticks move engine time once the readers have caught up; step the clock until the second window closed.
    await waitUntil(async () => {
      clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 20));
      return (await readAll(kinesis, aggregates)).length >= 3;
    }, "aggregates", 20_000);

    expect((await readJson(kinesis, aggregates)).sort(byKey)).toEqual(
      [
        { TICKER: "AMZN", TRADES: 2, VOLUME: 5, HIGH: 120, WINDOW_END: "2026-01-01 00:00:10.000" },
        { TICKER: "AAPL", TRADES: 2, VOLUME: 5, HIGH: 51, WINDOW_END: "2026-01-01 00:00:10.000" },
        { TICKER: "AMZN", TRADES: 1, VOLUME: 10, HIGH: 90, WINDOW_END: "2026-01-01 00:00:20.000" },
      ].sort(byKey),
    );
    expect((await readAll(kinesis, filtered)).sort()).toEqual(["AMZN,100\n", "AMZN,120\n"]);
    await stop(analytics, name);
  });
});

describe("implicit source columns", () => {
  const clock = new VirtualClock(T0);
  const tributary = useTributary({ clock });
  let analytics: KinesisAnalyticsClient;
  let kinesis: KinesisClient;
  beforeAll(() => {
    analytics = analyticsClient(tributary.endpoint);
    kinesis = kinesisClient(tributary.endpoint);
  });
  afterAll(() => {
    analytics.destroy();
    kinesis.destroy();
  });

  it("APPROXIMATE_ARRIVAL_TIME and SHARD_ID come from each record; SELECT * leaves them out", async () => {
    const source = await createStream(kinesis, clock, 2);
    const meta = await createStream(kinesis, clock, 1);
    const star = await createStream(kinesis, clock, 1);
    const name = uniqueName("implicit");
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationCode: `
CREATE OR REPLACE STREAM "META" (ticker VARCHAR(8), arrived TIMESTAMP, shard VARCHAR(32), lag_ms BIGINT);
CREATE OR REPLACE PUMP "META_PUMP" AS INSERT INTO "META"
  SELECT STREAM "ticker", APPROXIMATE_ARRIVAL_TIME, "SHARD_ID", TSDIFF(APPROXIMATE_ARRIVAL_TIME, s.ROWTIME)
  FROM "SOURCE_SQL_STREAM_001" AS s;
CREATE OR REPLACE STREAM "STAR" (ticker VARCHAR(8), price DOUBLE, qty INTEGER);
CREATE OR REPLACE PUMP "STAR_PUMP" AS INSERT INTO "STAR" SELECT STREAM * FROM "SOURCE_SQL_STREAM_001";`,
        Inputs: [tickerInput(source)],
        Outputs: [kinesisOutput("META", meta), kinesisOutput("STAR", star)],
      }),
    );
    // DescribeApplication shows the configured columns only, as AWS does.
    const described = await analytics.send(new DescribeApplicationCommand({ ApplicationName: name }));
    expect(described.ApplicationDetail?.InputDescriptions?.[0]?.InputSchema?.RecordColumns?.map((c) => c.Name)).toEqual(["ticker", "price", "qty"]);

    clock.set(T0 + 1_000);
    // Explicit hash keys put one record on each shard.
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: source,
        Records: [
          { PartitionKey: "a", ExplicitHashKey: "0", Data: Buffer.from(JSON.stringify({ ticker: "AMZN", price: 1, trade: { qty: 2 } })) },
          { PartitionKey: "b", ExplicitHashKey: (2n ** 128n - 1n).toString(), Data: Buffer.from(JSON.stringify({ ticker: "AAPL", price: 3, trade: { qty: 4 } })) },
        ],
      }),
    );
    clock.set(T0 + 2_500);
    // Not ASCII: the worker decodes this shard's batch record by record rather than slicing one decoded text.
    await kinesis.send(new PutRecordsCommand({ StreamName: source, Records: [{ PartitionKey: "c", ExplicitHashKey: "0", Data: Buffer.from(JSON.stringify({ ticker: "MßFT", price: 5, trade: { qty: 6 } })) }] }));

    await start(analytics, name, "TRIM_HORIZON");
    await waitUntil(async () => {
      clock.advance(1_000);
      await new Promise((r) => setTimeout(r, 20));
      return (await readAll(kinesis, meta)).length >= 3 && (await readAll(kinesis, star)).length >= 3;
    }, "implicit columns", 20_000);

    expect((await readJson(kinesis, meta)).sort(byKey)).toEqual(
      [
        { TICKER: "AMZN", ARRIVED: "2026-01-01 00:00:01.000", SHARD: "shardId-000000000000", LAG_MS: 0 },
        { TICKER: "AAPL", ARRIVED: "2026-01-01 00:00:01.000", SHARD: "shardId-000000000001", LAG_MS: 0 },
        { TICKER: "MßFT", ARRIVED: "2026-01-01 00:00:02.500", SHARD: "shardId-000000000000", LAG_MS: 0 },
      ].sort(byKey),
    );
    expect((await readJson(kinesis, star)).sort(byKey)).toEqual(
      [
        { TICKER: "AMZN", PRICE: 1, QTY: 2 },
        { TICKER: "AAPL", PRICE: 3, QTY: 4 },
        { TICKER: "MßFT", PRICE: 5, QTY: 6 },
      ].sort(byKey),
    );
    await stop(analytics, name);
  });
});

describe("starting positions", () => {
  const tributary = useTributary();
  let analytics: KinesisAnalyticsClient;
  let kinesis: KinesisClient;
  beforeAll(() => {
    analytics = analyticsClient(tributary.endpoint);
    kinesis = kinesisClient(tributary.endpoint);
  });
  afterAll(() => {
    analytics.destroy();
    kinesis.destroy();
  });

  const passThrough = `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(8), price DOUBLE);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "ticker", "price" FROM "SOURCE_SQL_STREAM_001";`;

  async function app(source: string, sink: string): Promise<string> {
    const name = uniqueName("pos");
    await analytics.send(new CreateApplicationCommand({ ApplicationName: name, ApplicationCode: passThrough, Inputs: [tickerInput(source)], Outputs: [kinesisOutput("OUT", sink)] }));
    return name;
  }

  const doc = (i: number) => ({ ticker: `T${i}`, price: i });
  const tickers = async (stream: string) => (await readJson(kinesis, stream)).map((r) => r.TICKER as string).sort();
  const waitForCount = (stream: string, n: number) => waitUntil(async () => (await readAll(kinesis, stream)).length >= n, `${n} records in ${stream}`);

  it("TRIM_HORIZON reads what is already there; NOW only what comes after the start", async () => {
    const source = await createStream(kinesis, undefined, 2);
    const fromStart = await createStream(kinesis, undefined, 1);
    const fromNow = await createStream(kinesis, undefined, 1);
    await put(kinesis, source, [doc(1), doc(2), doc(3)]);
    const a = await app(source, fromStart);
    const b = await app(source, fromNow);
    await start(analytics, a, "TRIM_HORIZON");
    await start(analytics, b, "NOW");
    await put(kinesis, source, [doc(4)]);
    await waitForCount(fromStart, 4);
    await waitForCount(fromNow, 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(await tickers(fromStart)).toEqual(["T1", "T2", "T3", "T4"]);
    expect(await tickers(fromNow)).toEqual(["T4"]);
    await stop(analytics, a);
    await stop(analytics, b);
  });

  it("LAST_STOPPED_POINT resumes where the application stopped: nothing lost, nothing twice", async () => {
    const source = await createStream(kinesis, undefined, 3);
    const sink = await createStream(kinesis, undefined, 1);
    const name = await app(source, sink);
    await start(analytics, name, "NOW");
    await put(kinesis, source, [doc(1), doc(2)]);
    await waitForCount(sink, 2);
    await stop(analytics, name);
    await put(kinesis, source, [doc(3), doc(4), doc(5)]);
    await start(analytics, name, "LAST_STOPPED_POINT");
    await put(kinesis, source, [doc(6)]);
    await waitForCount(sink, 6);
    await new Promise((r) => setTimeout(r, 100));
    expect(await tickers(sink)).toEqual(["T1", "T2", "T3", "T4", "T5", "T6"]);
    await stop(analytics, name);
  });
});

describe("running applications", () => {
  const tributary = useTributary();
  let analytics: KinesisAnalyticsClient;
  let kinesis: KinesisClient;
  beforeAll(() => {
    analytics = analyticsClient(tributary.endpoint);
    kinesis = kinesisClient(tributary.endpoint);
  });
  afterAll(() => {
    analytics.destroy();
    kinesis.destroy();
  });

  const count = async (stream: string) => (await readAll(kinesis, stream)).length;

  it("follows a reshard, reads parallel in-application streams, and routes bad records to error_stream", async () => {
    const source = await createStream(kinesis, undefined, 2);
    const sink = await createStream(kinesis, undefined, 1);
    const errors = await createStream(kinesis, undefined, 1);
    const name = uniqueName("par");
    const input = tickerInput(source);
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationCode: `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(8), src VARCHAR(3));
CREATE OR REPLACE PUMP "P1" AS INSERT INTO "OUT" SELECT STREAM "ticker", 'one' FROM "SOURCE_SQL_STREAM_001";
CREATE OR REPLACE PUMP "P2" AS INSERT INTO "OUT" SELECT STREAM "ticker", 'two' FROM "SOURCE_SQL_STREAM_002";`,
        Inputs: [{ ...input, InputParallelism: { Count: 2 } }],
        Outputs: [kinesisOutput("OUT", sink), kinesisOutput("error_stream", errors)],
      }),
    );
    await start(analytics, name, "NOW");
    const docs = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ ticker: `T${from + i}`, price: 1 }));
    await put(kinesis, source, docs(0, 20));
    await waitUntil(async () => (await count(sink)) >= 20, "before the reshard");
    // Two shards become four: the parents are read to their end, then their children.
    await kinesis.send(new UpdateShardCountCommand({ StreamName: source, TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }));
    await waitForActive(kinesis, source);
    await put(kinesis, source, docs(20, 20));
    await put(kinesis, source, ["{broken"]);
    await waitUntil(async () => (await count(sink)) >= 40 && (await count(errors)) >= 1, "after the reshard");
    await new Promise((r) => setTimeout(r, 100));
    const out = await readJson(kinesis, sink);
    expect(out.map((r) => r.TICKER).sort()).toEqual(docs(0, 40).map((d) => d.ticker).sort());
    expect(new Set(out.map((r) => r.SRC))).toEqual(new Set(["one", "two"]));
    const [error] = await readJson(kinesis, errors);
    expect(error).toMatchObject({ ERROR_LEVEL: "ERROR", ERROR_NAME: "SCHEMA_MISMATCH", DATA_ROW: Buffer.from("{broken").toString("hex") });
    await stop(analytics, name);
  });

  it("reads CSV records with their delimiters and positional columns", async () => {
    const source = await createStream(kinesis, undefined, 1);
    const sink = await createStream(kinesis, undefined, 1);
    const name = uniqueName("csv");
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationCode: `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(8), total DECIMAL(8,2));
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "ticker", "price" * "qty" FROM "SOURCE_SQL_STREAM_001";`,
        Inputs: [
          {
            NamePrefix: "SOURCE_SQL_STREAM",
            KinesisStreamsInput: { ResourceARN: streamArn(source), RoleARN: ROLE },
            InputSchema: {
              RecordFormat: { RecordFormatType: "CSV", MappingParameters: { CSVMappingParameters: { RecordRowDelimiter: "\n", RecordColumnDelimiter: ";" } } },
              RecordColumns: [
                { Name: "ticker", SqlType: "VARCHAR(8)" },
                { Name: "price", SqlType: "DECIMAL(8,2)" },
                { Name: "qty", SqlType: "INTEGER" },
              ],
            },
          },
        ],
        Outputs: [kinesisOutput("OUT", sink, "CSV")],
      }),
    );
    await start(analytics, name, "NOW");
    // One record may carry several rows.
    await put(kinesis, source, ["AMZN;10.50;2\nAAPL;1.25;4\n", "MSFT;3;1;ignored\n"]);
    await waitUntil(async () => (await count(sink)) >= 3, "csv output");
    expect((await readAll(kinesis, sink)).sort()).toEqual(["AAPL,5.00\n", "AMZN,21.00\n", "MSFT,3.00\n"]);
    await stop(analytics, name);
  });

  it("applies an update to a running application: UPDATING, then RUNNING on the new code, nothing lost", async () => {
    const source = await createStream(kinesis, undefined, 1);
    const sink = await createStream(kinesis, undefined, 1);
    const name = uniqueName("live");
    await analytics.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationCode: `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(8), v INTEGER);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "ticker", 1 FROM "SOURCE_SQL_STREAM_001";`,
        Inputs: [tickerInput(source)],
        Outputs: [kinesisOutput("OUT", sink)],
      }),
    );
    await start(analytics, name, "NOW");
    await put(kinesis, source, [{ ticker: "A", price: 1 }]);
    await waitUntil(async () => (await count(sink)) >= 1, "first version output");
    await analytics.send(
      new UpdateApplicationCommand({
        ApplicationName: name,
        CurrentApplicationVersionId: 1,
        ApplicationUpdate: {
          ApplicationCodeUpdate: `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(8), v INTEGER);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "ticker", 2 FROM "SOURCE_SQL_STREAM_001";`,
        },
      }),
    );
    const status = (await analytics.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail!;
    expect(["UPDATING", "RUNNING"]).toContain(status.ApplicationStatus);
    expect(status.ApplicationVersionId).toBe(2);
    await put(kinesis, source, [{ ticker: "B", price: 1 }]);
    await waitForStatus(analytics, name, "RUNNING");
    await waitUntil(async () => (await count(sink)) >= 2, "second version output");
    await new Promise((r) => setTimeout(r, 100));
    expect((await readJson(kinesis, sink)).sort(byKey)).toEqual([
      { TICKER: "A", V: 1 },
      { TICKER: "B", V: 2 },
    ]);
    await stop(analytics, name);
  });
});

describe("restart of the server", () => {
  it("resumes a running application at its last stopped point after the server restarts", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tributary-kda-"));
    try {
      let running = await startTestTributary({ storage: "file", dataDir });
      let analytics = analyticsClient(running.server.endpoint);
      let kinesis = kinesisClient(running.server.endpoint);
      const source = await createStream(kinesis, undefined, 2);
      const sink = await createStream(kinesis, undefined, 1);
      const name = uniqueName("restart");
      await analytics.send(
        new CreateApplicationCommand({
          ApplicationName: name,
          ApplicationCode: `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(8));
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "ticker" FROM "SOURCE_SQL_STREAM_001";`,
          Inputs: [tickerInput(source)],
          Outputs: [kinesisOutput("OUT", sink)],
        }),
      );
      await start(analytics, name, "NOW");
      await put(kinesis, source, [{ ticker: "A" }, { ticker: "B" }]);
      await waitUntil(async () => (await readAll(kinesis, sink)).length >= 2, "first output");
      analytics.destroy();
      kinesis.destroy();
      // A graceful stop keeps the application RUNNING in the store and its positions saved.
      await running.server.stop();

      running = await startTestTributary({ storage: "file", dataDir });
      analytics = analyticsClient(running.server.endpoint);
      kinesis = kinesisClient(running.server.endpoint);
      await waitForStatus(analytics, name, "RUNNING");
      await put(kinesis, source, [{ ticker: "C" }]);
      await waitUntil(async () => (await readAll(kinesis, sink)).length >= 3, "output after restart");
      await new Promise((r) => setTimeout(r, 100));
      expect((await readJson(kinesis, sink)).map((r) => r.TICKER).sort()).toEqual(["A", "B", "C"]);
      analytics.destroy();
      kinesis.destroy();
      await running.server.stop();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
