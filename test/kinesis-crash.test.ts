/**
 * Durability through the whole server: a Tributary child process (file backend, fsync always) takes
 * PutRecords load and is killed with SIGKILL at random moments; after each restart every acknowledged
 * record must be readable, in order, exactly once per sequence number, with the same bytes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROUNDS = 5;
const STREAM = "crash";
const SHARDS = 3;
const CALLERS = 6;

interface Acked {
  shardId: string;
  sequenceNumber: string;
  data: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CALLERS });

function call(port: number, operation: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/",
        agent,
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": `Kinesis_20131202.${operation}`,
          "X-Amz-Date": "20261129T000000Z",
          Authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64),
          "Content-Length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown> }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "-e", "import('./src/cli/main.ts').then((m) => m.main(process.argv.slice(1)))", "serve", "--port", "0", "--data-dir", dataDir, "--transition-ms", "0", "--log-level", "warn"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.on("exit", (code) => reject(new Error(`server exited early (${code})`)));
  });
}

async function readAll(port: number): Promise<Map<string, Acked[]>> {
  const byShard = new Map<string, Acked[]>();
  for (let i = 0; i < SHARDS; i++) {
    const shardId = `shardId-${String(i).padStart(12, "0")}`;
    const it = await call(port, "GetShardIterator", { StreamName: STREAM, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" });
    let iterator = it.json.ShardIterator as string | undefined;
    const records: Acked[] = [];
    while (iterator) {
      const page = await call(port, "GetRecords", { ShardIterator: iterator, Limit: 10000 });
      expect(page.status).toBe(200);
      const got = page.json.Records as Array<{ SequenceNumber: string; Data: string }>;
      for (const r of got) records.push({ shardId, sequenceNumber: r.SequenceNumber, data: r.Data });
      if (got.length === 0) break;
      iterator = page.json.NextShardIterator as string | undefined;
    }
    byShard.set(shardId, records);
  }
  return byShard;
}

describe("crash safety through the API", () => {
  let dataDir = "";
  afterAll(async () => {
    agent.destroy();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged record across ${ROUNDS} SIGKILLs under load`, async () => {
    dataDir = await mkdtemp(join(tmpdir(), "tributary-crash-"));
    const acked: Acked[] = [];
    let round = 0;
    let counter = 0;
    for (; round < ROUNDS; round++) {
      const { child, port } = await startServer(dataDir);
      if (round === 0) {
        const created = await call(port, "CreateStream", { StreamName: STREAM, ShardCount: SHARDS });
        expect(created.status).toBe(200);
      }
      let killed = false;
      const callers = Array.from({ length: CALLERS }, async () => {
        while (!killed) {
          const batch = Array.from({ length: 50 }, () => {
            const n = counter++;
            return { PartitionKey: `pk-${n % 97}`, Data: Buffer.from(`round ${round} record ${n}`).toString("base64") };
          });
          try {
            const res = await call(port, "PutRecords", { StreamName: STREAM, Records: batch });
            if (res.status !== 200) continue;
            const results = res.json.Records as Array<{ ShardId?: string; SequenceNumber?: string }>;
            results.forEach((r, i) => {
              if (r.SequenceNumber && r.ShardId) acked.push({ shardId: r.ShardId, sequenceNumber: r.SequenceNumber, data: batch[i]!.Data });
            });
          } catch {
            // The server died mid-request: nothing of this batch was acknowledged.
          }
        }
      });
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 450));
      child.kill("SIGKILL");
      killed = true;
      await Promise.all(callers);
      await new Promise((r) => child.once("exit", r));
    }

    const { child, port } = await startServer(dataDir);
    try {
      const stored = await readAll(port);
      for (const records of stored.values()) {
        const seqs = records.map((r) => BigInt(r.sequenceNumber));
        for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);
      }
      const index = new Map<string, string>();
      for (const records of stored.values()) for (const r of records) index.set(`${r.shardId}/${r.sequenceNumber}`, r.data);
      let missing = 0;
      for (const a of acked) if (index.get(`${a.shardId}/${a.sequenceNumber}`) !== a.data) missing++;
      console.log(`crash test: ${ROUNDS} kills, ${acked.length} acknowledged records, ${index.size} stored, ${missing} missing`);
      expect(acked.length).toBeGreaterThan(1000);
      expect(missing).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  }, 120_000);
});
