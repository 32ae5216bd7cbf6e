import { readFile } from "node:fs/promises";
import os from "node:os";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { DEFAULT_HOST_PATH_POLICY } from "../hostpaths/index.js";
import { parseQuantity } from "./pods/quantity.js";
import { RESERVABLE } from "./node/node-resources.js";
import {
  DEFAULT_PRESSURE_THRESHOLDS,
  PRESSURE_SIGNALS,
  parseThreshold,
} from "./node/thresholds.js";
import { errorMessage } from "./error-message.js";

const absolutePath = z.string().refine((p) => p.startsWith("/"), "must be an absolute path");

const quantity = z.string().refine((q) => {
  try {
    return parseQuantity(q) >= 0;
  } catch {
    return false;
  }
}, "must be a non-negative quantity, e.g. 500m, 1, 256Mi, 10Gi");

/** `cpu`, `memory`, `ephemeral-storage` → quantity, as the kubelet's systemReserved. */
const reservation = z.partialRecord(z.enum(RESERVABLE), quantity);

const threshold = z.string().refine((t) => {
  try {
    parseThreshold(t);
    return true;
  } catch {
    return false;
  }
}, "must be a percentage (10%) or a quantity (100Mi)");

const taint = z
  .object({
    key: z.string().min(1),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
  })
  .strict();

/** The agent's one config schema: file keys, their defaults, and the flags that override them. */
export const AgentConfigSchema = z
  .object({
    nodeName: z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
        "must be a DNS subdomain (lowercase, digits, '-', '.')",
      )
      .max(253)
      .default(os.hostname().toLowerCase()),
    manifests: z.string().default("/etc/daemonlet/manifests"),
    stateDir: z.string().default("/var/lib/daemonlet"),
    allowedHostPaths: z.array(absolutePath).default(DEFAULT_HOST_PATH_POLICY.allowedRoots),
    readOnlyHostPaths: z.array(absolutePath).default(DEFAULT_HOST_PATH_POLICY.readOnlyRoots),
    /** The address pods see as status.hostIP; found from the interfaces when unset. */
    nodeIP: z.ipv4().or(z.ipv6()).optional(),
    dockerSocket: z.string().default("/var/run/docker.sock"),
    /** Registry credentials in Docker's config.json shape; a missing file means none. */
    registryAuthFile: z.string().default("/etc/daemonlet/registry-auth.json"),
    /** The hub to join (wss://HOST:PORT); without one the agent runs its static pods alone. */
    hub: z.string().optional(),
    /**
     * A join token from `daemonlet token create` (ID.SECRET@sha256:HEX for a TLS hub), presented
     * once: the node's own credential, kept in the state dir, replaces it.
     */
    token: z.string().optional(),
    /** Allows a plain ws:// hub: credentials and pods cross the network unencrypted. */
    insecure: z.boolean().default(false),
    /** Labels for this node, applied when it first registers with the hub. */
    nodeLabels: z.record(z.string(), z.string()).default({}),
    /** Taints for this node, applied when it first registers with the hub. */
    nodeTaints: z.array(taint).default([]),
    /** The node's pods capacity, as the kubelet's maxPods. */
    maxPods: z.number().int().positive().default(110),
    /** Kept from pods for the operating system (the kubelet's systemReserved). */
    systemReserved: reservation.default({}),
    /** Kept from pods for the agent and the engine (the kubelet's kubeReserved). */
    agentReserved: reservation.default({}),
    /**
     * Below these the node reports MemoryPressure, DiskPressure, PIDPressure (the kubelet's
     * evictionHard signals); unset keys keep the defaults.
     */
    pressureThresholds: z
      .partialRecord(z.enum(PRESSURE_SIGNALS), threshold)
      .default({})
      .transform((t) => ({ ...DEFAULT_PRESSURE_THRESHOLDS, ...t })),
    /** The engine's data root: its filesystem is the node's ephemeral-storage and nodefs. */
    dockerDataRoot: absolutePath.default("/var/lib/docker"),
    /** How often node and pod usage and the node's conditions are measured. */
    usageIntervalSeconds: z.number().positive().default(10),
    /** Prometheus /metrics on HOST:PORT; "" turns it off. Keep it on loopback or a trusted net. */
    metricsListen: z.string().default("127.0.0.1:7462"),
    relistIntervalSeconds: z.number().positive().default(2),
    logFormat: z.enum(["json", "text"]).default("json"),
    logLevel: z.enum(["error", "warn", "info", "debug"]).default("info"),
  })
  .strict()
  .refine((c) => !c.hub?.startsWith("ws:") || c.insecure, {
    message:
      "a ws:// hub is not encrypted: use wss:// (a hub with TLS), or pass --insecure to accept that",
    path: ["hub"],
  });

export type AgentConfig = z.infer<typeof AgentConfigSchema>;
export type AgentConfigInput = z.input<typeof AgentConfigSchema>;

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** File values first, flags over them; every error names the key and where it came from. */
export async function loadAgentConfig(
  file: string | undefined,
  flags: AgentConfigInput,
): Promise<AgentConfig> {
  let fromFile: unknown = {};
  if (file) {
    try {
      fromFile = parseYaml(await readFile(file, "utf8")) ?? {};
    } catch (err) {
      throw new ConfigError(`${file}: ${errorMessage(err)}`);
    }
    if (typeof fromFile !== "object" || Array.isArray(fromFile)) {
      throw new ConfigError(`${file}: must be a mapping of config keys`);
    }
  }
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const result = AgentConfigSchema.safeParse({ ...(fromFile as object), ...defined });
  if (!result.success) {
    const issues = result.error.issues.map(
      (i) => `${i.path.join(".") || "(config)"}: ${i.message}`,
    );
    throw new ConfigError(
      `invalid agent config${file ? ` (${file} and flags)` : ""}: ${issues.join("; ")}`,
    );
  }
  return result.data;
}
