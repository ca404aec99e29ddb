/**
 * A self-signed X.509 v3 certificate for `localhost` and `127.0.0.1`, built with node:crypto and a few
 * lines of DER rather than a dependency: `selfsigned` pulls in node-forge (a whole JavaScript crypto
 * library) for what is one SEQUENCE of known fields signed by an EC P-256 key.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

// ---- DER ----

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let head: Buffer;
  if (n < 0x80) head = Buffer.from([tag, n]);
  else if (n < 0x100) head = Buffer.from([tag, 0x81, n]);
  else if (n < 0x10000) head = Buffer.from([tag, 0x82, n >> 8, n & 0xff]);
  else head = Buffer.from([tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([head, content]);
}

const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => der(0x31, Buffer.concat(items));
const octetString = (content: Buffer) => der(0x04, content);
const utf8String = (text: string) => der(0x0c, Buffer.from(text, "utf8"));
const bitString = (content: Buffer) => der(0x03, Buffer.concat([Buffer.from([0]), content]));
const explicit = (n: number, content: Buffer) => der(0xa0 | n, content);
const booleanTrue = () => Buffer.from([0x01, 0x01, 0xff]);

function integer(bytes: Buffer): Buffer {
  // DER integers are minimal (no leading zero bytes) and signed: a leading 1 bit needs a zero byte in
  // front to stay positive. Random serials start with a zero byte now and then, so strip those first.
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const minimal = bytes.subarray(start);
  return der(0x02, minimal[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const bytes = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const base128 = [part & 0x7f];
    for (let v = part >>> 7; v > 0; v >>>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2024-01-02T03:04:05.678Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "") + "Z"; // 20240102030405Z
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(digits.slice(2))) : der(0x18, Buffer.from(digits));
}

// ---- Certificate ----

const OID_ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const OID_COMMON_NAME = "2.5.4.3";
const OID_SUBJECT_ALT_NAME = "2.5.29.17";
const OID_BASIC_CONSTRAINTS = "2.5.29.19";
const OID_KEY_USAGE = "2.5.29.15";
const OID_EXT_KEY_USAGE = "2.5.29.37";
const OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PemKeyPair {
  cert: string;
  key: string;
}

export function generateSelfSignedCertificate(options: { commonName: string; dnsNames: string[]; ipAddresses: string[]; validityDays: number; now?: Date }): PemKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const now = options.now ?? new Date();
  const name = sequence(set(sequence(oid(OID_COMMON_NAME), utf8String(options.commonName))));
  const algorithm = sequence(oid(OID_ECDSA_WITH_SHA256));
  const altNames = [
    ...options.dnsNames.map((dns) => der(0x82, Buffer.from(dns, "ascii"))),
    ...options.ipAddresses.map((ip) => der(0x87, Buffer.from(ip.split(".").map(Number)))),
  ];
  const extensions = sequence(
    sequence(oid(OID_BASIC_CONSTRAINTS), booleanTrue(), octetString(sequence())),
    // digitalSignature (bit 0) only: the key signs TLS handshakes.
    sequence(oid(OID_KEY_USAGE), booleanTrue(), octetString(der(0x03, Buffer.from([0x07, 0x80])))),
    sequence(oid(OID_EXT_KEY_USAGE), octetString(sequence(oid(OID_SERVER_AUTH)))),
    sequence(oid(OID_SUBJECT_ALT_NAME), octetString(sequence(...altNames))),
  );
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    name,
    sequence(time(new Date(now.getTime() - DAY_MS)), time(new Date(now.getTime() + options.validityDays * DAY_MS))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey); // DER-encoded ECDSA signature
  const certificate = sequence(tbs, algorithm, bitString(signature));
  return {
    cert: toPem("CERTIFICATE", certificate),
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

function toPem(label: string, body: Buffer): string {
  const lines = body.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
