import { describe, expect, it } from "vitest";
import { AwsError } from "../../core/errors.js";
import { checkSigV4Form, formOnlyAuthenticator } from "./sigv4-form.js";

const AUTH = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef";

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AwsError) return error;
    throw error;
  }
  throw new Error("did not throw");
}

describe("SigV4 form checks", () => {
  it("parses the header form", () => {
    const form = checkSigV4Form({ authorization: AUTH, "x-amz-date": "20240101T000000Z", "x-amz-security-token": "tok" }, undefined);
    expect(form).toEqual({
      form: "header",
      credential: { accessKeyId: "AKIDEXAMPLE", date: "20240101", region: "eu-west-1", service: "kinesis" },
      signedHeaders: "host;x-amz-date",
      signature: "abcdef",
      date: "20240101T000000Z",
      securityToken: "tok",
      expires: undefined,
    });
  });

  it("accepts Date instead of X-Amz-Date", () => {
    expect(checkSigV4Form({ authorization: AUTH, date: "Mon, 01 Jan 2024 00:00:00 GMT" }, undefined).date).toBe("Mon, 01 Jan 2024 00:00:00 GMT");
  });

  it("refuses a request with no auth", () => {
    const error = thrown(() => checkSigV4Form({}, new URLSearchParams("a=b")));
    expect([error.type, error.message, error.statusCode]).toEqual(["MissingAuthenticationTokenException", "Missing Authentication Token", 400]);
  });

  it("refuses both forms at once", () => {
    const error = thrown(() => checkSigV4Form({ authorization: AUTH }, new URLSearchParams("X-Amz-Algorithm=AWS4-HMAC-SHA256")));
    expect(error.type).toBe("InvalidSignatureException");
    expect(error.message).toBe("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
  });

  it("lists every missing part of the header form, in AWS's order", () => {
    const error = thrown(() => checkSigV4Form({ authorization: "AWS4-HMAC-SHA256 " }, undefined));
    expect(error.type).toBe("IncompleteSignatureException");
    expect(error.message).toBe(
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
        "'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 ",
    );
    const onlyDate = thrown(() => checkSigV4Form({ authorization: AUTH }, undefined));
    expect(onlyDate.message).toBe(`Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${AUTH}`);
  });

  it("lists every missing query parameter", () => {
    const error = thrown(() => checkSigV4Form({}, new URLSearchParams("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=x")));
    expect(error.type).toBe("IncompleteSignatureException");
    expect(error.message).toBe(
      "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include " +
        "'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters.",
    );
  });

  it("parses the presigned form", () => {
    const query = new URLSearchParams({
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": "123456789012/20240101/ap-south-1/kinesis/aws4_request",
      "X-Amz-Date": "20240101T000000Z",
      "X-Amz-Expires": "300",
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Signature": "ff",
    });
    const form = checkSigV4Form({}, query);
    expect(form.form).toBe("query");
    expect(form.credential.region).toBe("ap-south-1");
    expect(form.expires).toBe("300");
  });

  it("refuses a credential that is not five slash-delimited elements", () => {
    const error = thrown(() => checkSigV4Form({ authorization: AUTH.replace("AKIDEXAMPLE/20240101/", ""), "x-amz-date": "x" }, undefined));
    expect(error.type).toBe("IncompleteSignatureException");
    expect(error.message).toMatch(/^Credential must have exactly 5 slash-delimited elements/);
  });
});

describe("form-only authenticator", () => {
  const auth = formOnlyAuthenticator({ account: "000000000000", region: "us-east-1" });
  const request = (akid: string, region: string) => ({
    method: "POST",
    url: "/",
    headers: {},
    body: Buffer.alloc(0),
    serviceName: "kinesis",
    sigv4: {
      form: "header" as const,
      credential: { accessKeyId: akid, date: "20240101", region, service: "kinesis" },
      signedHeaders: "host",
      signature: "x",
      date: "x",
      securityToken: undefined,
      expires: undefined,
    },
  });

  it("takes the account from a 12-digit access key id and the region from the scope", () => {
    expect(auth.authenticate(request("123456789012", "eu-central-1"))).toEqual({ accessKeyId: "123456789012", account: "123456789012", region: "eu-central-1" });
    expect(auth.authenticate(request("AKIDEXAMPLE", ""))).toEqual({ accessKeyId: "AKIDEXAMPLE", account: "000000000000", region: "us-east-1" });
  });
});
