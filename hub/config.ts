import { z } from "zod";

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
    /** Agents must present it; generated and kept in the data dir when not given. */
    joinToken: z.string().min(16, "must be at least 16 characters").optional(),
    /** A node silent this long becomes Ready=Unknown with the unreachable taint. */
    nodeGraceSeconds: z.number().positive().default(40),
    logFormat: z.enum(["json", "text"]).default("json"),
    logLevel: z.enum(["error", "warn", "info", "debug"]).default("info"),
  })
  .strict();

export type HubConfig = z.infer<typeof HubConfigSchema>;

export function splitHostPort(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(":");
  return { host: value.slice(0, i).replace(/^\[|\]$/g, ""), port: Number(value.slice(i + 1)) };
}
