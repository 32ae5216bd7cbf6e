// The certificate and key the hub serves TLS with, from --tls-cert/--tls-key or --init-pki.
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { HubConfig } from "../config.js";
import { initPki } from "./init-pki.js";

export interface HubTls {
  /** PEM chain: the hub's certificate first, then its CA. */
  cert: string;
  key: string;
  /** The CA at the end of the chain: what agents pin and admin.conf carries. */
  ca: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Undefined for an --insecure hub. */
export async function loadHubTls(config: HubConfig): Promise<HubTls | undefined> {
  let certFile = config.tlsCert;
  let keyFile = config.tlsKey;
  if (config.initPki) {
    const files = await initPki(config.dataDir, config.pkiNames);
    certFile = files.cert;
    keyFile = files.key;
  }
  if (certFile === undefined || keyFile === undefined) return undefined;
  const [cert, key] = await Promise.all([readFile(certFile, "utf8"), readFile(keyFile, "utf8")]);
  const chain = cert.match(PEM_CERT) ?? [];
  const ca = chain.at(-1);
  if (chain.length < 2 || ca === undefined || !new X509Certificate(ca).ca) {
    throw new Error(
      `${certFile}: must hold the hub's certificate followed by its CA certificate (agents pin the CA from the chain)`,
    );
  }
  return { cert, key, ca };
}
