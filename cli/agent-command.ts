import { InvalidArgumentError, type Command } from "commander";
import { Agent } from "../agent/agent.js";
import { ConfigError, loadAgentConfig } from "../agent/config.js";
import { createLogger } from "../agent/logger.js";
import { DockerRuntime } from "../agent/runtime/docker-runtime.js";
import { serviceNotifier } from "../agent/sd-notify.js";

interface AgentFlags {
  config?: string;
  nodeName?: string;
  manifests?: string;
  stateDir?: string;
  allowedHostPaths?: string[];
  readOnlyHostPaths?: string[];
  nodeIp?: string;
  dockerSocket?: string;
  registryAuthFile?: string;
  hub?: string;
  token?: string;
  insecure?: boolean;
  nodeLabel?: Record<string, string>;
  nodeTaint?: {
    key: string;
    value?: string;
    effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  }[];
  metricsListen?: string;
  logFormat?: "json" | "text";
  logLevel?: "error" | "warn" | "info" | "debug";
}

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value.split(",").filter((v) => v !== ""),
];

const label = (value: string, previous: Record<string, string> = {}) => {
  const i = value.indexOf("=");
  if (i <= 0) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(value)}`);
  return { ...previous, [value.slice(0, i)]: value.slice(i + 1) };
};

const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** `key=value:Effect` or `key:Effect`, as `kubectl taint` takes them. */
const taint = (value: string, previous: NonNullable<AgentFlags["nodeTaint"]> = []) => {
  const match = /^([^=:]+)(?:=([^:]*))?:([A-Za-z]+)$/.exec(value);
  const effect = EFFECTS.find((e) => e === match?.[3]);
  if (!match?.[1] || effect === undefined) {
    throw new InvalidArgumentError(
      `expected key=value:Effect or key:Effect (Effect one of ${EFFECTS.join(", ")}), got ${JSON.stringify(value)}`,
    );
  }
  return [...previous, { key: match[1], ...(match[2] ? { value: match[2] } : {}), effect }];
};

export function registerAgentCommand(program: Command): void {
  program
    .command("agent")
    .description("run the node agent: keep this node's containers matching its pods")
    .option("-c, --config <file>", "agent config file (YAML); flags win over it")
    .option("--node-name <name>", "this node's name (default: the host name)")
    .option(
      "--manifests <dir>",
      "static pod manifest directory (default: /etc/daemonlet/manifests)",
    )
    .option("--state-dir <dir>", "agent state and local API socket (default: /var/lib/daemonlet)")
    .option(
      "--allowed-host-paths <paths>",
      "hostPath roots pods may mount (comma-separated, repeatable)",
      list,
    )
    .option("--read-only-host-paths <paths>", "hostPath roots pods may mount read-only", list)
    .option("--node-ip <ip>", "the address pods see as status.hostIP (default: detected)")
    .option("--docker-socket <path>", "Docker engine socket (default: /var/run/docker.sock)")
    .option(
      "--registry-auth-file <file>",
      "registry credentials, Docker config.json format, read at each pull " +
        "(default: /etc/daemonlet/registry-auth.json; none if missing)",
    )
    .option("--hub <url>", "join this hub (wss://HOST:PORT); without it only static pods run")
    .option(
      "--token <token>",
      "join token from `daemonlet token create`, used once: the node's credential replaces it",
    )
    .option("--insecure", "allow a plain ws:// hub (no TLS)")
    .option(
      "--node-label <key=value>",
      "label for this node at first registration (repeatable)",
      label,
    )
    .option(
      "--node-taint <key=value:Effect>",
      "taint for this node at first registration (repeatable)",
      taint,
    )
    .option(
      "--metrics-listen <host:port>",
      'Prometheus /metrics address (default: 127.0.0.1:7462; "" turns it off)',
    )
    .option("--log-format <format>", "json or text (default: json)")
    .option("--log-level <level>", "error, warn, info or debug (default: info)")
    .action(async (flags: AgentFlags) => {
      let config;
      try {
        config = await loadAgentConfig(flags.config, {
          nodeName: flags.nodeName,
          manifests: flags.manifests,
          stateDir: flags.stateDir,
          allowedHostPaths: flags.allowedHostPaths,
          readOnlyHostPaths: flags.readOnlyHostPaths,
          nodeIP: flags.nodeIp,
          dockerSocket: flags.dockerSocket,
          registryAuthFile: flags.registryAuthFile,
          hub: flags.hub,
          token: flags.token,
          insecure: flags.insecure,
          nodeLabels: flags.nodeLabel,
          nodeTaints: flags.nodeTaint,
          metricsListen: flags.metricsListen,
          logFormat: flags.logFormat,
          logLevel: flags.logLevel,
        });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(2);
      }
      const logger = createLogger({ format: config.logFormat, level: config.logLevel });
      const agent = new Agent(
        config,
        new DockerRuntime({ socketPath: config.dockerSocket }),
        logger,
      );
      const systemd = await serviceNotifier(logger);
      const shutdown = (signal: string) => {
        logger.info("agent stopping; containers keep running", { signal });
        systemd.stopping();
        void agent.stop().finally(() => process.exit(0));
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
      try {
        await agent.start();
        await agent.staticPodsReconciled();
        logger.info("static pods reconciled", { pods: agent.pods().length });
        systemd.ready(`static pods reconciled; ${agent.pods().length} pods`);
      } catch (err) {
        logger.error("agent failed to start", {
          error: err instanceof Error ? err.message : String(err),
        });
        await agent.stop().catch(() => undefined);
        process.exit(1);
      }
    });
}
