// `daemonlet hub` on the command line: its flags. The hub itself is imported only when the
// command runs (cli/run-hub.ts), so that other commands do not load it.
import type { Command } from "commander";

export interface HubFlags {
  config?: string;
  data?: string;
  listen?: string;
  apiListen?: string;
  joinToken?: string;
  tlsCert?: string;
  tlsKey?: string;
  initPki?: boolean;
  pkiName?: string[];
  insecure?: boolean;
  nodeGraceSeconds?: string;
  logFormat?: string;
  logLevel?: string;
}

export function registerHubCommand(program: Command): void {
  program
    .command("hub")
    .description("run the hub: store, DaemonSet controller, agent gateway and API")
    .option(
      "-c, --config <file>",
      "hub config file (YAML, keys as the flags in camelCase); flags win",
    )
    .option(
      "--data <dir>",
      "data directory: store, join tokens and node credentials, pki/, admin.conf (default: /var/lib/daemonlet-hub)",
    )
    .option(
      "--listen <host:port>",
      "agents (WebSocket /agent) and HTTP /healthz, /metrics (default: 0.0.0.0:7460)",
    )
    .option("--api-listen <host:port>", "gRPC API for the CLI (default: 127.0.0.1:7461)")
    .option(
      "--join-token <token>",
      "a join token that never expires (default: none; use `daemonlet token create`)",
    )
    .option("--tls-cert <file>", "serve TLS with this certificate chain (hub cert, then its CA)")
    .option("--tls-key <file>", "the key of --tls-cert")
    .option(
      "--init-pki",
      "create a CA and a hub certificate in DATA/pki if missing, and serve TLS with them",
    )
    .option(
      "--pki-name <name>",
      "a DNS name or IP agents reach the hub at, for --init-pki's certificate (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--insecure", "serve agents and the API without TLS")
    .option(
      "--node-grace-seconds <n>",
      "silence after which a node is Unknown and tainted (default: 40)",
    )
    .option("--log-format <format>", "json or text (default: json)")
    .option("--log-level <level>", "error, warn, info or debug (default: info)")
    .action(async (flags: HubFlags) => {
      const { runHub } = await import("./run-hub.js");
      await runHub(flags);
    });
}
