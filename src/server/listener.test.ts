import { connect, type Http2Session } from "node:http2";
import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../core/log.js";
import { ConnectionDeadlines } from "./listener.js";
import { createServer } from "./server.js";

describe("HTTP/2 flow-control windows", () => {
  it("advertises a 1 MiB stream window and an 8 MiB connection window", async () => {
    const server = createServer({ host: "127.0.0.1", port: 0, services: [], defaultAccount: "000000000000", defaultRegion: "us-east-1", logger: silentLogger });
    const { port } = await server.start();
    const client = connect(`http://127.0.0.1:${port}`);
    try {
      await new Promise((resolve) => client.once("remoteSettings", resolve));
      // The connection window arrives as a WINDOW_UPDATE right after SETTINGS; a ping round trip is after it.
      await new Promise((resolve) => client.ping(resolve));
      expect(client.remoteSettings.initialWindowSize).toBe(1024 * 1024);
      expect(client.state.remoteWindowSize).toBe(8 * 1024 * 1024);
    } finally {
      client.close();
      await server.stop();
    }
  });
});

describe("ConnectionDeadlines", () => {
  it("closes sockets still unidentified after the sniff timeout and sessions idle for the idle timeout", () => {
    const deadlines = new ConnectionDeadlines(1_000, 5_000);
    const destroyed: string[] = [];
    const fakeSocket = (name: string) => ({ destroy: () => destroyed.push(name) }) as unknown as Socket;
    const slow = fakeSocket("slow");
    const identified = fakeSocket("identified");
    deadlines.watchSniff(slow);
    deadlines.watchSniff(identified);
    deadlines.sniffDone(identified);

    const socket = { bytesRead: 100, bytesWritten: 50 };
    let closed = 0;
    const session = { socket, closed: false, once: () => undefined, close: () => closed++ } as unknown as Http2Session;
    deadlines.watchSession(session);

    const start = Date.now();
    deadlines.sweep(start + 500);
    expect(destroyed).toEqual([]);
    deadlines.sweep(start + 1_000);
    expect(destroyed).toEqual(["slow"]);
    deadlines.sweep(start + 5_400); // no bytes since the sweep at +500 (the first one counted them): 4.9 s idle
    expect(closed).toBe(0);
    socket.bytesRead += 10; // activity restarts the idle clock
    deadlines.sweep(start + 5_600);
    deadlines.sweep(start + 10_500);
    expect(closed).toBe(0);
    deadlines.sweep(start + 10_600);
    expect(closed).toBe(1);
    expect([...deadlines.sessions()]).toEqual([session]);
  });
});
