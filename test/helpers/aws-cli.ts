/**
 * Runs Debian's AWS CLI v2 (`/usr/bin/aws`, not a pyenv shim) against a Tributary endpoint with dummy
 * credentials and no user configuration, and returns its exit code and output.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";

export const AWS_CLI = "/usr/bin/aws";
export const awsCliMissing = existsSync(AWS_CLI) ? undefined : `${AWS_CLI} is not installed (Debian package awscli; CI installs it)`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (undefined when empty or not JSON). */
  json: unknown;
}

const CLI_TIMEOUT_MS = 30_000;

export interface CliOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  /** AWS_MAX_ATTEMPTS: 1 keeps the CLI from retrying throttles and injected faults away. */
  maxAttempts?: number;
}

export function awsCli(endpoint: string, args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    AWS_ACCESS_KEY_ID: options.accessKeyId ?? "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: options.secretAccessKey ?? "dummy-secret",
    AWS_DEFAULT_REGION: options.region ?? "us-east-1",
    AWS_PAGER: "",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
  if (options.maxAttempts !== undefined) env.AWS_MAX_ATTEMPTS = String(options.maxAttempts);
  return new Promise((resolve) => {
    execFile(
      AWS_CLI,
      ["--endpoint-url", endpoint, "--output", "json", "kinesis", ...args],
      { env, timeout: CLI_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        let json: unknown;
        try {
          json = stdout.trim() === "" ? undefined : JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}
