import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { errorMessage } from "../agent/error-message.js";

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, "must be HOST:PORT (e.g. 0.0.0.0:7460)");

/** The hub's one config schema; flags are its source for now. */
export const HubConfigSchema = z
  .object({
    dataDir: z.string().default("/var/lib/daemonlet-hub"),
    /** Agents (WebSocket on /agent) and HTTP (/healthz, /metrics). */
    listen: hostPort.default("0.0.0.0:7460"),
    /** The gRPC API the CLI uses. */
    apiListen: hostPort.default("127.0.0.1:7461"),
    /**
     * A join token that never expires, for setups that must know it up front; otherwise tokens
     * come from `daemonlet token create`.
     */
    joinToken: z
      .string()
      .min(16, "must be at least 16 characters")
      .refine((t) => !t.includes("@"), "must not contain '@'")
      .optional(),
    /** The hub's certificate (PEM, with the chain up to its CA) and key, for TLS. */
    tlsCert: z.string().optional(),
    tlsKey: z.string().optional(),
    /** Create a CA and a hub certificate in DATA/pki (kept once made) and serve TLS with them. */
    initPki: z.boolean().default(false),
    /** Extra DNS names and IPs for the certificate --init-pki makes. */
    pkiNames: z.array(z.string()).default([]),
    /** Serve agents and the API without TLS. */
    insecure: z.boolean().default(false),
    /** A node silent this long becomes Ready=Unknown with the unreachable taint. */
    nodeGraceSeconds: z.number().positive().default(40),
    logFormat: z.enum(["json", "text"]).default("json"),
    logLevel: z.enum(["error", "warn", "info", "debug"]).default("info"),
  })
  .strict()
  .refine((c) => (c.tlsCert === undefined) === (c.tlsKey === undefined), {
    message: "--tls-cert and --tls-key go together",
    path: ["tlsCert"],
  })
  .refine((c) => !(c.initPki && c.tlsCert), {
    message: "either --init-pki or --tls-cert/--tls-key, not both",
    path: ["initPki"],
  })
  .refine((c) => c.insecure || c.initPki || c.tlsCert !== undefined, {
    message:
      "the hub needs TLS (--init-pki, or --tls-cert and --tls-key), or --insecure to serve plain connections",
    path: ["insecure"],
  })
  .refine((c) => !(c.insecure && (c.initPki || c.tlsCert !== undefined)), {
    message: "--insecure and TLS exclude each other",
    path: ["insecure"],
  });

export type HubConfig = z.infer<typeof HubConfigSchema>;

export function splitHostPort(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(":");
  return { host: value.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(value.slice(i + 1)) };
}

/** File values first (YAML with the schema's keys), flags over them; errors name the key. */
export async function loadHubConfig(
  file: string | undefined,
  flags: Partial<z.input<typeof HubConfigSchema>>,
): Promise<HubConfig> {
  let fromFile: unknown = {};
  if (file) {
    try {
      fromFile = parseYaml(await readFile(file, "utf8")) ?? {};
    } catch (err) {
      throw new Error(`${file}: ${errorMessage(err)}`);
    }
    if (typeof fromFile !== "object" || Array.isArray(fromFile)) {
      throw new Error(`${file}: must be a mapping of config keys`);
    }
  }
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const parsed = HubConfigSchema.safeParse({ ...(fromFile as object), ...defined });
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${i.path.join(".") || "(config)"}: ${i.message}`,
    );
    throw new Error(
      `invalid hub config${file ? ` (${file} and flags)` : ""}: ${issues.join("; ")}`,
    );
  }
  return parsed.data;
}
