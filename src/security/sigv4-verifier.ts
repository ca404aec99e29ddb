/**
 * SigV4 verification (`--auth sigv4`). The expected signature is computed by `@smithy/signature-v4`
 * (the AWS SDK's own signer) over the request as received: the client's signed-header list, its date,
 * its credential scope, the received query and the body's hash. Only the comparison is ours, and it is
 * constant-time.
 *
 * The header form (every SDK call) goes through smithy's own steps one by one (canonical headers,
 * canonical request, string to sign, signature) instead of `sign()`, which would clone the request
 * and recompute what is already known here; the body is hashed once, natively, on a helper thread
 * while the server decodes it (body-hasher.ts). The presigned form, rare, goes through `presign()` whole.
 *
 * Checks run in this order: known access key, session token, date format, clock skew or presigned
 * expiry, scope (date, service), payload hash, signature.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";
import { ALGORITHM_IDENTIFIER, createScope, getCanonicalHeaders, getSigningKey, SignatureV4 } from "@smithy/signature-v4";
import type { Clock } from "../core/clock.js";
import { invalidSignature, unrecognizedClient } from "../core/errors.js";
import { SIGV4_CLOCK_SKEW_MS_MAX, SIGV4_PRESIGNED_EXPIRES_SECONDS_MAX } from "../core/limits.js";
import type { Logger } from "../core/log.js";
import type { Authenticator, AuthRequest, BodyHashJob, Identity } from "../server/server.js";
import { BodyHasher } from "./body-hasher.js";
import type { CredentialStore, User } from "./credentials.js";
import { NodeSha256 } from "./node-sha256.js";

type SignableRequest = Parameters<SignatureV4["presign"]>[0];
type AwsCredentialIdentity = { accessKeyId: string; secretAccessKey: string; sessionToken: string | undefined };

export const SIGNATURE_MISMATCH_MESSAGE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
export const INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid.";

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SHA256_HEADER = "x-amz-content-sha256";
const SECURITY_TOKEN_HEADER = "x-amz-security-token";
const AMZ_DATE_HEADER = "x-amz-date";
const SIGNATURE_QUERY = "X-Amz-Signature";
const SKEW_MINUTES = SIGV4_CLOCK_SKEW_MS_MAX / 60_000;

/** `20260101T000000Z`, the form AWS prints times in its signature messages. */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** The time a `20260101T000000Z` stands for; undefined unless it is exactly the form `amzDate` prints. */
function parseAmzDate(text: string): number | undefined {
  const m = AMZ_DATE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]) - 1;
  const day = Number(m[3]);
  const ms = Date.UTC(year, month, day, Number(m[4]), Number(m[5]), Number(m[6]));
  // Date.UTC rolls over (month 13, second 60) and maps years 0-99 to 1900-1999: such texts are refused,
  // as printing the time back would not give the same text.
  const t = new Date(ms);
  const exact =
    t.getUTCFullYear() === year &&
    t.getUTCMonth() === month &&
    t.getUTCDate() === day &&
    t.getUTCHours() === Number(m[4]) &&
    t.getUTCMinutes() === Number(m[5]) &&
    t.getUTCSeconds() === Number(m[6]);
  return exact ? ms : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

/** Signing keys (one per day, region and service) kept per user; beyond it the memory starts over. */
const SIGNING_KEYS_CACHED_PER_USER_MAX = 64;
/** Region the signer is built with; every verification passes the client's own scope instead. */
const DEFAULT_SIGNER_REGION = "us-east-1";
/** Distinct SignedHeaders lists remembered; beyond it the memory starts over. */
const SIGNED_HEADER_LISTS_CACHED_MAX = 256;

/** Headers `prepareRequest` removes before `sign()` signs (smithy's GENERATED_HEADERS). */
const GENERATED_HEADER_SET: ReadonlySet<string> = new Set(["authorization", AMZ_DATE_HEADER, "date"]);

/**
 * `SignatureV4` with its steps reachable one by one, so that the header form is verified with smithy's
 * own canonical request, string to sign and signing key, without the request copy `sign()` makes.
 * The signing key (four HMACs, smithy's `getSigningKey`) is kept per scope for this user: it changes
 * once a day per region and service.
 */
class VerifyingSigner extends SignatureV4 {
  private readonly signingKeys = new Map<string, Promise<KeyObject>>();

  constructor(private readonly identity: AwsCredentialIdentity) {
    super({ credentials: identity, region: DEFAULT_SIGNER_REGION, service: "kinesis", sha256: NodeSha256, applyChecksum: false, uriEscapePath: true });
  }

  canonicalRequest(request: SignableRequest, canonicalHeaders: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
  }

  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
  }

  /**
   * The hex HMAC-SHA256 of the string to sign under the scope's signing key: what `sign()` puts after
   * `Signature=` (it is `new sha256(signingKey)` there, which NodeSha256 makes a node:crypto HMAC).
   */
  async signature(shortDate: string, region: string, service: string, stringToSign: string): Promise<string> {
    return createHmac("sha256", await this.signingKey(shortDate, region, service))
      .update(stringToSign, "utf8")
      .digest("hex");
  }

  /** As a KeyObject: an HMAC keyed by one is set up in ~60% of the time of one keyed by bytes. */
  private signingKey(shortDate: string, region: string, service: string): Promise<KeyObject> {
    // Neither part of a client's scope can hold a "/", so the scope names one key.
    const scope = createScope(shortDate, region, service);
    let key = this.signingKeys.get(scope);
    if (key === undefined) {
      key = getSigningKey(this.sha256, this.identity, shortDate, region, service).then((bytes) => createSecretKey(bytes));
      if (this.signingKeys.size >= SIGNING_KEYS_CACHED_PER_USER_MAX) this.signingKeys.clear();
      this.signingKeys.set(scope, key);
    }
    return key;
  }
}

interface SignedHeaderList {
  signed: readonly string[];
  signedSet: Set<string>;
  unsignable: Set<string>;
}

export interface SigV4VerifierOptions {
  credentials: CredentialStore;
  clock: Clock;
  defaultRegion: string;
  logger?: Logger;
}

export class SigV4Verifier implements Authenticator {
  /** One signer per user for the server's life: it keeps that user's signing keys. */
  private readonly signers = new WeakMap<User, VerifyingSigner>();
  private readonly headerLists = new Map<string, SignedHeaderList>();
  private lastDate = { text: "", ms: 0 };
  private readonly bodyHasher: BodyHasher;

  constructor(private readonly options: SigV4VerifierOptions) {
    this.bodyHasher = new BodyHasher({ logger: options.logger });
  }

  startBodyHash(body: Buffer): BodyHashJob {
    return this.bodyHasher.start(body);
  }

  /** Stops the body-hashing thread. */
  close(): Promise<void> {
    return this.bodyHasher.close();
  }

  async authenticate(request: AuthRequest): Promise<Identity> {
    const { sigv4 } = request;
    const scope = sigv4.credential;
    const user = this.options.credentials.get(scope.accessKeyId);
    if (user === undefined) throw unrecognizedClient(INVALID_TOKEN_MESSAGE);
    if ((user.sessionToken ?? "") !== "" || sigv4.securityToken !== undefined) {
      if (sigv4.securityToken === undefined || user.sessionToken === undefined || !sameSecret(sigv4.securityToken, user.sessionToken)) {
        throw unrecognizedClient(INVALID_TOKEN_MESSAGE);
      }
    }
    const signedMs = this.signingTime(sigv4.date);
    if (signedMs === undefined) {
      throw invalidSignature(`Date must be in ISO-8601 'basic format'. Got '${sigv4.date}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    }
    const expiresSeconds = sigv4.form === "query" ? this.checkPresignedTime(sigv4.expires, signedMs) : this.checkSkew(signedMs);
    if (scope.date !== sigv4.date.slice(0, 8)) throw invalidSignature(SIGNATURE_MISMATCH_MESSAGE);
    if (scope.service !== request.serviceName) {
      throw invalidSignature(`Credential should be scoped to correct service: '${request.serviceName}'. `);
    }

    // One native pass over the body, the bulk of verification's cost (about 45 us for 89 KB): usually
    // started by startBodyHash on a helper thread before the body was decoded, and done by now.
    const bodyHash = (request.bodyHash ?? this.bodyHasher.start(request.body)).hex();
    const claimedHash = headerValue(request.headers[SHA256_HEADER]);
    // A signed x-amz-content-sha256 that does not describe the body would let a signature be replayed
    // with another body; UNSIGNED-PAYLOAD is refused for the same reason.
    if (claimedHash !== undefined && claimedHash !== bodyHash) throw invalidSignature(SIGNATURE_MISMATCH_MESSAGE);

    const { signed, signedSet, unsignable } = this.signedHeaderList(sigv4.signedHeaders);
    const headerForm = sigv4.form === "header";
    const headers: Record<string, string> = {};
    for (const name of signed) {
      // sign() drops the headers it generates and adds its own (headerSignature): they are left out
      // here rather than deleted later, which would slow every later use of the object.
      if (headerForm && GENERATED_HEADER_SET.has(name)) continue;
      const value = name === "host" ? (headerValue(request.headers.host) ?? headerValue(request.headers[":authority"])) : headerValue(request.headers[name]);
      if (value === undefined) throw invalidSignature(SIGNATURE_MISMATCH_MESSAGE);
      headers[name] = value;
    }
    // The payload hash reaches the signer as a header it must use but not sign (unless the client did).
    headers[SHA256_HEADER] = bodyHash;

    const signableRequest = this.signableRequest(request, headers, sigv4.form === "query");
    const signer = this.signerFor(user);
    let expected: string | undefined;
    if (sigv4.form === "query") {
      const presigned = await signer.presign(signableRequest, {
        signingDate: new Date(signedMs),
        signingRegion: scope.region,
        signingService: scope.service,
        signableHeaders: signedSet,
        unsignableHeaders: unsignable,
        expiresIn: expiresSeconds,
        unhoistableHeaders: new Set([...signedSet, SHA256_HEADER]),
      });
      const value = presigned.query?.[SIGNATURE_QUERY];
      expected = typeof value === "string" ? value : undefined;
    } else {
      expected = await this.headerSignature(signer, user, signableRequest, sigv4.date, scope.region, scope.service, signedSet, unsignable);
    }
    if (expected === undefined || !sameSecret(expected, sigv4.signature)) throw invalidSignature(SIGNATURE_MISMATCH_MESSAGE);
    return { accessKeyId: user.accessKeyId, account: user.accountId, region: scope.region !== "" ? scope.region : this.options.defaultRegion };
  }

  /**
   * What `sign()` would put after `Signature=`, by the same smithy steps minus its request copy:
   * `prepareRequest`'s removal of generated headers happened when the header object was built, and
   * the date and token `sign()` adds are set on it here; canonical headers, canonical request, string
   * to sign and signature are smithy's. The payload hash is the x-amz-content-sha256 entry, as `sign()` takes it.
   */
  private async headerSignature(
    signer: VerifyingSigner,
    user: User,
    request: SignableRequest,
    longDate: string,
    region: string,
    service: string,
    signable: Set<string>,
    unsignable: Set<string>,
  ): Promise<string> {
    const headers = request.headers;
    const payloadHash = headers[SHA256_HEADER]!;
    // `longDate` is the client's X-Amz-Date, which parseAmzDate accepted only in the form sign() prints.
    headers[AMZ_DATE_HEADER] = longDate;
    if (user.sessionToken) headers[SECURITY_TOKEN_HEADER] = user.sessionToken;
    const canonicalHeaders = getCanonicalHeaders(request, unsignable, signable);
    const canonicalRequest = signer.canonicalRequest(request, canonicalHeaders, payloadHash);
    const shortDate = longDate.slice(0, 8);
    const stringToSign = await signer.stringToSign(longDate, createScope(shortDate, region, service), canonicalRequest);
    return signer.signature(shortDate, region, service, stringToSign);
  }

  /**
   * A client's SignedHeaders, split, with the headers the signer adds but must leave out of this
   * signature. Clients send the same few lists over and over, so they are kept (the sets are only read).
   */
  private signedHeaderList(text: string): SignedHeaderList {
    let list = this.headerLists.get(text);
    if (list === undefined) {
      const signed = text.split(";");
      const signedSet = new Set(signed);
      const unsignable = new Set<string>();
      for (const generated of [SHA256_HEADER, AMZ_DATE_HEADER, SECURITY_TOKEN_HEADER]) if (!signedSet.has(generated)) unsignable.add(generated);
      list = { signed, signedSet, unsignable };
      if (this.headerLists.size >= SIGNED_HEADER_LISTS_CACHED_MAX) this.headerLists.clear();
      this.headerLists.set(text, list);
    }
    return list;
  }

  /** Header form: the signing time must be within 5 minutes of ours, either way (AWS JSON services' wording). */
  private checkSkew(signedMs: number): number {
    const nowMs = this.options.clock.now();
    if (signedMs < nowMs - SIGV4_CLOCK_SKEW_MS_MAX) {
      throw invalidSignature(
        `Signature expired: ${amzDate(signedMs)} is now earlier than ${amzDate(nowMs - SIGV4_CLOCK_SKEW_MS_MAX)} (${amzDate(nowMs)} - ${SKEW_MINUTES} min.)`,
      );
    }
    if (signedMs > nowMs + SIGV4_CLOCK_SKEW_MS_MAX) {
      throw invalidSignature(
        `Signature not yet current: ${amzDate(signedMs)} is still later than ${amzDate(nowMs + SIGV4_CLOCK_SKEW_MS_MAX)} (${amzDate(nowMs)} + ${SKEW_MINUTES} min.)`,
      );
    }
    return 0;
  }

  /** Presigned form: valid from 5 minutes before X-Amz-Date until X-Amz-Expires seconds after it. */
  private checkPresignedTime(expiresText: string | undefined, signedMs: number): number {
    const expires = expiresText === undefined ? NaN : Number(expiresText);
    if (!/^\d+$/.test(expiresText ?? "") || expires < 1 || expires > SIGV4_PRESIGNED_EXPIRES_SECONDS_MAX) {
      throw invalidSignature(`X-Amz-Expires must be a number of seconds from 1 to ${SIGV4_PRESIGNED_EXPIRES_SECONDS_MAX}.`);
    }
    const nowMs = this.options.clock.now();
    if (nowMs > signedMs + expires * 1000) {
      throw invalidSignature(`Signature expired: ${amzDate(signedMs)} is now earlier than ${amzDate(nowMs - expires * 1000)} (${amzDate(nowMs)} - ${expires} sec.)`);
    }
    if (signedMs > nowMs + SIGV4_CLOCK_SKEW_MS_MAX) {
      throw invalidSignature(
        `Signature not yet current: ${amzDate(signedMs)} is still later than ${amzDate(nowMs + SIGV4_CLOCK_SKEW_MS_MAX)} (${amzDate(nowMs)} + ${SKEW_MINUTES} min.)`,
      );
    }
    return expires;
  }

  private signableRequest(request: AuthRequest, headers: Record<string, string>, presigned: boolean): SignableRequest {
    const queryAt = request.url.indexOf("?");
    const rawPath = queryAt < 0 ? request.url : request.url.slice(0, queryAt);
    const query: Record<string, string | string[]> = {};
    if (queryAt >= 0) {
      for (const [name, value] of new URLSearchParams(request.url.slice(queryAt + 1))) {
        if (presigned && name === SIGNATURE_QUERY) continue;
        const existing = query[name];
        query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      }
    }
    // The signer escapes the path itself, so it gets the decoded form the client started from.
    let path = rawPath;
    if (rawPath.includes("%")) {
      try {
        path = decodeURIComponent(rawPath);
      } catch {
        path = rawPath;
      }
    }
    return { method: request.method, protocol: "https:", hostname: headers.host ?? "", path, query, headers, body: request.body };
  }

  private signerFor(user: User): VerifyingSigner {
    let signer = this.signers.get(user);
    if (signer === undefined) {
      signer = new VerifyingSigner({ accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey, sessionToken: user.sessionToken });
      this.signers.set(user, signer);
    }
    return signer;
  }

  /** parseAmzDate, remembering the last answer: concurrent clients sign with the same few seconds. */
  private signingTime(text: string): number | undefined {
    if (text === this.lastDate.text) return this.lastDate.ms;
    const ms = parseAmzDate(text);
    if (ms !== undefined) this.lastDate = { text, ms };
    return ms;
  }
}
