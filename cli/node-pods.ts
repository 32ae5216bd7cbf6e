// `daemonlet node pods`: what this host's agent runs, asked over its local API socket.
import { Option, type Command } from "commander";
import { isLocalApiError } from "../agent/local-api/errors.js";
import { localApiSocketPath } from "../agent/local-api/socket-path.js";
import type { OutputFormat } from "./format/node-pods-output.js";
import { registerNodeLogsCommand } from "./node-logs.js";
import { registerNodeRevokeCommand } from "./token-commands.js";

const DEFAULT_STATE_DIR = "/var/lib/daemonlet";

interface NodePodsOptions {
  output?: "wide" | "json" | "yaml";
  stateDir: string;
  socket?: string;
}

export function registerNodeCommands(program: Command): void {
  const node = program
    .command("node")
    .description("inspect this host's node through its agent; revoke a node at the hub");
  node
    .command("pods")
    .description("list the pods the agent on this host runs, like `kubectl get pods`")
    .addOption(
      new Option("-o, --output <format>", "output format").choices(["wide", "json", "yaml"]),
    )
    .option("--state-dir <dir>", "the agent's state directory", DEFAULT_STATE_DIR)
    .option("--socket <path>", "the agent's socket (default: <state-dir>/agent.sock)")
    .action(async (options: NodePodsOptions, command: Command) => {
      const socket = options.socket ?? localApiSocketPath(options.stateDir);
      const [{ listNodePods }, { renderNodePods }] = await Promise.all([
        import("../agent/local-api/client.js"),
        import("./format/node-pods-output.js"),
      ]);
      try {
        const result = await listNodePods(socket);
        const format: OutputFormat = options.output ?? "table";
        const { stdout, stderr } = renderNodePods(result, format, new Date());
        process.stdout.write(stdout);
        process.stderr.write(stderr);
      } catch (error) {
        // The operator gets the reason in one line; anything else is a bug and keeps its stack.
        if (isLocalApiError(error)) command.error(`error: ${error.message}`);
        throw error;
      }
    });
  registerNodeLogsCommand(node, DEFAULT_STATE_DIR);
  registerNodeRevokeCommand(node);
}
