// `daemonlet agent` on the command line: its flags. The agent itself is imported only when the
// command runs (cli/run-agent.ts), so that other commands do not load it.
import { InvalidArgumentError, type Command } from "commander";

export interface AgentFlags {
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
      const { runAgent } = await import("./run-agent.js");
      await runAgent(flags);
    });
}
