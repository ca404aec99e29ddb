/**
 * Smoke run of the Kinesis benchmark (bench/run.ts) in its tiniest mode, so that it cannot silently
 * break. Asserts only that it completes and prints its table rows; never timings.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO_DIR = fileURLToPath(new URL("..", import.meta.url));
const SMOKE_TIMEOUT_MS = 180_000;

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/run.ts", ...args], { cwd: REPO_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run bench (smoke)", () => {
  it(
    "runs every scenario against Tributary and kinesalite and prints the table",
    async () => {
      const { code, stdout, stderr } = await runBench(["--quick", "--seconds", "0.3", "--no-doc", "--no-build"]);
      expect(code, stderr).toBe(0);
      expect(stdout).toContain("| Scenario | Metric | Tributary | kinesalite |");
      for (const row of [
        "| PutRecords 500 × 100 B",
        "| PutRecords 500 × 1 KiB",
        "| GetRecords drain from TRIM_HORIZON",
        "| PutRecord, 1 caller",
        "| Delivery via tight GetRecords polling",
        "| Delivery via SubscribeToShard",
        "| PutRecords 500 × 100 B over HTTP/2",
        "| PutRecords 500 × 100 B over HTTP/2, 8 streams multiplexed",
        "| HTTP/2 (session per request, as the SDK) throughput as a share of HTTP/1.1",
        "| HTTP/2 (multiplexed) throughput as a share of HTTP/1.1",
        "| Server RSS, peak during the run",
        "| Server RSS after the run",
      ]) {
        expect(stdout).toContain(row);
      }
      // Every measured cell is a number, not "n/a", for the scenarios both systems support.
      const putRow = stdout.split("\n").find((line) => line.startsWith("| PutRecords 500 × 100 B, 8 callers") && line.includes("records/s"));
      expect(putRow?.split("|").slice(3, 5).map((cell) => cell.trim())).not.toContain("n/a");
    },
    SMOKE_TIMEOUT_MS,
  );
});
