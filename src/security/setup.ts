/**
 * Security wiring for `startTributary`: reads the credentials file and the master key once at start
 * and hands the app the three pieces it plugs in: the server's authenticator, the engine's at-rest
 * cipher and the Kinesis operations' authorizer.
 */
import { ConfigError, type TributaryConfig } from "../core/config.js";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/log.js";
import type { RecordCipher } from "../kinesis/engine/engine-options.js";
import type { StreamsEngine } from "../kinesis/engine/streams-engine.js";
import type { Authenticator } from "../server/server.js";
import type { StorageBackend } from "../storage/types.js";
import { CredentialsError, CredentialStore, loadCredentialsFile, type CredentialsFile } from "./credentials.js";
import { IdentityAuthorizer, type ServiceAuthorizer } from "./identity-authorizer.js";
import { KinesisAuthorizer, type OperationAuthorizer } from "./kinesis-authorizer.js";
import { KeyRegistry } from "./kms-keys.js";
import { loadMasterKey, MasterKeyError } from "./master-key.js";
import { AtRestCipher } from "./record-cipher.js";
import { SigV4Verifier } from "./sigv4-verifier.js";

export interface Security {
  /** Undefined with `--auth off`: the server then only checks SigV4's form. */
  authenticator: Authenticator | undefined;
  recordCipher: RecordCipher;
  authorizerFor(engine: StreamsEngine): OperationAuthorizer;
  /** For services without resource policies (Analytics): identity policies alone decide. */
  serviceAuthorizer: ServiceAuthorizer;
  /** Stops what security runs in the background (the body-hashing thread of `--auth sigv4`). */
  close(): Promise<void>;
}

export interface SecurityOptions {
  storage: StorageBackend;
  /** Resolved data directory (a generated master key is kept there with file storage). */
  dataDir: string;
  clock: Clock;
  logger: Logger;
}

function readCredentials(config: TributaryConfig): CredentialsFile {
  if (config.credentialsFile === undefined) {
    if (config.auth === "sigv4") throw new ConfigError("--auth sigv4 needs --credentials <file> (or TRIBUTARY_CREDENTIALS)");
    return { users: [], keys: [] };
  }
  try {
    return loadCredentialsFile(config.credentialsFile);
  } catch (error) {
    if (error instanceof CredentialsError) throw new ConfigError(`credentials: ${error.message}`);
    throw error;
  }
}

export async function openSecurity(config: TributaryConfig, options: SecurityOptions): Promise<Security> {
  const file = readCredentials(config);
  const credentials = config.auth === "sigv4" ? new CredentialStore(file.users) : undefined;
  let masterKey: Buffer;
  try {
    masterKey = await loadMasterKey({
      value: config.masterKey,
      file: config.masterKeyFile,
      dataDir: options.storage.kind === "file" ? options.dataDir : undefined,
      logger: options.logger,
    });
  } catch (error) {
    if (error instanceof MasterKeyError) throw new ConfigError(error.message);
    throw error;
  }
  const recordCipher = await AtRestCipher.open({ masterKey, registry: new KeyRegistry(file.keys), metadata: options.storage.metadata, logger: options.logger });
  const authenticator = credentials === undefined ? undefined : new SigV4Verifier({ credentials, clock: options.clock, defaultRegion: config.region, logger: options.logger });
  if (credentials !== undefined) options.logger.info("signature verification on", { users: file.users.length });
  return {
    authenticator,
    recordCipher,
    authorizerFor: (engine) => new KinesisAuthorizer({ engine, credentials }),
    serviceAuthorizer: new IdentityAuthorizer(credentials),
    close: async () => authenticator?.close(),
  };
}
