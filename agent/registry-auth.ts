// Registry credentials from a file on the node in Docker's config.json shape
// (`{"auths": {"host:port": {"auth": base64("user:pass")} | {"username", "password"}}}`), so an
// operator can reuse what `docker login` wrote. The file is read at each pull: rotated
// credentials need no agent restart.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { DOCKER_HUB, registryHost } from "./pods/image-ref.js";
import type { RegistryCredentials } from "./runtime/runtime.js";
import { errorMessage } from "./error-message.js";

// Other keys of a real config.json (credsStore, HttpHeaders, …) are not ours and pass unread.
const AuthEntrySchema = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
});
const AuthFileSchema = z.object({ auths: z.record(z.string(), AuthEntrySchema).default({}) });

type AuthEntry = z.infer<typeof AuthEntrySchema>;

/** Names under which Docker Hub credentials are stored; `docker login` writes the first. */
const DOCKER_HUB_KEYS = ["index.docker.io", "docker.io", "registry-1.docker.io"];

/** The auth file cannot be used: unreadable, not JSON, or not in Docker's config shape. */
export class RegistryAuthError extends Error {
  override readonly name = "RegistryAuthError";
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`registry auth file ${file}: ${detail}`);
  }
}

export const isRegistryAuthError = (e: unknown): e is RegistryAuthError =>
  e instanceof RegistryAuthError;

/** The node's registry auth file; a missing file means anonymous pulls. */
export class RegistryAuthFile {
  constructor(readonly path: string) {}

  /** Credentials for the image's registry, or undefined for an anonymous pull. */
  async credentialsFor(image: string): Promise<RegistryCredentials | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if (isErrnoCode(err, "ENOENT")) return undefined;
      throw new RegistryAuthError(this.path, errorMessage(err));
    }
    return credentialsFromConfig(text, this.path, image);
  }
}

/** Pure: the file's text → the entry for the image's registry, decoded. */
export function credentialsFromConfig(
  text: string,
  file: string,
  image: string,
): RegistryCredentials | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RegistryAuthError(file, `not JSON: ${errorMessage(err)}`);
  }
  const parsed = AuthFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`);
    throw new RegistryAuthError(file, issues.join("; "));
  }
  const host = registryHost(image);
  if (host === undefined) return undefined;
  const wanted = host === DOCKER_HUB ? DOCKER_HUB_KEYS : [host.toLowerCase()];
  const byHost = new Map<string, [string, AuthEntry]>();
  // Keys may be URLs ("https://index.docker.io/v1/"), as Docker writes them: the host decides.
  for (const [key, entry] of Object.entries(parsed.data.auths)) {
    const h = hostOfKey(key);
    if (!byHost.has(h)) byHost.set(h, [key, entry]);
  }
  const match = wanted.map((h) => byHost.get(h)).find((m) => m !== undefined);
  if (!match) return undefined;
  const [key, entry] = match;
  return { ...decodeEntry(entry, file, key), serverAddress: host };
}

function decodeEntry(
  entry: AuthEntry,
  file: string,
  key: string,
): { username: string; password: string } {
  // As in Docker's own client, `auth` wins over separate username and password.
  if (entry.auth) {
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(entry.auth)
      ? Buffer.from(entry.auth, "base64").toString("utf8")
      : "";
    const colon = decoded.indexOf(":");
    if (colon <= 0) {
      throw new RegistryAuthError(file, `auths["${key}"].auth is not base64 of "user:password"`);
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  throw new RegistryAuthError(
    file,
    `auths["${key}"] has neither "auth" nor "username" and "password" (credential helpers are not supported)`,
  );
}

/** "https://host:port/v1/" → "host:port", the way Docker matches config keys to registries. */
function hostOfKey(key: string): string {
  const [host = ""] = key.replace(/^https?:\/\//i, "").split("/");
  return host.toLowerCase();
}

function isErrnoCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === code;
}
