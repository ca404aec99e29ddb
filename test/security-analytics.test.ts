/**
 * `--auth sigv4` covers every service on the endpoint: Kinesis Data Analytics calls are authenticated
 * by the same verifier and authorized by the caller's identity policy (`kinesisanalytics:*` actions on
 * application ARNs).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateApplicationCommand, DescribeApplicationCommand, KinesisAnalyticsClient, ListApplicationsCommand } from "@aws-sdk/client-kinesis-analytics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTributary } from "../src/app.js";
import { startTestTributary } from "./helpers/tributary.js";

const ACCOUNT = "111111111111";
const ANALYST = { accessKeyId: "AKIAANALYST", secretAccessKey: "secret-analyst", accountId: ACCOUNT, userName: "analyst" };
const STREAMER = { accessKeyId: "AKIASTREAMER", secretAccessKey: "secret-streamer", accountId: ACCOUNT, userName: "streamer" };
const CREDENTIALS = {
  users: [
    {
      ...ANALYST,
      policy: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "kinesisanalytics:*", Resource: "*" },
          { Effect: "Deny", Action: "kinesisanalytics:DescribeApplication", Resource: `arn:aws:kinesisanalytics:us-east-1:${ACCOUNT}:application/secret-*` },
        ],
      },
    },
    { ...STREAMER, policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kinesis:*", Resource: "*" }] } },
  ],
};

let dir: string;
let server: { server: RunningTributary; cleanup(): Promise<void> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tributary-security-analytics-"));
  const credentials = join(dir, "credentials.json");
  await writeFile(credentials, JSON.stringify(CREDENTIALS));
  server = await startTestTributary({ config: { auth: "sigv4", credentialsFile: credentials } });
});

afterAll(async () => {
  await server?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

function client(user: { accessKeyId: string; secretAccessKey: string }): KinesisAnalyticsClient {
  return new KinesisAnalyticsClient({ endpoint: server.server.endpoint, region: "us-east-1", credentials: user, maxAttempts: 1 });
}

describe("Analytics under --auth sigv4", () => {
  it("allows what the identity policy allows and denies the rest with AWS's message", async () => {
    const analyst = client(ANALYST);
    await analyst.send(new CreateApplicationCommand({ ApplicationName: "secret-report" }));
    expect((await analyst.send(new ListApplicationsCommand({}))).ApplicationSummaries?.map((a) => a.ApplicationName)).toContain("secret-report");
    await expect(analyst.send(new DescribeApplicationCommand({ ApplicationName: "secret-report" }))).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: `User: arn:aws:iam::${ACCOUNT}:user/analyst is not authorized to perform: kinesisanalytics:DescribeApplication on resource: arn:aws:kinesisanalytics:us-east-1:${ACCOUNT}:application/secret-report with an explicit deny in an identity-based policy`,
    });
    await expect(client(STREAMER).send(new ListApplicationsCommand({}))).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: `User: arn:aws:iam::${ACCOUNT}:user/streamer is not authorized to perform: kinesisanalytics:ListApplications on resource: * because no identity-based policy allows the kinesisanalytics:ListApplications action`,
    });
  });

  it("refuses a wrong secret before any Analytics operation runs", async () => {
    await expect(client({ accessKeyId: ANALYST.accessKeyId, secretAccessKey: "wrong" }).send(new ListApplicationsCommand({}))).rejects.toMatchObject({
      name: "InvalidSignatureException",
    });
  });
});
