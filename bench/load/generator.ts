/**
 * The load generator: a process of its own (so its CPU is not the server's), started by bench/run.ts with
 * one job as JSON in argv[2]; prints one JSON result line on stdout.
 *
 *   node --import tsx bench/load/generator.ts '{"kind":"put-latency","port":4567,"streamName":"s","calls":100}'
 */
import { runDeliveryPoll, runDeliverySubscribe } from "./delivery.js";
import type { LoadJob, LoadResult } from "./jobs.js";
import { runDrain, runPut, runPutLatency } from "./throughput.js";

async function run(job: LoadJob): Promise<LoadResult> {
  switch (job.kind) {
    case "put":
      return runPut(job);
    case "drain":
      return runDrain(job);
    case "put-latency":
      return runPutLatency(job);
    case "delivery-poll":
      return runDeliveryPoll(job);
    case "delivery-subscribe":
      return runDeliverySubscribe(job);
  }
}

const text = process.argv[2];
if (text === undefined) {
  process.stderr.write("usage: generator.ts '<job as JSON>'\n");
  process.exit(2);
}
const cpuBefore = process.cpuUsage();
const startedMs = performance.now();
run(JSON.parse(text) as LoadJob).then(
  (result) => {
    if (result.kind === "throughput") {
      const cpu = process.cpuUsage(cpuBefore);
      result.clientCpuPercent = (100 * (cpu.user + cpu.system)) / 1000 / (performance.now() - startedMs);
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`load generator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
