/** Security configuration: flags and environment, the credentials file's validation, master keys. */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startTributary } from "../src/app.js";
import { ConfigError, DEFAULT_CONFIG, loadConfig } from "../src/core/config.js";
import { silentLogger } from "../src/core/log.js";
import { parseCredentials } from "../src/security/credentials.js";
import { decodeMasterKey } from "../src/security/master-key.js";

describe("configuration", () => {
  it("reads --auth, --credentials and the master key from flags and the environment", () => {
    expect(loadConfig([]).auth).toBe("off");
    const flags = loadConfig(["--auth", "sigv4", "--credentials", "/etc/c.json", "--master-key-file", "/k"], {});
    expect([flags.auth, flags.credentialsFile, flags.masterKeyFile]).toEqual(["sigv4", "/etc/c.json", "/k"]);
    const env = loadConfig([], { TRIBUTARY_AUTH: "sigv4", TRIBUTARY_CREDENTIALS: "/c.json", TRIBUTARY_MASTER_KEY: "abc" });
    expect([env.auth, env.credentialsFile, env.masterKey]).toEqual(["sigv4", "/c.json", "abc"]);
    expect(() => loadConfig(["--auth", "basic"], {})).toThrow(ConfigError);
  });

  it("refuses to start with --auth sigv4 but no credentials, or with a broken credentials file", async () => {
    const base = { ...structuredClone(DEFAULT_CONFIG), port: 0, storage: "memory" as const, logLevel: "silent" as const };
    await expect(startTributary({ ...base, auth: "sigv4" }, { logger: silentLogger })).rejects.toThrow(/--auth sigv4 needs --credentials/);
    const dir = await mkdtemp(join(tmpdir(), "tributary-security-config-"));
    try {
      const file = join(dir, "c.json");
      await writeFile(file, JSON.stringify({ users: [{ accessKeyId: "AK", secretAccessKey: "s", accountId: "1", policy: {} }] }));
      await expect(startTributary({ ...base, auth: "sigv4", credentialsFile: file }, { logger: silentLogger })).rejects.toThrow(ConfigError);
      await expect(startTributary({ ...base, masterKey: "too-short" }, { logger: silentLogger })).rejects.toThrow(/32-byte key/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("credentials file", () => {
  const user = { accessKeyId: "AKIA1", secretAccessKey: "s", accountId: "111111111111" };

  it("names the entry at fault", () => {
    expect(() => parseCredentials({ users: [{ ...user, accountId: "12" }] })).toThrow("users[0]: accountId must be 12 digits");
    expect(() => parseCredentials({ users: [user, user] })).toThrow("access key AKIA1 appears twice");
    expect(() => parseCredentials({ users: [{ ...user, policy: { Statement: [{ Effect: "Allow" }] } }] })).toThrow(/users\[0\] \(AKIA1\): policy: .*Action/);
    expect(() => parseCredentials({ keys: [{ keyId: "k", accountId: "111111111111", aliases: ["alias/aws/kinesis"] }] })).toThrow(/AWS-managed/);
    expect(() => parseCredentials({ keys: [{ keyId: "k", accountId: "111111111111", state: "Gone" }] })).toThrow(/state must be one of/);
  });

  it("fills in the principal ARN and keeps optional fields", () => {
    const parsed = parseCredentials({ users: [{ ...user, userName: "alice", sessionToken: "t" }, { ...user, accessKeyId: "AKIA2", arn: "arn:aws:sts::111111111111:assumed-role/r/s" }] });
    expect(parsed.users.map((u) => [u.arn, u.sessionToken, u.policy])).toEqual([
      ["arn:aws:iam::111111111111:user/alice", "t", undefined],
      ["arn:aws:sts::111111111111:assumed-role/r/s", undefined, undefined],
    ]);
  });
});

describe("master key", () => {
  it("accepts hex, base64 and 32 raw bytes, and nothing else", () => {
    const key = randomBytes(32);
    expect(decodeMasterKey(key.toString("hex"), "k")).toEqual(key);
    expect(decodeMasterKey(` ${key.toString("base64")}\n`, "k")).toEqual(key);
    expect(decodeMasterKey(key, "k")).toEqual(key);
    expect(() => decodeMasterKey(randomBytes(16).toString("hex"), "k")).toThrow(/32-byte key/);
  });
});
