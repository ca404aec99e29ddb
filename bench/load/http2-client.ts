/**
 * Node's own HTTP/2 client (cleartext, prior knowledge), for SubscribeToShard in delivery.ts: an event stream
 * needs a real stream API. The measured PutRecords load uses bench/lib/raw-http2.ts instead.
 */
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
