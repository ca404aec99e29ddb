/**
 * Analytics end-to-end benchmark (not a test): an application created through the SDK reads JSON records
 * from a Kinesis stream (TRIM_HORIZON over a pre-loaded backlog), decodes them in its worker thread, runs
 * its SQL and writes the results to another stream. Reports input rows per second two ways: over the
 * processing itself (first to last output record's arrival time; the first batch's own latency is not
 * counted), and from the StartApplication call, which includes starting the worker thread and compiling.
 *
 *   node --import tsx bench/analytics-e2e.ts [--records 1000000] [--shards 4] [--only filter|project|tumble] [--profile /tmp/main]
 *
 * Load average (1 minute) is printed with every figure: the machine is shared, and other benchmarks move them.
 */
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  CreateApplicationCommand,
  DescribeApplicationCommand,
  KinesisAnalyticsClient,
  StartApplicationCommand,
  StopApplicationCommand,
} from "@aws-sdk/client-kinesis-analytics";
import { startTributary } from "../src/app.js";
import { DEFAULT_CONFIG } from "../src/core/config.js";
import { silentLogger } from "../src/core/log.js";
import type { StreamRuntime } from "../src/kinesis/engine/stream-runtime.js";

const { values: args } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    shards: { type: "string", default: "4" },
    only: { type: "string" },
    /** Writes a CPU profile of the main thread's processing phase (StartApplication to the last output) to this file. */
    profile: { type: "string" },
  },
});
const RECORDS = Number(args.records);
const SHARDS = Number(args.shards);
const PUT_BATCH_RECORDS = 500;
const POLL_MS = 5;
const ROLE = "arn:aws:iam::000000000000:role/bench";
const TICKERS = ["AMZN", "AAPL", "MSFT", "GOOG", "NFLX", "TSLA", "META", "NVDA"];

interface Scenario {
  name: string;
  code: string;
  /** Output records expected for the generated input. */
  expected: (records: number) => number;
}

const SCENARIOS: Scenario[] = [
  {
    name: "filter",
    code: `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(8), price DOUBLE);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "ticker", "price" FROM "SOURCE_SQL_STREAM_001" WHERE "qty" < 10;`,
    expected: (n) => Math.ceil(n / 10),
  },
  {
    name: "project",
    code: `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(8), price DOUBLE, qty INTEGER);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "ticker", "price" * 2, "qty" FROM "SOURCE_SQL_STREAM_001";`,
    expected: (n) => n,
  },
  {
    name: "tumble",
    // All records are put within a few seconds; stopping flushes nothing, so this one waits for windows
    // to close on the 1-second tick and counts windows, not rows.
    code: `CREATE OR REPLACE STREAM "OUT" (ticker VARCHAR(8), n INTEGER, total DOUBLE);
CREATE OR REPLACE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "ticker", COUNT(*), SUM("price") FROM "SOURCE_SQL_STREAM_001"
  GROUP BY "ticker", STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '1' SECOND);`,
    expected: () => -1,
  },
];

/** Earliest and latest arrival time of the records in a stream. */
async function arrivalSpan(server: Awaited<ReturnType<typeof startTributary>>, stream: StreamRuntime): Promise<{ first: number; last: number }> {
  let first = Infinity;
  let last = -Infinity;
  for (const shard of stream.shardsById.values()) {
    if (shard.visibleEnd === 0) continue;
    const head = await server.streams.records.readShard(stream, shard, 0, 1, 1 << 20);
    const tail = await server.streams.records.readShard(stream, shard, shard.visibleEnd - 1, 1, 1 << 20);
    first = Math.min(first, head.records[0]!.arrivalMs);
    last = Math.max(last, tail.records[0]!.arrivalMs);
  }
  return { first, last };
}

function recordCount(stream: StreamRuntime): number {
  let n = 0;
  for (const shard of stream.shardsById.values()) n += shard.visibleEnd;
  return n;
}

async function main(): Promise<void> {
  const server = await startTributary(
    { ...structuredClone(DEFAULT_CONFIG), port: 0, host: "127.0.0.1", storage: "memory", logLevel: "silent", createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, registerConsumerMs: 0, deregisterConsumerMs: 0 },
    { logger: silentLogger },
  );
  const client = new KinesisAnalyticsClient({ endpoint: server.endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" } });
  const account = "000000000000";
  const region = "us-east-1";
  const control = server.streams.control;
  await control.createStream({ account, region, streamName: "bench-source" }, { shardCount: SHARDS, mode: "PROVISIONED" });
  await new Promise((r) => setTimeout(r, 20));
  const source = control.stream({ account, region, streamName: "bench-source" });
  const loadStart = performance.now();
  for (let i = 0; i < RECORDS; i += PUT_BATCH_RECORDS) {
    const entries = [];
    for (let j = i; j < Math.min(RECORDS, i + PUT_BATCH_RECORDS); j++) {
      const doc = { ticker: TICKERS[j % TICKERS.length], price: 100 + (j % 997) / 10, qty: j % 100, trade: { id: j, venue: "XNAS" } };
      entries.push({ partitionKey: `pk${j % 64}`, data: Buffer.from(JSON.stringify(doc)) });
    }
    await server.streams.records.putRecords(source, entries);
  }
  const bytes = [...source.shardsById.values()].reduce((n, s) => n + s.visibleEnd, 0);
  console.log(`loaded ${bytes} records (${SHARDS} shards) in ${((performance.now() - loadStart) / 1000).toFixed(1)} s; node ${process.version}`);

  for (const scenario of SCENARIOS) {
    if (args.only !== undefined && args.only !== scenario.name) continue;
    const sinkName = `bench-sink-${scenario.name}`;
    await control.createStream({ account, region, streamName: sinkName }, { shardCount: 2, mode: "PROVISIONED" });
    await new Promise((r) => setTimeout(r, 20));
    const sink = control.stream({ account, region, streamName: sinkName });
    const name = `bench-${scenario.name}`;
    await client.send(
      new CreateApplicationCommand({
        ApplicationName: name,
        ApplicationCode: scenario.code,
        Inputs: [
          {
            NamePrefix: "SOURCE_SQL_STREAM",
            KinesisStreamsInput: { ResourceARN: `arn:aws:kinesis:${region}:${account}:stream/bench-source`, RoleARN: ROLE },
            InputSchema: {
              RecordFormat: { RecordFormatType: "JSON", MappingParameters: { JSONMappingParameters: { RecordRowPath: "$" } } },
              RecordColumns: [
                { Name: "ticker", SqlType: "VARCHAR(8)", Mapping: "$.ticker" },
                { Name: "price", SqlType: "DOUBLE", Mapping: "$.price" },
                { Name: "qty", SqlType: "INTEGER", Mapping: "$.qty" },
              ],
            },
          },
        ],
        Outputs: [{ Name: "OUT", KinesisStreamsOutput: { ResourceARN: `arn:aws:kinesis:${region}:${account}:stream/${sinkName}`, RoleARN: ROLE }, DestinationSchema: { RecordFormatType: "JSON" } }],
      }),
    );
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const session = args.profile !== undefined ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    }
    const started = Date.now();
    await client.send(new StartApplicationCommand({ ApplicationName: name, InputConfigurations: [{ Id: "1.1", InputStartingPositionConfiguration: { InputStartingPosition: "TRIM_HORIZON" } }] }));
    let running = 0;
    for (;;) {
      const status = (await client.send(new DescribeApplicationCommand({ ApplicationName: name }))).ApplicationDetail?.ApplicationStatus;
      if (status === "RUNNING") {
        running = Date.now();
        break;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    // Meanwhile, how long does the API take to answer? (The point of running SQL in a worker thread.)
    const apiLatenciesMs: number[] = [];
    let measuring = true;
    const probe = (async () => {
      while (measuring) {
        const t = performance.now();
        await client.send(new DescribeApplicationCommand({ ApplicationName: name }));
        apiLatenciesMs.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const expected = scenario.expected(RECORDS);
    let last = -1;
    let stableSince = performance.now();
    for (;;) {
      const n = recordCount(sink);
      if (expected >= 0 && n >= expected) break;
      // The windowed scenario has no fixed count: done when output stopped growing for 3 ticks.
      if (expected < 0 && n > 0 && n === last && performance.now() - stableSince > 3_000) break;
      if (n !== last) {
        last = n;
        stableSince = performance.now();
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    measuring = false;
    await probe;
    if (session) {
      const { profile } = await session.post("Profiler.stop");
      await writeFile(`${args.profile}.${scenario.name}.cpuprofile`, JSON.stringify(profile));
      session.disconnect();
    }
    apiLatenciesMs.sort((a, b) => a - b);
    const percentile = (p: number) => apiLatenciesMs[Math.min(apiLatenciesMs.length - 1, Math.floor((apiLatenciesMs.length * p) / 100))] ?? 0;
    const span = await arrivalSpan(server, sink);
    const processing = expected < 0 ? "" : `${Math.round(RECORDS / ((span.last - span.first) / 1000)).toLocaleString("en-US")} rows/s processing (first to last output), `;
    console.log(
      `${scenario.name.padEnd(8)} ${RECORDS} rows (load average ${loadavg()[0]!.toFixed(2)}): ${processing}` +
        `${Math.round(RECORDS / ((span.last - started) / 1000)).toLocaleString("en-US")} rows/s from StartApplication; ` +
        `${recordCount(sink)} output records; start-up (worker + compile) ${((running - started) / 1000).toFixed(2)} s; ` +
        `main-thread event-loop delay p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms, max ${(loopDelay.max / 1e6).toFixed(0)} ms; ` +
        `DescribeApplication meanwhile p50 ${percentile(50).toFixed(1)} ms, p99 ${percentile(99).toFixed(1)} ms (${apiLatenciesMs.length} calls)`,
    );
    loopDelay.disable();
    await client.send(new StopApplicationCommand({ ApplicationName: name }));
  }
  client.destroy();
  await server.stop();
}

await main();
