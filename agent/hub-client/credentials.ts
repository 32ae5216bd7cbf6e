// How this node proves who it is to the hub. The first time, it presents the operator's join
// token (POST /join) and gets its own credential, stored 0600 in the state dir and used from then
// on; the join token is not needed again. With a TLS hub the join token carries the hash of the
// hub's CA: the CA is taken from the hub's own TLS handshake and checked against that hash before
// anything secret is sent, then stored beside the credential, so that every later connection
// verifies the hub against it.
import { X509Certificate } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { join } from "node:path";
import type { DetailedPeerCertificate } from "node:tls";
import type { Logger } from "winston";
import { caHashOf, parseJoinString } from "../../hub/auth/join-string.js";

export const CREDENTIAL_FILE = "hub-credential";
export const HUB_CA_FILE = "hub-ca.crt";
const REQUEST_TIMEOUT_MS = 10_000;

export interface HubCredentials {
  /** Sent as `Authorization: Bearer …` on the WebSocket. */
  bearer: string;
  /** The hub's CA (PEM) for wss://; absent for a plain hub. */
  ca?: string;
}

export interface CredentialSource {
  get(): Promise<HubCredentials>;
}

/** Why joining failed; `retry` is false when only the operator can fix it. */
export class JoinError extends Error {
  override readonly name = "JoinError";
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

export interface NodeCredentialsOptions {
  /** The hub's agent URL (ws:// or wss://). */
  hubUrl: string;
  /** ID.SECRET[@sha256:HEX], as `daemonlet token create` prints it; only needed to join. */
  joinToken?: string;
  nodeName: string;
  stateDir: string;
  logger: Logger;
}

export class NodeCredentials implements CredentialSource {
  private cached?: HubCredentials;

  constructor(private readonly opts: NodeCredentialsOptions) {}

  get credentialFile(): string {
    return join(this.opts.stateDir, CREDENTIAL_FILE);
  }

  async get(): Promise<HubCredentials> {
    this.cached ??= (await this.stored()) ?? (await this.join());
    return this.cached;
  }

  private get tls(): boolean {
    return new URL(this.opts.hubUrl).protocol === "wss:";
  }

  private async stored(): Promise<HubCredentials | undefined> {
    const bearer = await readIfPresent(this.credentialFile);
    if (bearer === undefined) return undefined;
    if (!this.tls) return { bearer: bearer.trim() };
    const caFile = join(this.opts.stateDir, HUB_CA_FILE);
    const ca = await readIfPresent(caFile);
    if (ca === undefined) {
      throw new JoinError(`${caFile} is missing: this node cannot verify its TLS hub`, false);
    }
    return { bearer: bearer.trim(), ca };
  }

  private async join(): Promise<HubCredentials> {
    const { joinToken, nodeName, stateDir, logger } = this.opts;
    if (!joinToken) {
      throw new JoinError(
        `this node has not joined its hub (no ${this.credentialFile}): start the agent with a join token (--token, from \`daemonlet token create\`)`,
        false,
      );
    }
    let parsed;
    try {
      parsed = parseJoinString(joinToken);
    } catch (error) {
      throw new JoinError((error as Error).message, false);
    }
    const url = new URL(this.opts.hubUrl);
    let ca: string | undefined;
    if (this.tls) {
      if (!parsed.caHash) {
        throw new JoinError(
          "the hub is wss:// but the join token carries no CA hash (ID.SECRET@sha256:HEX, as `daemonlet token create` prints it on a TLS hub)",
          false,
        );
      }
      // URL keeps an IPv6 address in brackets; TLS and the certificate want it bare.
      const host = url.hostname.replace(/^\[|\]$/g, "");
      ca = await fetchPinnedCA(host, Number(url.port || 443), parsed.caHash);
    }
    const response = await postJoin(url, parsed.token, nodeName, ca);
    if (ca !== undefined) await writeAtomically(join(stateDir, HUB_CA_FILE), ca, 0o644);
    await writeAtomically(this.credentialFile, `${response.credential}\n`, 0o600);
    logger.info("joined the hub; this node's credential is stored", {
      node: nodeName,
      file: this.credentialFile,
    });
    return { bearer: response.credential, ...(ca === undefined ? {} : { ca }) };
  }
}

/**
 * Connects without trusting anyone, finds in the chain the hub sends the CA whose public key has
 * the pinned hash, and checks that the hub's certificate was issued by it for this host. Nothing
 * is sent on that connection; it only yields the CA, which later connections verify against.
 */
export async function fetchPinnedCA(host: string, port: number, caHash: string): Promise<string> {
  // Imported here, once per join: an ES module importing node:tls reads all its exports, among
  // them the 144 root certificates (≈ 0.9 MB of RSS for the agent's life); ws requires it instead.
  const { connect } = await import("node:tls");
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      rejectUnauthorized: false,
      ...(isIP(host) ? {} : { servername: host }),
    });
    socket.setTimeout(REQUEST_TIMEOUT_MS, () =>
      socket.destroy(new Error(`no TLS handshake from ${host}:${port} in time`)),
    );
    socket.once("error", (error) =>
      reject(new JoinError(`cannot reach the hub at ${host}:${port}: ${error.message}`, true)),
    );
    socket.once("secureConnect", () => {
      try {
        resolve(pinnedCA(peerChain(socket.getPeerCertificate(true)), host, caHash));
      } catch (error) {
        reject(error);
      } finally {
        socket.destroy();
      }
    });
  });
}

/** The certificates a TLS peer sent, leaf first, from Node's linked issuerCertificate chain. */
function peerChain(peer: DetailedPeerCertificate): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  // A self-signed certificate is its own issuer: the chain ends where it repeats.
  for (
    let cert: DetailedPeerCertificate | undefined = peer;
    cert?.raw;
    cert = cert.issuerCertificate
  ) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    chain.push(new X509Certificate(cert.raw));
  }
  return chain;
}

/**
 * The CA (PEM) in `chain` whose public key has the pinned hash, once the leaf is shown to be
 * issued by it for `host`; throws JoinError otherwise.
 */
export function pinnedCA(chain: X509Certificate[], host: string, caHash: string): string {
  const [leaf] = chain;
  const ca = chain.find((c) => c.ca && caHashOf(c) === caHash);
  if (!leaf || !ca) {
    throw new JoinError(
      `the hub's TLS certificates do not match the CA hash in the join token (${caHash}): wrong hub, or a wrong or stale token`,
      false,
    );
  }
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) {
    throw new JoinError("the hub's certificate was not issued by the pinned CA", false);
  }
  const matches = isIP(host) ? leaf.checkIP(host) : leaf.checkHost(host);
  if (matches === undefined) {
    throw new JoinError(`the hub's certificate is not valid for ${host}`, false);
  }
  return ca.toString();
}

async function postJoin(
  hubUrl: URL,
  token: string,
  nodeName: string,
  ca: string | undefined,
): Promise<{ credential: string }> {
  const url = new URL("/join", hubUrl);
  url.protocol = ca === undefined ? "http:" : "https:";
  const body = JSON.stringify({ nodeName });
  const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const options = {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      },
      timeout: REQUEST_TIMEOUT_MS,
      ...(ca === undefined ? {} : { ca }),
    };
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    };
    const req =
      ca === undefined
        ? httpRequest(url, options, onResponse)
        : httpsRequest(url, options, onResponse);
    req.on("timeout", () => req.destroy(new Error("the hub did not answer in time")));
    req.on("error", (error) =>
      reject(new JoinError(`cannot reach the hub at ${url.host}: ${error.message}`, true)),
    );
    req.end(body);
  });
  let parsed: { credential?: unknown; error?: unknown } = {};
  try {
    parsed = JSON.parse(response.text) as typeof parsed;
  } catch {
    // Reported below with the status.
  }
  if (response.status === 200 && typeof parsed.credential === "string") {
    return { credential: parsed.credential };
  }
  const why = typeof parsed.error === "string" ? parsed.error : `HTTP ${response.status}`;
  // A refused token or a taken node name needs the operator; a hub error may pass.
  throw new JoinError(`the hub refused to join this node: ${why}`, response.status >= 500);
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Written whole or not at all: a half-written credential would lock the node out. */
async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temp = `${file}.tmp`;
  await writeFile(temp, text, { mode });
  await rename(temp, file);
}
