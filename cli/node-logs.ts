// `daemonlet node logs`: a container's output, asked of this host's agent over its local API,
// like `kubectl logs`.
import { InvalidArgumentError, type Command } from "commander";
import { isLocalApiError } from "../agent/local-api/errors.js";
import { localApiSocketPath } from "../agent/local-api/socket-path.js";

interface NodeLogsOptions {
  namespace: string;
  container?: string;
  follow?: true;
  previous?: true;
  tail: number;
  timestamps?: true;
  stateDir: string;
  socket?: string;
}

/** `--tail` as kubectl reads it: a whole number of lines, where a negative one means all. */
export function parseTailLines(value: string): number {
  const lines = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(lines)) throw new InvalidArgumentError("must be an integer");
  return lines;
}

export function registerNodeLogsCommand(node: Command, defaultStateDir: string): void {
  node
    .command("logs")
    .description("print the logs of a container in a pod on this host, like `kubectl logs`")
    .argument("<pod>", "the pod's name, as `daemonlet node pods` lists it")
    .option("-n, --namespace <namespace>", "the pod's namespace", "default")
    .option("-c, --container <name>", "the container; needed when the pod has several")
    .option("-f, --follow", "keep printing what the container writes until it stops")
    .option("-p, --previous", "the logs of the container's previous, terminated attempt")
    .option(
      "--tail <lines>",
      "only the last <lines> lines; a negative number for all",
      parseTailLines,
      -1,
    )
    .option("--timestamps", "prefix each line with its RFC 3339 timestamp")
    .option("--state-dir <dir>", "the agent's state directory", defaultStateDir)
    .option("--socket <path>", "the agent's socket (default: <state-dir>/agent.sock)")
    .action(async (pod: string, options: NodeLogsOptions, command: Command) => {
      const socket = options.socket ?? localApiSocketPath(options.stateDir);
      const { streamContainerLogs } = await import("../agent/local-api/client.js");
      // Ctrl-C (or a reader that went away, `| head`) ends the stream quietly, as the end of
      // the output does; the agent then closes the engine's stream.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      // Stays attached: stdout's EPIPE can arrive after the stream has ended.
      process.stdout.on("error", onSignal);
      try {
        await streamContainerLogs(
          socket,
          {
            podName: pod,
            namespace: options.namespace,
            ...(options.container !== undefined && { container: options.container }),
            follow: options.follow === true,
            previous: options.previous === true,
            ...(options.tail >= 0 && { tailLines: options.tail }),
            timestamps: options.timestamps === true,
          },
          ({ stream, data }) => {
            if (stop.signal.aborted) return;
            (stream === "stderr" ? process.stderr : process.stdout).write(data);
          },
          stop.signal,
        );
      } catch (error) {
        // The operator gets the reason in one line; anything else is a bug and keeps its stack.
        if (isLocalApiError(error)) command.error(`error: ${error.message}`);
        throw error;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
