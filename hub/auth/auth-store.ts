// Who may talk to the hub as an agent: join tokens (presented once, by a new node) and the
// per-node credentials they are exchanged for. Kept in their own SQLite file beside the object
// store, as hashes only: a copy of the file lets nobody join or act as a node.
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import path from "node:path";
import Database from "better-sqlite3";
import { JOIN_TOKEN_PATTERN } from "./join-string.js";

export const AUTH_DB_FILE = "auth.db";
const TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const CREDENTIAL_PREFIX = "dlnode1.";

export interface JoinTokenInfo {
  id: string;
  description: string;
  createdAt: Date;
  /** Undefined: never expires. */
  expiresAt?: Date;
}

export interface CreatedJoinToken extends JoinTokenInfo {
  /** ID.SECRET; shown once, only its hash is kept. */
  token: string;
}

export type JoinRefusal =
  { reason: "BadToken"; message: string } | { reason: "AlreadyJoined"; message: string };

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS join_tokens (
    id TEXT PRIMARY KEY,
    secret_sha256 TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
  );
  CREATE TABLE IF NOT EXISTS node_credentials (
    node_name TEXT PRIMARY KEY,
    credential_sha256 TEXT NOT NULL UNIQUE,
    issued_at INTEGER NOT NULL
  );
`;

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

function randomText(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)];
  return out;
}

interface TokenRow {
  id: string;
  secret_sha256: string;
  description: string;
  created_at: number;
  expires_at: number | null;
}

export class AuthStore {
  private readonly db: Database.Database;
  private readonly revokedListeners = new Set<(nodeName: string) => void>();
  /** Asked once per agent connection: compiled once, not on every reconnect of a fleet. */
  private readonly credentialLookup: Database.Statement<[string], { node_name: string }>;

  /**
   * @param staticToken the hub's `--join-token`, if any: accepted like a token that never
   *   expires, for scripted setups that must know it up front.
   */
  constructor(
    dataDir: string,
    private readonly staticToken?: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = new Database(path.join(dataDir, AUTH_DB_FILE));
    this.db.pragma("journal_mode = WAL");
    this.db.exec(SCHEMA);
    this.credentialLookup = this.db.prepare(
      "SELECT node_name FROM node_credentials WHERE credential_sha256 = ?",
    );
  }

  close(): void {
    this.db.close();
  }

  createToken(opts: { ttlSeconds?: number; description?: string } = {}): CreatedJoinToken {
    const id = randomText(6);
    const secret = randomText(16);
    const createdAt = this.now();
    const expiresAt =
      opts.ttlSeconds === undefined
        ? undefined
        : new Date(createdAt.getTime() + opts.ttlSeconds * 1000);
    this.db
      .prepare("INSERT INTO join_tokens VALUES (?, ?, ?, ?, ?)")
      .run(
        id,
        sha256(secret),
        opts.description ?? "",
        createdAt.getTime(),
        expiresAt?.getTime() ?? null,
      );
    return {
      id,
      token: `${id}.${secret}`,
      description: opts.description ?? "",
      createdAt,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    };
  }

  listTokens(): JoinTokenInfo[] {
    return this.db
      .prepare<[], TokenRow>("SELECT * FROM join_tokens ORDER BY created_at, id")
      .all()
      .map(tokenInfo);
  }

  /** False when there was no such token. */
  deleteToken(id: string): boolean {
    return this.db.prepare("DELETE FROM join_tokens WHERE id = ?").run(id).changes > 0;
  }

  /** Removes tokens past their expiry; returns how many. */
  pruneExpired(): number {
    return this.db
      .prepare("DELETE FROM join_tokens WHERE expires_at IS NOT NULL AND expires_at <= ?")
      .run(this.now().getTime()).changes;
  }

  /**
   * A node presents a join token: it gets its credential, or why not. A node name that already
   * holds a credential is refused, so a join token cannot take over a joined node; the operator
   * revokes the node first (`daemonlet node revoke`).
   */
  join(token: string, nodeName: string): { credential: string } | JoinRefusal {
    const refusal = this.checkToken(token);
    if (refusal) return { reason: "BadToken", message: refusal };
    const credential = `${CREDENTIAL_PREFIX}${randomBytes(32).toString("base64url")}`;
    const inserted = this.db
      .prepare("INSERT OR IGNORE INTO node_credentials VALUES (?, ?, ?)")
      .run(nodeName, sha256(credential), this.now().getTime());
    if (inserted.changes === 0) {
      return {
        reason: "AlreadyJoined",
        message: `node ${nodeName} has already joined; \`daemonlet node revoke ${nodeName}\` first to join it again`,
      };
    }
    return { credential };
  }

  /** The node a credential belongs to, or undefined for an unknown or revoked one. */
  nodeForCredential(credential: string | undefined): string | undefined {
    if (credential === undefined || !credential.startsWith(CREDENTIAL_PREFIX)) return undefined;
    return this.credentialLookup.get(sha256(credential))?.node_name;
  }

  joinedNodes(): string[] {
    return this.db
      .prepare<[], { node_name: string }>(
        "SELECT node_name FROM node_credentials ORDER BY node_name",
      )
      .all()
      .map((r) => r.node_name);
  }

  /** Ends the node's credential (its open session too, through the listeners); false if none. */
  revoke(nodeName: string): boolean {
    const removed =
      this.db.prepare("DELETE FROM node_credentials WHERE node_name = ?").run(nodeName).changes > 0;
    if (removed) for (const listener of this.revokedListeners) listener(nodeName);
    return removed;
  }

  onRevoked(listener: (nodeName: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Undefined when the token may join; else why not, for the log (the peer only sees 401). */
  private checkToken(token: string): string | undefined {
    if (this.staticToken !== undefined && sameText(token, this.staticToken)) return undefined;
    const match = JOIN_TOKEN_PATTERN.exec(token);
    if (!match) return "not a join token";
    const [, id = "", secret = ""] = match;
    const row = this.db
      .prepare<[string], TokenRow>("SELECT * FROM join_tokens WHERE id = ?")
      .get(id);
    if (!row || !sameText(sha256(secret), row.secret_sha256)) return `unknown join token ${id}`;
    if (row.expires_at !== null && row.expires_at <= this.now().getTime()) {
      return `join token ${id} expired at ${new Date(row.expires_at).toISOString()}`;
    }
    return undefined;
  }
}

function tokenInfo(row: TokenRow): JoinTokenInfo {
  return {
    id: row.id,
    description: row.description,
    createdAt: new Date(row.created_at),
    ...(row.expires_at === null ? {} : { expiresAt: new Date(row.expires_at) }),
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
