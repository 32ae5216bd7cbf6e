// Socket errors in the words the kubelet's probe messages use (Go's), so an operator sees the
// same text from daemonlet as from a cluster: `connection refused`, `no route to host`.
import { errorMessage } from "../error-message.js";

const WORDS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network is unreachable",
  EPIPE: "broken pipe",
  EADDRNOTAVAIL: "cannot assign requested address",
};

export function networkErrorWords(err: unknown): string {
  const code =
    typeof err === "object" && err !== null && "code" in err && typeof err.code === "string"
      ? err.code
      : undefined;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    const host = err instanceof Error && "hostname" in err ? String(err.hostname) : "host";
    return `lookup ${host}: no such host`;
  }
  const words = code === undefined ? undefined : WORDS[code];
  if (words !== undefined) return words;
  return errorMessage(err);
}
