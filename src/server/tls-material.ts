/**
 * Certificate and key for the TLS side of the listener: the configured files, or a self-signed
 * certificate generated on first start and kept in the data directory so that clients which pinned or
 * trusted it keep working across restarts.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SELF_SIGNED_CERT_VALIDITY_DAYS } from "../core/limits.js";
import type { Logger } from "../core/log.js";
import { generateSelfSignedCertificate, type PemKeyPair } from "./self-signed-certificate.js";

export interface TlsOptions {
  certFile?: string;
  keyFile?: string;
  /** Where a generated self-signed certificate is kept (the data directory) when no files are given. */
  selfSignedDir?: string;
  /** Refuse connections that do not start a TLS handshake. */
  requireTls?: boolean;
}

export const SELF_SIGNED_CERT_FILE = "tls-self-signed-cert.pem";
export const SELF_SIGNED_KEY_FILE = "tls-self-signed-key.pem";

export async function loadTlsMaterial(options: TlsOptions, logger: Logger): Promise<PemKeyPair> {
  if (options.certFile !== undefined || options.keyFile !== undefined) {
    if (options.certFile === undefined || options.keyFile === undefined) {
      throw new Error("TLS needs both a certificate file and a key file (or neither, for a self-signed certificate)");
    }
    const [cert, key] = await Promise.all([readFile(options.certFile, "utf8"), readFile(options.keyFile, "utf8")]);
    return { cert, key };
  }
  if (options.selfSignedDir === undefined) throw new Error("TLS without a certificate needs a directory to keep a self-signed one in");
  const certPath = join(options.selfSignedDir, SELF_SIGNED_CERT_FILE);
  const keyPath = join(options.selfSignedDir, SELF_SIGNED_KEY_FILE);
  try {
    const [cert, key] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
    return { cert, key };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const generated = generateSelfSignedCertificate({
    commonName: "localhost",
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1"],
    validityDays: SELF_SIGNED_CERT_VALIDITY_DAYS,
  });
  await mkdir(options.selfSignedDir, { recursive: true });
  // Key first and private: a crash between the two writes leaves no certificate, so the next start regenerates.
  await writeFile(keyPath, generated.key, { mode: 0o600 });
  await writeFile(certPath, generated.cert);
  logger.info("generated a self-signed TLS certificate", { certPath });
  return generated;
}
