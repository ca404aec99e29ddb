/**
 * SigV4 presence and form checks, in the header form (`Authorization: AWS4-HMAC-SHA256 Credential=...`)
 * and the presigned-query form (`X-Amz-Algorithm=...&X-Amz-Credential=...`), with the errors AWS gives
 * (recorded by kinesalite; see the shared reference, section 3). Signatures are not verified here: an
 * `Authenticator` (below) receives the parsed form and decides who the caller is; a verifying
 * authenticator plugs in there.
 */
import type { IncomingHttpHeaders } from "node:http";
import { incompleteSignature, invalidSignature, missingAuthenticationToken } from "../../core/errors.js";

/** The parts of a credential scope: `<akid>/<yyyymmdd>/<region>/<service>/aws4_request`. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export interface SigV4Form {
  form: "header" | "query";
  credential: CredentialScope;
  signedHeaders: string;
  signature: string;
  /** `X-Amz-Date` (or `Date` for the header form) as sent. */
  date: string;
  securityToken: string | undefined;
  /** Presigned form only: `X-Amz-Expires` as sent. */
  expires: string | undefined;
}

/** Who a request acts as. */
export interface Identity {
  accessKeyId: string | undefined;
  account: string;
  region: string;
}

/** What an authenticator sees of a request whose SigV4 form has been checked. */
export interface AuthRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  sigv4: SigV4Form;
  /** The SigV4 signing name of the service the request is for (e.g. "kinesis"). */
  serviceName: string;
  /** What `startBodyHash` returned for this body, when the authenticator has it. */
  bodyHash?: BodyHashJob | undefined;
}

/** A body's SHA-256 (lower-case hex) being computed; `hex()` gives it, finishing the work if need be. */
export interface BodyHashJob {
  hex(): string;
}

/** Turns a well-formed SigV4 request into an Identity, or throws an AwsError (for example a bad signature). */
export interface Authenticator {
  authenticate(request: AuthRequest): Identity | Promise<Identity>;
  /**
   * Called as soon as a request's body is complete, before it is decoded, by authenticators that need
   * the body's hash: its computation can then overlap the decoding. The body may be reused once this
   * returns.
   */
  startBodyHash?(body: Buffer): BodyHashJob;
}

const TWELVE_DIGITS = /^\d{12}$/;

/** Accepts every well-formed request: a 12-digit access key id is the account, the scope's region the region. */
export function formOnlyAuthenticator(defaults: { account: string; region: string }): Authenticator {
  return {
    authenticate({ sigv4 }) {
      const { accessKeyId, region } = sigv4.credential;
      return {
        accessKeyId,
        account: TWELVE_DIGITS.test(accessKeyId) ? accessKeyId : defaults.account,
        region: region !== "" ? region : defaults.region,
      };
    },
  };
}

const HEADER_PARAMS = ["Credential", "Signature", "SignedHeaders"] as const;
const QUERY_PARAMS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"] as const;

/**
 * Checks that a request carries SigV4 in exactly one form with every part present, and parses it.
 * `query` is the parsed query string, or undefined when the URL has none.
 */
export function checkSigV4Form(headers: IncomingHttpHeaders, query: URLSearchParams | undefined): SigV4Form {
  const authorization = headers.authorization;
  const presigned = query !== undefined && query.has("X-Amz-Algorithm");
  if (authorization !== undefined && presigned) {
    throw invalidSignature("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  }
  if (presigned) return checkQueryForm(query);
  if (authorization === undefined) throw missingAuthenticationToken("Missing Authentication Token");
  return checkHeaderForm(authorization, headers);
}

function checkHeaderForm(authorization: string, headers: IncomingHttpHeaders): SigV4Form {
  const params = parseAuthorizationParams(authorization);
  let message = "";
  for (const name of HEADER_PARAMS) {
    if (!params.get(name)) message += `Authorization header requires '${name}' parameter. `;
  }
  const date = stringHeader(headers["x-amz-date"]) || headers.date;
  if (!date) message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (message !== "") throw incompleteSignature(message + "Authorization=" + authorization);
  return {
    form: "header",
    credential: parseCredential(params.get("Credential")!),
    signedHeaders: params.get("SignedHeaders")!,
    signature: params.get("Signature")!,
    date: date!,
    securityToken: stringHeader(headers["x-amz-security-token"]),
    expires: undefined,
  };
}

function checkQueryForm(query: URLSearchParams): SigV4Form {
  let message = "";
  for (const name of QUERY_PARAMS) {
    if (!query.get(name)) message += `AWS query-string parameters must include '${name}'. `;
  }
  if (message !== "") throw incompleteSignature(message + "Re-examine the query-string parameters.");
  return {
    form: "query",
    credential: parseCredential(query.get("X-Amz-Credential")!),
    signedHeaders: query.get("X-Amz-SignedHeaders")!,
    signature: query.get("X-Amz-Signature")!,
    date: query.get("X-Amz-Date")!,
    securityToken: query.get("X-Amz-Security-Token") ?? undefined,
    expires: query.get("X-Amz-Expires") ?? undefined,
  };
}

/**
 * `AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=x;y, Signature=f`: the algorithm, then
 * `name=value` pairs separated by commas and/or spaces (kinesalite splits the same way).
 */
function parseAuthorizationParams(authorization: string): Map<string, string> {
  const params = new Map<string, string>();
  const parts = authorization.split(/[, ]/);
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    params.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return params;
}

function parseCredential(credential: string): CredentialScope {
  const parts = credential.split("/");
  if (parts.length !== 5) {
    throw incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  return { accessKeyId: parts[0]!, date: parts[1]!, region: parts[2]!, service: parts[3]! };
}

function stringHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
