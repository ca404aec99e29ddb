import { X509Certificate, createPrivateKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSelfSignedCertificate } from "./self-signed-certificate.js";

describe("self-signed certificate", () => {
  it("is a valid self-signed certificate for localhost and 127.0.0.1", () => {
    const { cert, key } = generateSelfSignedCertificate({ commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"], validityDays: 3650 });
    const x509 = new X509Certificate(cert);
    expect(x509.subject).toBe("CN=localhost");
    expect(x509.issuer).toBe("CN=localhost");
    expect(x509.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(x509.checkHost("localhost")).toBe("localhost");
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(new Date(x509.validTo).getTime()).toBeGreaterThan(Date.now() + 3000 * 24 * 3600 * 1000);
    expect(x509.ca).toBe(false);
  });
});
