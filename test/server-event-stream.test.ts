import { connect as netConnect } from "node:net";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCbor, encodeCbor } from "../src/server/protocol/cbor.js";
import { AUTH_HEADERS, CBOR_11, JSON_11, connectH2, http1, http2Request, startTestServer, type TestServer } from "./helpers/raw-http.js";

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes).toString("utf8"),
  (text) => Buffer.from(text, "utf8"),
);

interface Decoded {
  headers: Record<string, string>;
  body: Buffer;
}

/** Splits a body into event-stream messages by their prelude lengths and decodes each (checking CRCs). */
function decodeMessages(body: Buffer): Decoded[] {
  const messages: Decoded[] = [];
  let at = 0;
  while (at < body.length) {
    const length = body.readUInt32BE(at);
    const message = codec.decode(body.subarray(at, at + length));
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
    messages.push({ headers, body: Buffer.from(message.body) });
    at += length;
  }
  return messages;
}

const headersFor = (contentType: string) => ({ "content-type": contentType, "x-amz-target": "Kinesis_20131202.Subscribe", ...AUTH_HEADERS });

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

function expectJsonStream(messages: Decoded[], events: number): void {
  expect(messages).toHaveLength(events + 1);
  expect(messages[0]!.headers).toEqual({ ":message-type": "event", ":event-type": "initial-response", ":content-type": JSON_11 });
  expect(JSON.parse(messages[0]!.body.toString())).toEqual({});
  for (let i = 0; i < events; i++) {
    const message = messages[i + 1]!;
    expect(message.headers).toEqual({ ":message-type": "event", ":event-type": "SubscribeToShardEvent", ":content-type": JSON_11 });
    expect(JSON.parse(message.body.toString())).toEqual({
      Records: [{ Data: Buffer.from(`r${i}`).toString("base64"), SequenceNumber: String(i), ApproximateArrivalTimestamp: i }],
      ContinuationSequenceNumber: String(i),
      MillisBehindLatest: 0,
    });
  }
}

describe("event streams", () => {
  it("frame messages as DATA over HTTP/2", async () => {
    const session = await connectH2(`http://127.0.0.1:${t.port}`);
    try {
      const res = await http2Request(session, { headers: headersFor(JSON_11), body: JSON.stringify({ Events: 3 }) });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
      expectJsonStream(decodeMessages(res.body), 3);
    } finally {
      session.close();
    }
  });

  it("frame messages as a chunked body over HTTP/1.1", async () => {
    const res = await http1(t.port, { headers: headersFor(JSON_11), body: JSON.stringify({ Events: 2 }) });
    expect(res.status).toBe(200);
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(res.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
    expectJsonStream(decodeMessages(res.body), 2);
  });

  it("encode payloads in CBOR for CBOR requests", async () => {
    const res = await http1(t.port, { headers: headersFor(CBOR_11), body: encodeCbor({ Events: 1 }) });
    const messages = decodeMessages(res.body);
    expect(messages[1]!.headers[":content-type"]).toBe(CBOR_11);
    expect(decodeCbor(messages[1]!.body)).toEqual({
      Records: [{ Data: Buffer.from("r0"), SequenceNumber: "0", ApproximateArrivalTimestamp: 0 }],
      ContinuationSequenceNumber: "0",
      MillisBehindLatest: 0,
    });
  });

  it("end with an exception message when the operation throws an AwsError", async () => {
    const res = await http1(t.port, { headers: headersFor(JSON_11), body: JSON.stringify({ Events: 1, Exception: "ResourceInUseException" }) });
    const messages = decodeMessages(res.body);
    expect(messages).toHaveLength(3);
    expect(messages[2]!.headers).toEqual({ ":message-type": "exception", ":exception-type": "ResourceInUseException", ":content-type": JSON_11 });
    expect(JSON.parse(messages[2]!.body.toString())).toEqual({ message: "ResourceInUseException happened" });
  });

  it("tell the operation when an HTTP/1.1 client disconnects mid-stream", async () => {
    const ended = t.recorder.ended.length;
    const socket = netConnect({ port: t.port, host: "127.0.0.1" });
    const body = JSON.stringify({ Hold: true });
    const head = Object.entries({ host: "x", "content-length": String(body.length), ...headersFor(JSON_11) })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("");
    await new Promise<void>((resolve) => {
      socket.once("data", () => resolve());
      socket.write(`POST / HTTP/1.1\r\n${head}\r\n${body}`);
    });
    socket.destroy();
    await waitFor(() => t.recorder.ended.length > ended);
    expect(t.recorder.ended.at(-1)).toBe("client-gone-aborted");
  });

  it("tell the operation when an HTTP/2 client resets the stream", async () => {
    const ended = t.recorder.ended.length;
    const session = await connectH2(`http://127.0.0.1:${t.port}`);
    const stream = session.request({ ":method": "POST", ":path": "/", ...headersFor(JSON_11) });
    stream.end(JSON.stringify({ Hold: true }));
    await new Promise<void>((resolve) => stream.once("data", () => resolve()));
    stream.close();
    await waitFor(() => t.recorder.ended.length > ended);
    expect(t.recorder.ended.at(-1)).toBe("client-gone-aborted");
    // The session stays usable.
    const res = await http2Request(session, { headers: { ...headersFor(JSON_11), "x-amz-target": "Kinesis_20131202.ListStreams" }, body: "{}" });
    expect(res.status).toBe(200);
    session.close();
  });

  it("apply backpressure: drained() waits while a slow reader lets output queue", async () => {
    const session = await connectH2(`http://127.0.0.1:${t.port}`);
    const stream = session.request({ ":method": "POST", ":path": "/", ...headersFor(JSON_11) });
    stream.end(JSON.stringify({ Hold: true }));
    await new Promise<void>((resolve) => stream.once("response", () => resolve()));
    stream.pause();
    const { sink } = t.recorder.started.at(-1)!;
    const big = { Blob: Buffer.alloc(512 * 1024) };
    for (let i = 0; i < 8; i++) sink.event("Big", big);
    let drained = false;
    const waiting = sink.drained().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drained).toBe(false);
    stream.resume();
    await waiting;
    expect(drained).toBe(true);
    stream.close();
    session.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
