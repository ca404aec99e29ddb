/**
 * SigV4 verification: AWS's published examples as fixed vectors, then requests signed by an
 * independent signer (@smithy/signature-v4 over @aws-crypto/sha256-js, not node:crypto) in both forms,
 * and every refusal with AWS's exact type and message.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { AwsError } from "../src/core/errors.js";
import type { Clock } from "../src/core/clock.js";
import { checkSigV4Form } from "../src/server/protocol/sigv4-form.js";
import type { AuthRequest } from "../src/server/server.js";
import { CredentialStore, parseCredentials } from "../src/security/credentials.js";
import { amzDate, SigV4Verifier } from "../src/security/sigv4-verifier.js";

const EXAMPLE_KEY = "AKIDEXAMPLE";
const EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const EXAMPLE_TIME_MS = Date.UTC(2015, 7, 30, 12, 36, 0);

const store = new CredentialStore(
  parseCredentials({
    users: [
      { accessKeyId: EXAMPLE_KEY, secretAccessKey: EXAMPLE_SECRET, accountId: "123456789012" },
      { accessKeyId: "AKIDSESSION", secretAccessKey: "session-secret", accountId: "123456789012", sessionToken: "the-session-token" },
    ],
  }).users,
);

const fixedClock = (ms: number): Clock => ({ now: () => ms, setTimer: () => () => undefined });

function verifier(nowMs: number): SigV4Verifier {
  return new SigV4Verifier({ credentials: store, clock: fixedClock(nowMs), defaultRegion: "us-east-1" });
}

function authRequest(method: string, url: string, headers: Record<string, string>, body: Buffer, serviceName: string): AuthRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const queryAt = url.indexOf("?");
  const sigv4 = checkSigV4Form(lower, queryAt < 0 ? undefined : new URLSearchParams(url.slice(queryAt + 1)));
  return { method, url, headers: lower, body, sigv4, serviceName };
}

async function rejection(promise: Promise<unknown>): Promise<AwsError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("AWS's published SigV4 examples", () => {
  it("accepts the get-vanilla example of the SigV4 test suite", async () => {
    const request = authRequest(
      "GET",
      "/",
      {
        host: "example.amazonaws.com",
        "x-amz-date": "20150830T123600Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
      },
      Buffer.alloc(0),
      "service",
    );
    expect(await verifier(EXAMPLE_TIME_MS).authenticate(request)).toEqual({ accessKeyId: EXAMPLE_KEY, account: "123456789012", region: "us-east-1" });
  });

  it("accepts the IAM user guide's ListUsers example and refuses it with one digit changed", async () => {
    const headers = {
      host: "iam.amazonaws.com",
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "x-amz-date": "20150830T123600Z",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
    };
    const url = "/?Action=ListUsers&Version=2010-05-08";
    await verifier(EXAMPLE_TIME_MS).authenticate(authRequest("GET", url, headers, Buffer.alloc(0), "iam"));
    const tampered = { ...headers, authorization: headers.authorization.replace(/d7$/, "d8") };
    const error = await rejection(Promise.resolve(verifier(EXAMPLE_TIME_MS).authenticate(authRequest("GET", url, tampered, Buffer.alloc(0), "iam"))));
    expect(error.type).toBe("InvalidSignatureException");
  });
});

/** Signs like an SDK would, with an independent hash implementation. */
async function signed(options: { secret?: string; accessKeyId?: string; sessionToken?: string; atMs: number; body?: string; presign?: boolean; service?: string }) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: options.accessKeyId ?? EXAMPLE_KEY, secretAccessKey: options.secret ?? EXAMPLE_SECRET, sessionToken: options.sessionToken },
    region: "eu-west-1",
    service: options.service ?? "kinesis",
    sha256: Sha256,
  });
  const body = options.body ?? '{"StreamName":"s"}';
  const base = {
    method: "POST",
    protocol: "https:",
    hostname: "localhost",
    path: "/",
    query: {},
    headers: { host: "localhost:4567", "content-type": "application/x-amz-json-1.1", "x-amz-target": "Kinesis_20131202.DescribeStreamSummary" },
    body,
  };
  const out = options.presign
    ? await signer.presign(base, { signingDate: new Date(options.atMs), expiresIn: 300 })
    : await signer.sign(base, { signingDate: new Date(options.atMs) });
  const query = new URLSearchParams(out.query as Record<string, string>).toString();
  return { url: query === "" ? "/" : `/?${query}`, headers: out.headers as Record<string, string>, body: Buffer.from(body) };
}

describe("SigV4Verifier", () => {
  const now = Date.UTC(2026, 0, 15, 10, 0, 0);
  const verify = async (r: { url: string; headers: Record<string, string>; body: Buffer }, atMs = now, service = "kinesis") =>
    verifier(atMs).authenticate(authRequest("POST", r.url, r.headers, r.body, service));

  it("accepts header-signed and presigned requests and takes the region from the scope", async () => {
    expect(await verify(await signed({ atMs: now }))).toEqual({ accessKeyId: EXAMPLE_KEY, account: "123456789012", region: "eu-west-1" });
    expect(await verify(await signed({ atMs: now, presign: true }))).toMatchObject({ region: "eu-west-1" });
  });

  it("refuses an unknown access key", async () => {
    const error = await rejection(verify(await signed({ atMs: now, accessKeyId: "AKIDUNKNOWN" })));
    expect([error.type, error.message]).toEqual(["UnrecognizedClientException", "The security token included in the request is invalid."]);
  });

  it("refuses a wrong secret, a changed body and a wrong payload hash with AWS's mismatch message", async () => {
    const mismatch =
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    const wrongSecret = await rejection(verify(await signed({ atMs: now, secret: "not-the-secret" })));
    expect([wrongSecret.type, wrongSecret.message]).toEqual(["InvalidSignatureException", mismatch]);
    const good = await signed({ atMs: now });
    const changedBody = await rejection(verify({ ...good, body: Buffer.from('{"StreamName":"t"}') }));
    expect(changedBody.message).toBe(mismatch);
    const lyingHash = await rejection(verify({ ...good, headers: { ...good.headers, "x-amz-content-sha256": "0".repeat(64) } }));
    expect(lyingHash.message).toBe(mismatch);
    const presigned = await signed({ atMs: now, presign: true });
    const changedQuery = await rejection(verify({ ...presigned, url: presigned.url.replace("X-Amz-Expires=300", "X-Amz-Expires=301") }));
    expect(changedQuery.message).toBe(mismatch);
  });

  it("refuses requests signed more than 5 minutes away, in AWS JSON services' words", async () => {
    const signedAt = await signed({ atMs: now });
    expect(await verify(signedAt, now + 5 * 60_000)).toMatchObject({ accessKeyId: EXAMPLE_KEY });
    const late = await rejection(verify(signedAt, now + 5 * 60_000 + 1000));
    expect([late.type, late.message]).toEqual([
      "InvalidSignatureException",
      `Signature expired: 20260115T100000Z is now earlier than 20260115T100001Z (20260115T100501Z - 5 min.)`,
    ]);
    const early = await rejection(verify(signedAt, now - 5 * 60_000 - 1000));
    expect(early.message).toBe("Signature not yet current: 20260115T100000Z is still later than 20260115T095959Z (20260115T095459Z + 5 min.)");
    const presigned = await signed({ atMs: now, presign: true });
    const expired = await rejection(verify(presigned, now + 301_000));
    expect(expired.message).toBe(`Signature expired: 20260115T100000Z is now earlier than ${amzDate(now + 1000)} (${amzDate(now + 301_000)} - 300 sec.)`);
  });

  it("requires the configured session token, compared in constant time", async () => {
    expect(await verify(await signed({ atMs: now, accessKeyId: "AKIDSESSION", secret: "session-secret", sessionToken: "the-session-token" }))).toMatchObject({
      accessKeyId: "AKIDSESSION",
    });
    const missing = await rejection(verify(await signed({ atMs: now, accessKeyId: "AKIDSESSION", secret: "session-secret" })));
    expect(missing.type).toBe("UnrecognizedClientException");
    const wrong = await rejection(verify(await signed({ atMs: now, accessKeyId: "AKIDSESSION", secret: "session-secret", sessionToken: "other-token" })));
    expect(wrong.type).toBe("UnrecognizedClientException");
  });

  it("refuses a scope for another service", async () => {
    const error = await rejection(verify(await signed({ atMs: now, service: "firehose" })));
    expect([error.type, error.message]).toEqual(["InvalidSignatureException", "Credential should be scoped to correct service: 'kinesis'. "]);
  });
});
