import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsError } from "../src/core/errors.js";
import { createLogger } from "../src/core/log.js";
import { REQUEST_BODY_BYTES_MAX } from "../src/core/limits.js";
import { decodeCbor, encodeCbor } from "../src/server/protocol/cbor.js";
import { AUTH_HEADERS, CBOR_11, JSON_11, http1, rpc, sendRaw, parseResponse, startTestServer, type TestServer } from "./helpers/raw-http.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCESS_DENIED_XML =
  "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n";

let t: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  t = await startTestServer(
    {
      extraRoutes: [{ method: "GET", path: "/metrics", handle: () => ({ status: 200, headers: { "content-type": "text/plain" }, body: "up 1\n" }) }],
    },
    createLogger("error", (line) => logLines.push(line)),
  );
});
afterAll(() => t.stop());

const json = (body: Buffer) => JSON.parse(body.toString()) as Record<string, unknown>;

describe("successful calls", () => {
  it("answers JSON 1.1 with AWS's headers", async () => {
    const res = await rpc(t.port, "Echo", { StreamName: "s", Limit: 5, Nested: { L: [1, "a"] } });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(JSON_11);
    expect(res.headers["x-amzn-requestid"]).toMatch(UUID);
    expect(Buffer.from(res.headers["x-amz-id-2"]!, "base64")).toHaveLength(72);
    expect(json(res.body)).toEqual({ StreamName: "s", Limit: 5, Nested: { L: [1, "a"] } });
  });

  it("answers JSON 1.0 in JSON 1.0", async () => {
    const res = await rpc(t.port, "ListStreams", {}, "application/x-amz-json-1.0");
    expect(res.headers["content-type"]).toBe("application/x-amz-json-1.0");
    expect(json(res.body)).toEqual({ StreamNames: [], HasMoreStreams: false });
  });

  it("accepts a content type with parameters", async () => {
    const res = await rpc(t.port, "ListStreams", {}, "application/x-amz-json-1.1; charset=utf-8");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(JSON_11);
  });

  it("encodes blobs as base64 and timestamps as epoch seconds in JSON", async () => {
    const res = await rpc(t.port, "Types", {});
    expect(res.body.toString()).toBe('{"Data":"SGVsbG8=","At":1545084650.987,"Count":3}');
  });

  it("encodes blobs as byte strings and timestamps as epoch milliseconds in CBOR", async () => {
    const res = await rpc(t.port, "Types", encodeCbor({}), CBOR_11);
    expect(res.headers["content-type"]).toBe(CBOR_11);
    expect(decodeCbor(res.body)).toEqual({ Data: Buffer.from("Hello"), At: 1545084650987, Count: 3 });
  });

  it("decodes CBOR byte strings and tag-1 timestamps", async () => {
    // {"Data": h'0102', "Timestamp": 1(1545084650987)} as the Java SDK writes it, with an indefinite map.
    const body = Buffer.concat([
      Buffer.from([0xbf, 0x64]), Buffer.from("Data"), Buffer.from([0x42, 1, 2]),
      Buffer.from([0x69]), Buffer.from("Timestamp"), Buffer.from([0xc1, 0x1b]), Buffer.from("00000167be38c5eb", "hex"),
      Buffer.from([0xff]),
    ]);
    const res = await rpc(t.port, "Echo", body, CBOR_11);
    expect(res.status).toBe(200);
    expect(decodeCbor(res.body)).toEqual({ Data: Buffer.from([1, 2]), Timestamp: 1545084650987 });
  });

  it("passes an operation's pre-encoded body through", async () => {
    const res = await rpc(t.port, "Encoded", {});
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"Pre":"encoded"}');
  });

  it("routes kinesalite's ?Action= form", async () => {
    const res = await http1(t.port, { path: "/?Action=ListStreams", headers: { "content-type": JSON_11, ...AUTH_HEADERS }, body: "{}" });
    expect(res.status).toBe(200);
    expect(json(res.body)).toEqual({ StreamNames: [], HasMoreStreams: false });
  });

  it("takes the account from a 12-digit access key id and the region from the credential scope", async () => {
    const res = await rpc(t.port, "Context", {}, JSON_11, {
      authorization: "AWS4-HMAC-SHA256 Credential=123456789012/20240101/eu-west-3/kinesis/aws4_request, SignedHeaders=host, Signature=abc",
    });
    expect(json(res.body)).toEqual({ Account: "123456789012", Region: "eu-west-3", AccessKeyId: "123456789012", Codec: "json", HttpVersion: "1.1", Secure: false });
    const other = await rpc(t.port, "Context", encodeCbor({}), CBOR_11);
    expect(decodeCbor(other.body)).toMatchObject({ Account: "000000000000", Region: "us-east-1", AccessKeyId: "AKIDEXAMPLE", Codec: "cbor" });
  });
});

describe("operation errors", () => {
  it("encodes an AwsError with its status, type and message", async () => {
    const res = await rpc(t.port, "Fail", { Type: "ResourceNotFoundException", Message: "Stream x under account 000000000000 not found." });
    expect(res.status).toBe(400);
    expect(res.headers["x-amzn-errortype"]).toBe("ResourceNotFoundException");
    expect(res.headers["x-amzn-requestid"]).toMatch(UUID);
    expect(json(res.body)).toEqual({ __type: "ResourceNotFoundException", message: "Stream x under account 000000000000 not found." });
    const cbor = await rpc(t.port, "Fail", encodeCbor({ Type: "LimitExceededException", Message: "m", Status: 400 }), CBOR_11);
    expect(decodeCbor(cbor.body)).toEqual({ __type: "LimitExceededException", message: "m" });
  });

  it("turns anything else into a logged 500 InternalFailure", async () => {
    logLines.length = 0;
    const res = await rpc(t.port, "Crash", {});
    expect(res.status).toBe(500);
    expect(json(res.body)).toEqual({ __type: "InternalFailure", message: "The request processing has failed because of an unknown error, exception or failure." });
    const logged = JSON.parse(logLines.join(""));
    expect(logged).toMatchObject({ level: "error", operation: "Crash", error: { message: "boom" }, cause: { message: "deeper" } });
  });

  it("refuses a pre-encoded body in the wrong codec as an internal failure", async () => {
    const res = await rpc(t.port, "Encoded", encodeCbor({}), CBOR_11);
    expect(res.status).toBe(500);
    expect(decodeCbor(res.body)).toMatchObject({ __type: "InternalFailure" });
  });
});

describe("protocol errors, as AWS answers them", () => {
  it("malformed JSON -> 400 SerializationException", async () => {
    for (const body of ["{", "{\"a\":}", "nope", "5", "null", "\"str\""]) {
      const res = await rpc(t.port, "Echo", body);
      expect(res.status, body).toBe(400);
      expect(json(res.body), body).toEqual({ __type: "SerializationException" });
      expect(res.headers["x-amzn-errortype"]).toBe("SerializationException");
    }
  });

  it("a JSON list where a structure belongs -> SerializationException", async () => {
    const res = await rpc(t.port, "Echo", "[1]");
    expect(json(res.body)).toEqual({ __type: "SerializationException", message: "Start of list found where not expected" });
  });

  it("malformed CBOR -> 400 SerializationException in CBOR", async () => {
    for (const hex of ["bf", "a1", "ff", "a16161", "5f01ff", "a10102", "0102"]) {
      const res = await rpc(t.port, "Echo", Buffer.from(hex, "hex"), CBOR_11);
      expect(res.status, hex).toBe(400);
      expect(res.headers["content-type"]).toBe(CBOR_11);
      expect(decodeCbor(res.body), hex).toEqual({ __type: "SerializationException" });
    }
  });

  it("empty body -> SerializationException for a known operation, UnknownOperationException otherwise", async () => {
    const known = await rpc(t.port, "Echo", "");
    expect([known.status, json(known.body)]).toEqual([400, { __type: "SerializationException" }]);
    const unknown = await rpc(t.port, "Nope", "");
    expect([unknown.status, json(unknown.body)]).toEqual([400, { __type: "UnknownOperationException" }]);
    // AWS quirk: without a JSON content type the answer is CBOR.
    const noType = await http1(t.port, { headers: { "x-amz-target": "Kinesis_20131202.Echo" } });
    expect(noType.headers["content-type"]).toBe(CBOR_11);
    expect(decodeCbor(noType.body)).toEqual({ __type: "SerializationException" });
  });

  it("unknown, foreign or missing target -> 400 UnknownOperationException", async () => {
    for (const target of ["Kinesis_20131202.Nope", "Firehose_20150804.ListStreams", "Kinesis_20131202", "", "Kinesis_20131202."]) {
      const res = await http1(t.port, { headers: { "content-type": JSON_11, "x-amz-target": target, ...AUTH_HEADERS }, body: "{}" });
      expect(res.status, target).toBe(400);
      expect(json(res.body), target).toEqual({ __type: "UnknownOperationException" });
    }
    const missing = await http1(t.port, { headers: { "content-type": JSON_11, ...AUTH_HEADERS }, body: "{}" });
    expect(json(missing.body)).toEqual({ __type: "UnknownOperationException" });
  });

  it("unsupported content type -> 404 UnknownOperationException, or 403 AccessDenied without a target", async () => {
    const withTarget = await http1(t.port, { headers: { "content-type": "text/plain", "x-amz-target": "Kinesis_20131202.Echo" }, body: "{}" });
    expect(withTarget.status).toBe(404);
    expect(withTarget.body.toString()).toBe("<UnknownOperationException/>\n");
    const without = await http1(t.port, { headers: { "content-type": "text/plain" }, body: "{}" });
    expect(without.status).toBe(403);
    expect(without.body.toString()).toBe(ACCESS_DENIED_XML);
  });

  it("plain application/json -> Coral's envelope", async () => {
    const ok = await http1(t.port, { headers: { "content-type": "application/json", "x-amz-target": "Kinesis_20131202.Echo" }, body: "{}" });
    expect(ok.status).toBe(404);
    expect(json(ok.body)).toEqual({ Output: { __type: "com.amazon.coral.service#UnknownOperationException" }, Version: "1.0" });
    const bad = await http1(t.port, { headers: { "content-type": "application/json", "x-amz-target": "Kinesis_20131202.Echo" }, body: "{" });
    expect(bad.status).toBe(400);
    expect(json(bad.body)).toEqual({ Output: { __type: "com.amazon.coral.service#SerializationException" }, Version: "1.0" });
  });

  it("non-POST -> 403 AccessDeniedException", async () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      const res = await http1(t.port, { method, headers: { "content-type": JSON_11, "x-amz-target": "Kinesis_20131202.Echo" }, body: "{}" });
      expect(res.status, method).toBe(403);
      expect(res.body.toString()).toBe(ACCESS_DENIED_XML);
      expect(res.headers["x-amzn-requestid"]).toMatch(UUID);
    }
  });

  it("oversized body -> 413 without reading it", async () => {
    const raw = await sendRaw(
      t.port,
      `POST / HTTP/1.1\r\nhost: x\r\ncontent-type: ${JSON_11}\r\nx-amz-target: Kinesis_20131202.Echo\r\ncontent-length: ${REQUEST_BODY_BYTES_MAX + 1}\r\n\r\n{"a":`,
    );
    const res = parseResponse(raw);
    expect(res.status).toBe(413);
    expect(res.body).toHaveLength(0);
    expect(res.headers.connection).toBe("close");
  });

  it("oversized chunked body -> 413 once the limit is crossed", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const head = `POST / HTTP/1.1\r\nhost: x\r\ncontent-type: ${JSON_11}\r\nx-amz-target: Kinesis_20131202.Echo\r\ntransfer-encoding: chunked\r\n\r\n`;
    const parts: Buffer[] = [Buffer.from(head)];
    for (let i = 0; i < REQUEST_BODY_BYTES_MAX / chunk.length + 1; i++) parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
    const res = parseResponse(await sendRaw(t.port, Buffer.concat(parts)));
    expect(res.status).toBe(413);
  });

  it("a body at the limit is read", async () => {
    const body = Buffer.alloc(REQUEST_BODY_BYTES_MAX, 0x20);
    body.write('{"a":1}', 0);
    const res = await rpc(t.port, "Echo", body);
    expect(res.status).toBe(200);
    expect(json(res.body)).toEqual({ a: 1 });
  });
});

describe("SigV4 presence and form", () => {
  const call = (headers: Record<string, string>, path = "/") =>
    http1(t.port, { path, headers: { "content-type": JSON_11, "x-amz-target": "Kinesis_20131202.ListStreams", ...headers }, body: "{}" });

  it("no auth -> MissingAuthenticationTokenException", async () => {
    const res = await call({});
    expect(res.status).toBe(400);
    expect(json(res.body)).toEqual({ __type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" });
  });

  it("incomplete header -> IncompleteSignatureException naming each missing part", async () => {
    const res = await call({ authorization: "AWS4-HMAC-SHA256 Credential=a/b/c/d/e" });
    expect(json(res.body)).toEqual({
      __type: "IncompleteSignatureException",
      message:
        "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=a/b/c/d/e",
    });
  });

  it("incomplete presigned query -> IncompleteSignatureException", async () => {
    const res = await call({}, "/?X-Amz-Algorithm=AWS4-HMAC-SHA256");
    expect(json(res.body)).toMatchObject({ __type: "IncompleteSignatureException" });
    expect((json(res.body).message as string).endsWith("Re-examine the query-string parameters.")).toBe(true);
  });

  it("both forms -> InvalidSignatureException", async () => {
    const res = await call(AUTH_HEADERS, "/?X-Amz-Algorithm=AWS4-HMAC-SHA256");
    expect(json(res.body)).toEqual({
      __type: "InvalidSignatureException",
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    });
  });

  it("a complete presigned query is accepted", async () => {
    const query = new URLSearchParams({
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": "AKID/20240101/us-west-2/kinesis/aws4_request",
      "X-Amz-Date": "20240101T000000Z",
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Signature": "abc",
    });
    const res = await http1(t.port, { path: `/?${query}`, headers: { "content-type": JSON_11, "x-amz-target": "Kinesis_20131202.Context" }, body: "{}" });
    expect(json(res.body)).toMatchObject({ Region: "us-west-2", AccessKeyId: "AKID" });
  });

  it("a pluggable authenticator decides the identity or refuses", async () => {
    const custom = await startTestServer({
      authenticator: {
        authenticate: async ({ sigv4 }) => {
          if (sigv4.credential.accessKeyId !== "GOOD") throw new AwsError("UnrecognizedClientException", "The security token included in the request is invalid.");
          return { accessKeyId: "GOOD", account: "111122223333", region: "sa-east-1" };
        },
      },
    });
    try {
      const refused = await rpc(custom.port, "Context", {});
      expect(json(refused.body)).toEqual({ __type: "UnrecognizedClientException", message: "The security token included in the request is invalid." });
      const accepted = await rpc(custom.port, "Context", {}, JSON_11, { authorization: AUTH_HEADERS.authorization.replace("AKIDEXAMPLE", "GOOD") });
      expect(json(accepted.body)).toMatchObject({ Account: "111122223333", Region: "sa-east-1" });
    } finally {
      await custom.stop();
    }
  });
});

describe("CORS", () => {
  it("answers a preflight as AWS does", async () => {
    const res = await http1(t.port, {
      method: "OPTIONS",
      headers: { origin: "http://example.com", "access-control-request-headers": "content-type,x-amz-target", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-headers"]).toBe("content-type,x-amz-target");
    expect(res.headers["access-control-allow-methods"]).toBe("POST");
    expect(res.headers["access-control-max-age"]).toBe("172800");
    expect(res.headers["x-amzn-requestid"]).toMatch(UUID);
    expect(res.headers["x-amz-id-2"]).toBeUndefined();
    expect(res.body).toHaveLength(0);
  });

  it("marks ordinary responses to a browser", async () => {
    const res = await rpc(t.port, "ListStreams", {}, JSON_11, { origin: "http://example.com" });
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-expose-headers"]).toBe("x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date");
    const plain = await rpc(t.port, "ListStreams", {});
    expect(plain.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("health and extra routes", () => {
  it("GET /health is 503 until ready, then 200", async () => {
    const { createServer } = await import("../src/server/server.js");
    const server = createServer({ host: "127.0.0.1", port: 0, services: [], defaultAccount: "000000000000", defaultRegion: "us-east-1", logger: createLogger("silent") });
    const { port } = await server.start();
    try {
      const before = await http1(port, { method: "GET", path: "/health" });
      expect([before.status, before.body.toString()]).toEqual([503, '{"status":"starting"}']);
      server.markReady();
      const after = await http1(port, { method: "GET", path: "/health" });
      expect([after.status, after.body.toString(), after.headers["content-type"]]).toEqual([200, '{"status":"ok"}', "application/json"]);
    } finally {
      await server.stop();
    }
  });

  it("serves extra routes", async () => {
    const res = await http1(t.port, { method: "GET", path: "/metrics?x=1" });
    expect([res.status, res.body.toString(), res.headers["content-type"]]).toEqual([200, "up 1\n", "text/plain"]);
  });
});
