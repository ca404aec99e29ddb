/** HTTP/2 (cleartext, prior knowledge) calls with pre-encoded bodies, as the JS SDK v3 sends them. */
import { connect, constants, type ClientHttp2Session, type OutgoingHttpHeaders } from "node:http2";
import { AMZ_DATE, AUTHORIZATION, JSON_CONTENT_TYPE, TARGET_PREFIX } from "../lib/raw-http.js";

export function openSession(port: number): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.once("connect", () => {
      session.off("error", reject);
      session.on("error", () => undefined); // Reported through the streams that fail.
      resolve(session);
    });
    session.once("error", reject);
  });
}

export function requestHeaders(operation: string, contentLength?: number): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    [constants.HTTP2_HEADER_METHOD]: "POST",
    [constants.HTTP2_HEADER_PATH]: "/",
    "content-type": JSON_CONTENT_TYPE,
    "x-amz-target": `${TARGET_PREFIX}${operation}`,
    "x-amz-date": AMZ_DATE,
    authorization: AUTHORIZATION,
  };
  if (contentLength !== undefined) headers["content-length"] = contentLength;
  return headers;
}

/** Sends one request; resolves with the status and the body (kept only when asked for). */
export function h2Call(session: ClientHttp2Session, headers: OutgoingHttpHeaders, body: Buffer, wantBody: boolean): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    let status = 0;
    const chunks: Buffer[] = [];
    stream.on("response", (h) => (status = Number(h[constants.HTTP2_HEADER_STATUS])));
    stream.on("data", (chunk: Buffer) => {
      if (wantBody) chunks.push(chunk);
    });
    stream.on("end", () => resolve({ status, body: Buffer.concat(chunks) }));
    stream.on("error", reject);
    stream.end(body);
  });
}
