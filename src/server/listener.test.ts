import { connect } from "node:http2";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../core/log.js";
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
