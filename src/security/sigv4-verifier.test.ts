/**
 * The header form is verified with smithy's steps one by one rather than `sign()` whole. These cases
 * check that both agree, including on requests no SDK sends (odd signed-header lists, signed `date`,
 * `user-agent` or `content-length`, escaped paths, repeated query parameters, session tokens): the
 * reference below is the whole-`sign()` route, and the verifier must accept exactly its signature.
 */
import { createHash } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";
import { describe, expect, it } from "vitest";
import { AwsError } from "../core/errors.js";
import { checkSigV4Form } from "../server/protocol/sigv4-form.js";
import type { AuthRequest } from "../server/server.js";
import { CredentialStore, parseCredentials, type User } from "./credentials.js";
import { SigV4Verifier } from "./sigv4-verifier.js";

const NOW_MS = Date.UTC(2026, 2, 3, 4, 5, 6);
const DATE = "20260303T040506Z";
const users = parseCredentials({
  users: [
    { accessKeyId: "AKIDPLAIN", secretAccessKey: "plain-secret", accountId: "111111111111" },
    { accessKeyId: "AKIDTOKEN", secretAccessKey: "token-secret", accountId: "222222222222", sessionToken: "tok/en+=" },
  ],
}).users;
const store = new CredentialStore(users);
const verifier = new SigV4Verifier({ credentials: store, clock: { now: () => NOW_MS, setTimer: () => () => undefined }, defaultRegion: "us-east-1" });

/** The expected signature by `sign()` over a copy of the request, as the verifier computed it before. */
async function referenceSignature(user: User, method: string, url: string, headers: Record<string, string>, body: Buffer, signedHeaders: string, region: string): Promise<string> {
  const signed = signedHeaders.split(";");
  const signedSet = new Set(signed);
  const bag: Record<string, string> = {};
  for (const name of signed) bag[name] = headers[name]!;
  bag["x-amz-content-sha256"] = createHash("sha256").update(body).digest("hex");
  const unsignable = new Set(["x-amz-content-sha256", "x-amz-date", "x-amz-security-token"].filter((n) => !signedSet.has(n)));
  const queryAt = url.indexOf("?");
  const query: Record<string, string | string[]> = {};
  if (queryAt >= 0) {
    for (const [name, value] of new URLSearchParams(url.slice(queryAt + 1))) {
      const existing = query[name];
      query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
  }
  const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
  const signer = new SignatureV4({
    credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey, sessionToken: user.sessionToken },
    region: "us-east-1",
    service: "kinesis",
    sha256: Sha256,
    applyChecksum: false,
  });
  const out = await signer.sign(
    { method, protocol: "https:", hostname: bag.host ?? "", path: decodeURIComponent(rawPath), query, headers: bag, body },
    { signingDate: new Date(NOW_MS), signingRegion: region, signingService: "kinesis", signableHeaders: signedSet, unsignableHeaders: unsignable },
  );
  const authorization = out.headers.authorization!;
  return authorization.slice(authorization.lastIndexOf("Signature=") + "Signature=".length);
}

interface Case {
  name: string;
  user: User;
  method?: string;
  url?: string;
  headers: Record<string, string>;
  signedHeaders: string;
  region?: string;
  body?: string;
}

const base = { host: "localhost:4567", "content-type": "application/x-amz-json-1.1", "x-amz-target": "Kinesis_20131202.PutRecords", "x-amz-date": DATE };
const plain = users[0]!;
const withToken = users[1]!;

const cases: Case[] = [
  { name: "an SDK's usual set", user: plain, headers: base, signedHeaders: "content-type;host;x-amz-date;x-amz-target" },
  { name: "an unsorted signed-header list", user: plain, headers: base, signedHeaders: "x-amz-target;host;x-amz-date;content-type" },
  { name: "without x-amz-date signed", user: plain, headers: base, signedHeaders: "content-type;host;x-amz-target" },
  {
    name: "a signed x-amz-content-sha256",
    user: plain,
    headers: { ...base, "x-amz-content-sha256": createHash("sha256").update("{}").digest("hex") },
    signedHeaders: "host;x-amz-content-sha256;x-amz-date",
  },
  {
    name: "signed user-agent, content-length, date and messy whitespace",
    user: plain,
    headers: { ...base, "user-agent": "aws-cli/2  x\tz", "content-length": "2", date: "Tue, 03 Mar 2026 04:05:06 GMT", "x-custom": "  a   b  " },
    signedHeaders: "content-length;date;host;user-agent;x-amz-date;x-custom",
  },
  { name: "an escaped path and repeated query parameters", user: plain, method: "GET", url: "/a%20b/./c/../d?b=2&a=1&a=0&sp=x%20y", headers: base, signedHeaders: "host;x-amz-date" },
  { name: "an empty region in the scope", user: plain, headers: base, signedHeaders: "host;x-amz-date", region: "" },
  { name: "a signed session token", user: withToken, headers: { ...base, "x-amz-security-token": "tok/en+=" }, signedHeaders: "host;x-amz-date;x-amz-security-token" },
  { name: "an unsigned session token", user: withToken, headers: { ...base, "x-amz-security-token": "tok/en+=" }, signedHeaders: "host;x-amz-date" },
  { name: "a large body", user: plain, headers: base, signedHeaders: "host;x-amz-date", body: "x".repeat(100_000) },
];

function authRequest(c: Case, signature: string): AuthRequest {
  const region = c.region ?? "eu-west-1";
  const headers = {
    ...c.headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${c.user.accessKeyId}/${DATE.slice(0, 8)}/${region}/kinesis/aws4_request, SignedHeaders=${c.signedHeaders}, Signature=${signature}`,
  };
  const url = c.url ?? "/";
  const queryAt = url.indexOf("?");
  const sigv4 = checkSigV4Form(headers, queryAt < 0 ? undefined : new URLSearchParams(url.slice(queryAt + 1)));
  return { method: c.method ?? "POST", url, headers, body: Buffer.from(c.body ?? "{}"), sigv4, serviceName: "kinesis" };
}

describe("SigV4Verifier header form", () => {
  for (const c of cases) {
    it(`agrees with the whole-sign() route on ${c.name}`, async () => {
      const request = authRequest(c, "0".repeat(64));
      const expected = await referenceSignature(c.user, request.method, request.url, request.headers as Record<string, string>, request.body, c.signedHeaders, c.region ?? "eu-west-1");
      const identity = await verifier.authenticate(authRequest(c, expected));
      expect(identity).toEqual({ accessKeyId: c.user.accessKeyId, account: c.user.accountId, region: c.region === "" ? "us-east-1" : (c.region ?? "eu-west-1") });
      const flipped = expected.slice(0, -1) + (expected.endsWith("0") ? "1" : "0");
      await expect(verifier.authenticate(authRequest(c, flipped))).rejects.toBeInstanceOf(AwsError);
      // The same signature over another body is refused too.
      const other = authRequest(c, expected);
      await expect(verifier.authenticate({ ...other, body: Buffer.from(`${c.body ?? "{}"} `) })).rejects.toBeInstanceOf(AwsError);
    });
  }

  it("refuses dates that only roll over into a valid time, as the full round trip did", async () => {
    for (const date of ["20260230T000000Z", "20261301T000000Z", "20260101T240000Z", "20260101T000060Z", "00500101T000000Z"]) {
      const c: Case = { name: date, user: plain, headers: { ...base, "x-amz-date": date }, signedHeaders: "host;x-amz-date" };
      const request = authRequest(c, "0".repeat(64));
      const error = await verifier.authenticate(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsError);
      expect((error as AwsError).message).toBe(`Date must be in ISO-8601 'basic format'. Got '${date}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    }
  });
});
