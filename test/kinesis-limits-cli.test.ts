/**
 * Limits as the AWS CLI v2 (Debian's /usr/bin/aws, AWS_MAX_ATTEMPTS=1) sees them, on a VirtualClock:
 * a control-plane call rate (DescribeLimits, 1 per second) and a shard's write limit, with --limits aws
 * and --limits off.
 */
import { CreateStreamCommand, PutRecordsCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../src/core/clock.js";
import { kinesisClient, startTestTributary, uniqueName } from "./helpers/tributary.js";
import { awsCli, awsCliMissing } from "./helpers/aws-cli.js";

const ACCOUNT = "000000000000";


describe.skipIf(awsCliMissing !== undefined).each(["aws", "off"] as const)("AWS CLI with --limits %s", (limits) => {
  const clock = new VirtualClock(Date.now());
  let endpoint: string;
  let stop: () => Promise<void>;
  let client: KinesisClient;
  beforeAll(async () => {
    const started = await startTestTributary({ clock, config: { limits } });
    endpoint = started.server.endpoint;
    stop = started.cleanup;
    client = kinesisClient(endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await stop();
  });

  it("meets DescribeLimits' 1 call per second and a full shard's write limit", async () => {
    const name = uniqueName(`cli-${limits}`);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
    // Fill the shard's record budget for this (frozen) second: 1,000 records.
    for (let i = 0; i < 2; i++) {
      const out = await client.send(new PutRecordsCommand({ StreamName: name, Records: Array.from({ length: 500 }, () => ({ PartitionKey: "k", Data: new Uint8Array(1) })) }));
      expect(out.FailedRecordCount).toBe(0);
    }
    const [first, second, put] = await Promise.all([
      awsCli(endpoint, ["describe-limits"], { maxAttempts: 1 }),
      awsCli(endpoint, ["describe-limits"], { maxAttempts: 1 }),
      awsCli(endpoint, ["put-record", "--stream-name", name, "--data", "aGk=", "--partition-key", "k"], { maxAttempts: 1 }),
    ]);
    const results = [first, second];
    if (limits === "off") {
      for (const r of [...results, put]) expect(r.stderr).toBe("");
      expect(JSON.parse(first.stdout)).toMatchObject({ ShardLimit: 20000 });
      return;
    }
    const served = results.filter((r) => r.code === 0);
    const refused = results.filter((r) => r.code !== 0);
    expect(served).toHaveLength(1);
    expect(JSON.parse(served[0]!.stdout)).toMatchObject({ ShardLimit: 500, OpenShardCount: 1 });
    expect(refused[0]!.stderr).toContain("An error occurred (LimitExceededException) when calling the DescribeLimits operation");
    expect(refused[0]!.stderr).toContain(`: Rate exceeded for account ${ACCOUNT}.`);
    expect(put.code).not.toBe(0);
    expect(put.stderr).toContain("(ProvisionedThroughputExceededException) when calling the PutRecord operation");
    expect(put.stderr).toContain(`: Rate exceeded for shard shardId-000000000000 in stream ${name} under account ${ACCOUNT}.`);
  });
});
