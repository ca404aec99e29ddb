import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { systemClock, type Clock } from "./core/clock.js";
import { effectiveShardLimit, type TributaryConfig } from "./core/config.js";
import { createLogger, type Logger } from "./core/log.js";
import type { FaultInjector } from "./kinesis/admin/fault-injector.js";
import { faultInjectorFromConfig, faultsRoutes } from "./kinesis/admin/faults-route.js";
import { Applications } from "./analytics/api/applications.js";
import { createAnalyticsService } from "./analytics/api/service.js";
import { createKinesisService } from "./kinesis/api/service.js";
import { openStreams, type Streams } from "./kinesis/engine/mod.js";
import { createServer, type TributaryServer } from "./server/server.js";
import { openBackend, parseFsyncMode } from "./storage/open-backend.js";
import { openSecurity, type Security } from "./security/setup.js";
import type { StorageBackend } from "./storage/types.js";

/** How often retention deletes expired segments. */
const RETENTION_SWEEP_INTERVAL_MS = 60_000;

export interface RunningTributary {
  host: string;
  port: number;
  /** `http://host:port`, or `https://` when TLS is required. */
  endpoint: string;
  streams: Streams;
  storage: StorageBackend;
  /** Fault injection, switchable at run time. */
  faults: FaultInjector;
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  clock?: Clock;
}

/**
 * Starts Tributary in one process: storage, the streams engine, every service on one listener.
 * `GET /health` answers 200 once everything is open and the initial streams exist.
 */
export async function startTributary(config: TributaryConfig, options: StartOptions = {}): Promise<RunningTributary> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const dataDir = resolve(config.dataDir);
  if (config.storage === "file" || config.tls !== "off") await mkdir(dataDir, { recursive: true });
  const storage = await openBackend({
    kind: config.storage,
    dataDir,
    fsync: parseFsyncMode(config.fsync),
    directIo: config.directIo === "auto",
    segmentBytesMax: config.segmentBytesMax,
    logger,
    clock,
  });
  let streams: Streams | undefined;
  let server: TributaryServer | undefined;
  let applications: Applications | undefined;
  let security: Security | undefined;
  // Fault injection (--faults, and /_tributary/faults at run time); validated before anything opens.
  const faults = faultInjectorFromConfig(config.faults, clock);
  try {
    // Credentials, KMS keys and the at-rest master key (src/security; docs/security.md).
    security = await openSecurity(config, { storage, dataDir, clock, logger });
    streams = await openStreams({
      storage,
      clock,
      logger,
      durations: {
        createStreamMs: config.createStreamMs,
        deleteStreamMs: config.deleteStreamMs,
        updateStreamMs: config.updateStreamMs,
        registerConsumerMs: config.registerConsumerMs,
        deregisterConsumerMs: config.deregisterConsumerMs,
      },
      shardLimit: effectiveShardLimit(config),
      onDemandStreamCountLimit: config.onDemandStreamCountLimit,
      retentionSweepIntervalMs: RETENTION_SWEEP_INTERVAL_MS,
      recordCipher: security.recordCipher,
      limits: config.limits,
      onDemandScaling: {
        windowMs: config.onDemandScaleWindowMs,
        splitBytesPerSecond: config.onDemandSplitBytesPerSecond,
        peakMemoryMs: config.onDemandPeakMemoryMs,
      },
    });
    applications = await Applications.open({ metadata: storage.metadata, streams, clock, logger, dataDir });
    server = createServer({
      host: config.host,
      port: config.port,
      tls:
        config.tls === "off"
          ? undefined
          : { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile, selfSignedDir: dataDir, requireTls: config.tls === "required" },
      services: [createKinesisService({ streams, faults, authorizer: security.authorizerFor(streams.control) }), createAnalyticsService({ applications, streams, clock, dataDir, authorizer: security.serviceAuthorizer })],
      extraRoutes: [...faultsRoutes(faults)],
      defaultAccount: config.account,
      defaultRegion: config.region,
      authenticator: security.authenticator,
      logger,
    });
    const address = await server.start();
    for (const init of config.initializeStreams) {
      const key = { account: config.account, region: init.region ?? config.region, streamName: init.streamName };
      if (streams.control.findStream(key)) continue;
      await streams.control.createStream(key, { shardCount: init.shardCount, mode: "PROVISIONED" });
      logger.info("stream initialized", { stream: init.streamName, shards: init.shardCount, region: key.region });
    }
    server.markReady();
    const openedStreams = streams;
    const openedServer = server;
    const openedApplications = applications;
    const openedSecurity = security;
    const scheme = config.tls === "required" ? "https" : "http";
    return {
      host: address.host,
      port: address.port,
      endpoint: `${scheme}://${address.host.includes(":") ? `[${address.host}]` : address.host}:${address.port}`,
      streams: openedStreams,
      storage,
      faults,
      async stop() {
        await openedServer.stop();
        await openedSecurity.close();
        await openedApplications.close();
        await openedStreams.close();
        await storage.close();
      },
    };
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await security?.close().catch(() => undefined);
    await applications?.close().catch(() => undefined);
    await streams?.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    throw error;
  }
}
