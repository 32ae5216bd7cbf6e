// `daemonlet hub --init-pki`: a CA of the hub's own and a server certificate it signs, for a
// quick start without an existing PKI. ECDSA P-256 through Node's WebCrypto; @peculiar/x509 only
// builds the certificates (Node can parse X.509 but not write it). Files that exist are kept, so
// running it again changes nothing and agents keep trusting the same CA.
import { createPrivateKey, randomBytes, webcrypto } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import os from "node:os";
import path from "node:path";
import type * as X509 from "@peculiar/x509";

type CryptoKey = webcrypto.CryptoKey;

export interface PkiFiles {
  dir: string;
  caCert: string;
  caKey: string;
  /** The hub's certificate followed by the CA's: agents find the CA in the chain to pin it. */
  cert: string;
  key: string;
}

export function pkiFiles(dataDir: string): PkiFiles {
  const dir = path.join(dataDir, "pki");
  return {
    dir,
    caCert: path.join(dir, "ca.crt"),
    caKey: path.join(dir, "ca.key"),
    cert: path.join(dir, "hub.crt"),
    key: path.join(dir, "hub.key"),
  };
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
const HUB_CERT_DAYS = 825;
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

/**
 * Makes whatever of the PKI is missing. `names` are extra DNS names or IP addresses the hub is
 * reached at; localhost, 127.0.0.1, ::1 and the host name are always in the certificate.
 */
export async function initPki(dataDir: string, names: string[] = []): Promise<PkiFiles> {
  const files = pkiFiles(dataDir);
  if (existsSync(files.cert) && existsSync(files.key) && existsSync(files.caCert)) return files;
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  const x509 = await import("./x509.js");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const subtle = webcrypto.subtle;

  let caCert: X509.X509Certificate;
  let caKey: CryptoKey;
  if (existsSync(files.caCert) && existsSync(files.caKey)) {
    caCert = new x509.X509Certificate(await readFile(files.caCert, "utf8"));
    const der = createPrivateKey(await readFile(files.caKey, "utf8")).export({
      type: "pkcs8",
      format: "der",
    });
    caKey = await subtle.importKey("pkcs8", der, ALGORITHM, false, ["sign"]);
  } else {
    const keys = await subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
    caKey = keys.privateKey;
    const now = Date.now();
    caCert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=daemonlet CA ${os.hostname()}`,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + CA_DAYS * DAY_MS),
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    await writeFile(files.caKey, await pem(keys.privateKey), { mode: 0o600 });
    await writeFile(files.caCert, caCert.toString("pem") + "\n", { mode: 0o644 });
  }

  const hubKeys = await subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const now = Date.now();
  const sans = [
    ...new Set(["localhost", os.hostname().toLowerCase(), "127.0.0.1", "::1", ...names]),
  ];
  const hubCert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=daemonlet-hub",
    issuer: caCert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + HUB_CERT_DAYS * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: hubKeys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([SERVER_AUTH]),
      new x509.SubjectAlternativeNameExtension(
        sans.map((value) => ({ type: isIP(value) ? "ip" : "dns", value }) as const),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  await writeFile(files.key, await pem(hubKeys.privateKey), { mode: 0o600 });
  await writeFile(files.cert, `${hubCert.toString("pem")}\n${caCert.toString("pem")}\n`, {
    mode: 0o644,
  });
  return files;
}

/** A positive 16-byte serial (RFC 5280 wants it positive and unique). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

async function pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" })
    .export({ type: "pkcs8", format: "pem" })
    .toString();
}
