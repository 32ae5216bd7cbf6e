// What an operator hands an agent to join: a join token, and with a TLS hub the hash of the hub's
// CA, as kubeadm's `--discovery-token-ca-cert-hash sha256:<hex>` and Swarm's tokens carry it:
// `ID.SECRET@sha256:HEX`. The hash is of the CA certificate's DER SubjectPublicKeyInfo.
import { createHash, X509Certificate } from "node:crypto";

/** kubeadm's bootstrap token shape: a public id and a secret, both [a-z0-9]. */
export const JOIN_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const CA_HASH_PATTERN = /^sha256:([0-9a-f]{64})$/;

export interface JoinString {
  token: string;
  /** `sha256:<64 hex>`; absent for a plain (--insecure) hub. */
  caHash?: string;
}

export class JoinStringError extends Error {
  override readonly name = "JoinStringError";
}

export function parseJoinString(value: string): JoinString {
  const at = value.lastIndexOf("@");
  const token = at < 0 ? value : value.slice(0, at);
  if (token.length < 16) {
    throw new JoinStringError(
      "join token: too short (expected ID.SECRET as `daemonlet token create` prints it)",
    );
  }
  if (at < 0) return { token };
  const caHash = value.slice(at + 1).toLowerCase();
  if (!CA_HASH_PATTERN.test(caHash)) {
    throw new JoinStringError(
      `join token: the part after "@" must be the hub CA's hash, sha256:<64 hex digits>, not ${JSON.stringify(value.slice(at + 1))}`,
    );
  }
  return { token, caHash };
}

export function formatJoinString(token: string, caHash: string | undefined): string {
  return caHash === undefined ? token : `${token}@${caHash}`;
}

/** `sha256:<hex>` of a certificate's SubjectPublicKeyInfo, as kubeadm pins a CA. */
export function caHashOf(cert: X509Certificate | string | Buffer): string {
  const x509 = cert instanceof X509Certificate ? cert : new X509Certificate(cert);
  const spki = x509.publicKey.export({ type: "spki", format: "der" });
  return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}
