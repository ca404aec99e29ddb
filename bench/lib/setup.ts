/** Control-plane setup through the same raw client: streams and an enhanced fan-out consumer. */
import { setTimeout as sleep } from "node:timers/promises";
import { callJson } from "./raw-http.js";

const ACTIVE_WAIT_MS_MAX = 30_000;
const ACTIVE_POLL_MS = 50;

export async function waitReady(port: number): Promise<void> {
  const deadline = Date.now() + ACTIVE_WAIT_MS_MAX;
  for (;;) {
    try {
      await callJson(port, "ListStreams", {});
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(ACTIVE_POLL_MS);
    }
  }
}

/** Creates the stream unless it exists, waits until ACTIVE, and answers its ARN and shard ids. */
export async function ensureStream(port: number, streamName: string, shards: number): Promise<{ arn: string; shardIds: string[] }> {
  try {
    await callJson(port, "CreateStream", { StreamName: streamName, ShardCount: shards });
  } catch (error) {
    if (!String(error).includes("ResourceInUseException")) throw error;
  }
  const deadline = Date.now() + ACTIVE_WAIT_MS_MAX;
  for (;;) {
    const described = (await callJson(port, "DescribeStream", { StreamName: streamName })) as {
      StreamDescription: { StreamStatus: string; StreamARN: string; Shards: { ShardId: string }[] };
    };
    const d = described.StreamDescription;
    if (d.StreamStatus === "ACTIVE") return { arn: d.StreamARN, shardIds: d.Shards.map((s) => s.ShardId) };
    if (Date.now() > deadline) throw new Error(`stream ${streamName} still ${d.StreamStatus}`);
    await sleep(ACTIVE_POLL_MS);
  }
}

/** Registers (or finds) a consumer and waits until it is ACTIVE; answers its ARN. */
export async function ensureConsumer(port: number, streamArn: string, consumerName: string): Promise<string> {
  try {
    await callJson(port, "RegisterStreamConsumer", { StreamARN: streamArn, ConsumerName: consumerName });
  } catch (error) {
    if (!String(error).includes("ResourceInUseException")) throw error;
  }
  const deadline = Date.now() + ACTIVE_WAIT_MS_MAX;
  for (;;) {
    const described = (await callJson(port, "DescribeStreamConsumer", { StreamARN: streamArn, ConsumerName: consumerName })) as {
      ConsumerDescription: { ConsumerStatus: string; ConsumerARN: string };
    };
    const d = described.ConsumerDescription;
    if (d.ConsumerStatus === "ACTIVE") return d.ConsumerARN;
    if (Date.now() > deadline) throw new Error(`consumer ${consumerName} still ${d.ConsumerStatus}`);
    await sleep(ACTIVE_POLL_MS);
  }
}
