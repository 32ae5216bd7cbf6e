// The operator's credential for the hub's API, like a kubeconfig: where the API is, the CA to
// trust, and the admin token the API requires. A TLS hub writes it (0600) into its data dir on
// start; the CLI reads it from --admin-config, $DAEMONLET_ADMIN_CONFIG or /etc/daemonlet/admin.conf.
import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { z } from "zod";

export const ADMIN_CONFIG_FILE = "admin.conf";
export const DEFAULT_ADMIN_CONFIG = "/etc/daemonlet/admin.conf";
export const ADMIN_CONFIG_ENV = "DAEMONLET_ADMIN_CONFIG";

const AdminConfigSchema = z
  .object({
    /** HOST:PORT of the gRPC API. */
    server: z.string().min(1),
    /** PEM of the CA that signed the API's certificate. */
    ca: z.string().includes("BEGIN CERTIFICATE", { message: "must be a PEM certificate" }),
    /** Sent as `authorization: Bearer …` with every call. */
    token: z.string().min(32),
  })
  .strict();

export type AdminConfig = z.infer<typeof AdminConfigSchema>;

export function adminConfigPath(dataDir: string): string {
  return path.join(dataDir, ADMIN_CONFIG_FILE);
}

export async function readAdminConfig(file: string): Promise<AdminConfig> {
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = AdminConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`);
    throw new Error(`${file}: not an admin config: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** The admin token the hub keeps: the one in its admin.conf, or a new one. */
export async function adminToken(dataDir: string): Promise<string> {
  try {
    return (await readAdminConfig(adminConfigPath(dataDir))).token;
  } catch (error) {
    if ((error as { cause?: NodeJS.ErrnoException }).cause?.code !== "ENOENT") throw error;
    return `dladmin1.${randomBytes(32).toString("base64url")}`;
  }
}

export async function writeAdminConfig(file: string, config: AdminConfig): Promise<void> {
  const text =
    "# daemonlet admin credential: whoever reads this file controls the hub. Keep it 0600.\n" +
    stringifyYaml(config);
  await writeFile(`${file}.tmp`, text, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}
