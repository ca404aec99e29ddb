/**
 * boto3 (Debian's python3-boto3 1.26 under /usr/bin/python3) against Tributary: one Python script per
 * scenario in test/python/, each printing one JSON object of what it observed, checked here.
 * botocore speaks HTTP/1.1 and reads SubscribeToShard's event stream from a chunked body.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { streamArn, uniqueName, useTributary, waitUntil } from "./helpers/tributary.js";

const PYTHON = "/usr/bin/python3";
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), "python");
const SCRIPT_TIMEOUT_MS = 30_000;

function boto3Missing(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is not installed`;
  try {
    execFileSync(PYTHON, ["-c", "import boto3"], { stdio: "ignore", env: { PATH: "/usr/bin:/bin" } });
    return undefined;
  } catch {
    return "Debian's boto3 is not installed (package python3-boto3; CI installs it)";
  }
}
const missing = boto3Missing();

function runScenario(script: string, args: readonly string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      [join(SCRIPTS, script), ...args],
      // No user configuration, credentials or pyenv site-packages: Debian's boto3 only.
      { env: { PATH: "/usr/bin:/bin", HOME: "/tmp", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", PYTHONPATH: SCRIPTS, PYTHONDONTWRITEBYTECODE: "1" }, timeout: SCRIPT_TIMEOUT_MS },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${script} failed (${String(error.code)}): ${stderr}`));
          return;
        }
        const lines = stdout.trim().split("\n");
        resolve(JSON.parse(lines[lines.length - 1] ?? "{}") as Record<string, unknown>);
      },
    );
  });
}

describe.skipIf(missing !== undefined)(`boto3 ${missing ?? ""}`, () => {
  const tributary = useTributary();

  it("drives the main operations", async () => {
    const name = uniqueName("boto3");
    const out = await runScenario("boto3_main.py", [tributary.endpoint, name]);
    expect(out.summary).toEqual({ StreamName: name, StreamARN: streamArn(name), StreamStatus: "ACTIVE", OpenShardCount: 4, RetentionPeriodHours: 24 });
    expect(out.listed).toBe(true);
    expect(out.put).toMatchObject({ ShardId: "shardId-000000000002", EncryptionType: "NONE" });
    expect((out.put as { SequenceNumber: string }).SequenceNumber).toMatch(/^\d{56}$/);
    expect(out.batch).toEqual({ FailedRecordCount: 0, count: 10 });
    expect(out.get).toEqual({ Data: "hello boto3", PartitionKey: "user-123", ArrivalIsDatetime: true, MillisBehindLatest: 0, HasNext: true });
    expect(out.shards).toEqual(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"]);
    expect(out.afterSplit).toBe(5);
    expect(out.tags).toEqual([{ Key: "team", Value: "data" }]);
    expect(out.consumers).toEqual(["boto3-app"]);
    expect(out.error).toEqual({ Code: "ResourceNotFoundException", Message: "Stream no-such-stream under account 000000000000 not found.", Status: 400 });
    expect(out.hashKeyError).toBe("InvalidArgumentException");
  });

  it("subscribes to a shard over HTTP/1.1: initial response, records as they are put, clean close", async () => {
    const name = uniqueName("boto3-sub");
    const out = await runScenario("boto3_subscribe.py", [tributary.endpoint, name]);
    expect(out.status).toBe(200);
    expect(out.contentType).toBe("application/vnd.amazon.eventstream");
    expect(out.initialResponse).toEqual({});
    expect(out.received).toEqual(["boto3-0", "boto3-1", "boto3-2", "boto3-3", "boto3-4"]);
    expect(out.continuation).toMatch(/^\d+$/);
    expect(out.millisBehindLatest).toBe(0);
    // The session ended on the server when boto3 closed the stream.
    await waitUntil(async () => tributary.server.streams.subscriptions.activeSessions === 0, "the server to end the session", 5_000);
    const latencies = out.latenciesMs as number[];
    console.log(`boto3 SubscribeToShard put-to-event latency over HTTP/1.1 (ms, put issued -> event received, one record at a time): ${latencies.map((l) => l.toFixed(1)).join(", ")}`);
  });
});
