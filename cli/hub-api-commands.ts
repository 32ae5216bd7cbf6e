// The commands that talk to the hub's API: apply, get, describe, delete, label, taint, cordon,
// uncordon and explain, with kubectl's names, flags and output. Each imports its work (and the
// hub's API client) when it runs, so that `daemonlet agent` does not load them.
import { Option, type Command } from "commander";
import type { HubClient } from "../hub/api/index.js";
import type { CommandResult } from "./command-result.js";
import { HUB_ADDRESS_ENV } from "./hub-address-env.js";
import type { ManifestSource } from "./manifest-sources.js";
import { UsageError } from "./usage-error.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Runs one command with a hub client made on first use (explain --nodes never makes one) and
 * closed afterwards, then prints its output and sets the exit code.
 */
export async function execute(
  command: Command,
  run: (client: () => HubClient) => Promise<CommandResult>,
): Promise<void> {
  const flags = command.optsWithGlobals<{ hub?: string; adminConfig?: string }>();
  const [{ HubClient }, { runCommand }, { hubConnection }] = await Promise.all([
    import("../hub/api/client.js"),
    import("./command-result.js"),
    import("./hub-address.js"),
  ]);
  let client: HubClient | undefined;
  try {
    const result = await runCommand(async () => {
      const { address, admin } = await hubConnection(flags, process.env);
      return run(() => (client ??= new HubClient(address, undefined, admin)));
    });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  } finally {
    client?.close();
  }
}

async function oneFile(path: string, flag: string): Promise<ManifestSource> {
  const { readManifestSources } = await import("./manifest-sources.js");
  const [source, ...more] = await readManifestSources([path]);
  if (source === undefined || more.length > 0) throw new UsageError(`${flag} takes one file`);
  return source;
}

export const namespaceOption = () =>
  new Option("-n, --namespace <namespace>", "the namespace (default: default)");
const filesOption = () =>
  new Option(
    "-f, --filename <path>",
    "a manifest file, a directory of them, or - for stdin",
  ).argParser(collect);

// On each command rather than on the program: `daemonlet agent --hub ws://…` names the hub an
// agent joins, and a program-wide --hub would take that flag from it.
export const hubOption = () =>
  new Option(
    "--hub <host:port>",
    `the hub's API (default: $${HUB_ADDRESS_ENV}, else 127.0.0.1:7461)`,
  );

export function registerHubApiCommands(program: Command): void {
  program
    .command("apply")
    .description("create or update DaemonSets and Nodes from manifests, like `kubectl apply`")
    .addOption(hubOption())
    .addOption(filesOption())
    .action(async (options: { filename?: string[] }, command: Command) =>
      execute(command, async (client) => {
        const [{ runApply }, { readManifestSources }] = await Promise.all([
          import("./apply-command.js"),
          import("./manifest-sources.js"),
        ]);
        return runApply(client(), await readManifestSources(options.filename ?? []));
      }),
    );

  program
    .command("get")
    .description("list daemonsets (ds), pods (po) or nodes (no), like `kubectl get`")
    .addOption(hubOption())
    .argument("<type>", "ds, pods or nodes")
    .argument("[name]", "one object")
    .addOption(
      new Option("-o, --output <format>", "output format").choices(["wide", "json", "yaml"]),
    )
    .option("-l, --selector <selector>", "label selector, e.g. app=web,tier in (a,b),!canary")
    .addOption(namespaceOption())
    .option("-A, --all-namespaces", "across all namespaces")
    .action(
      async (
        type: string,
        name: string | undefined,
        options: {
          output?: "wide" | "json" | "yaml";
          selector?: string;
          namespace?: string;
          allNamespaces?: boolean;
        },
        command: Command,
      ) =>
        execute(command, async (client) => {
          const { runGet } = await import("./get-command.js");
          return runGet(client(), { type, name, ...options }, new Date());
        }),
    );

  program
    .command("describe")
    .description("show a daemonset, node or pod in detail with its events, like `kubectl describe`")
    .addOption(hubOption())
    .argument("<type>", "ds, node or pod")
    .argument("<name>")
    .addOption(namespaceOption())
    .action(async (type: string, name: string, options: { namespace?: string }, command: Command) =>
      execute(command, async (client) => {
        const { runDescribe } = await import("./describe-command.js");
        return runDescribe(client(), { type, name, ...options }, new Date());
      }),
    );

  program
    .command("delete")
    .description("delete daemonsets, nodes or pods by name or by manifest, like `kubectl delete`")
    .addOption(hubOption())
    .argument("[type]", "ds, node or pod")
    .argument("[names...]")
    .addOption(filesOption())
    .addOption(namespaceOption())
    .action(
      async (
        type: string | undefined,
        names: string[],
        options: { filename?: string[]; namespace?: string },
        command: Command,
      ) =>
        execute(command, async (client) => {
          const { refsFromArgs, refsInManifests, runDelete } = await import("./delete-command.js");
          if (options.filename !== undefined) {
            if (type !== undefined)
              throw new UsageError("delete takes either -f or TYPE NAME, not both");
            const { readManifestSources } = await import("./manifest-sources.js");
            const sources = await readManifestSources(options.filename);
            return runDelete(client(), refsInManifests(sources, options.namespace));
          }
          if (type === undefined) throw new UsageError("must specify -f or TYPE NAME");
          return runDelete(client(), refsFromArgs(type, names, options.namespace));
        }),
    );

  program
    .command("label")
    .description("add (key=value) or remove (key-) node labels, like `kubectl label`")
    .addOption(hubOption())
    .argument("<type>", "node")
    .argument("<name>")
    .argument("<changes...>", "key=value to set, key- to remove")
    .option("--overwrite", "allow changing a label the node already has")
    .action(
      async (
        type: string,
        name: string,
        changes: string[],
        options: { overwrite?: boolean },
        command: Command,
      ) =>
        execute(command, async (client) => {
          const { runLabel } = await import("./node-edit-commands.js");
          return runLabel(client(), { type, name, changes, overwrite: options.overwrite ?? false });
        }),
    );

  program
    .command("taint")
    .description(
      "add (key=value:Effect) or remove (key-, key:Effect-) node taints, like `kubectl taint`",
    )
    .addOption(hubOption())
    .argument("<type>", "node")
    .argument("<name>")
    .argument("<changes...>", "key=value:Effect to add, key- or key:Effect- to remove")
    .option("--overwrite", "allow replacing a taint with the same key and effect")
    .action(
      async (
        type: string,
        name: string,
        changes: string[],
        options: { overwrite?: boolean },
        command: Command,
      ) =>
        execute(command, async (client) => {
          const { runTaint } = await import("./node-edit-commands.js");
          return runTaint(client(), { type, name, changes, overwrite: options.overwrite ?? false });
        }),
    );

  program
    .command("cordon")
    .description("mark a node unschedulable (its DaemonSet pods keep running)")
    .addOption(hubOption())
    .argument("<node>")
    .action(async (name: string, _options: object, command: Command) =>
      execute(command, async (client) => {
        const { runCordon } = await import("./node-edit-commands.js");
        return runCordon(client(), name, true);
      }),
    );

  program
    .command("uncordon")
    .description("mark a node schedulable again")
    .addOption(hubOption())
    .argument("<node>")
    .action(async (name: string, _options: object, command: Command) =>
      execute(command, async (client) => {
        const { runCordon } = await import("./node-edit-commands.js");
        return runCordon(client(), name, false);
      }),
    );

  program
    .command("top")
    .description(
      "show cpu and memory of nodes, pods, or DaemonSets summed over the fleet, like `kubectl top`",
    )
    .addOption(hubOption())
    .argument("<type>", "nodes, pods or ds")
    .addOption(namespaceOption())
    .option("-A, --all-namespaces", "across all namespaces")
    .action(
      async (
        type: string,
        options: { namespace?: string; allNamespaces?: boolean },
        command: Command,
      ) =>
        execute(command, async (client) => {
          const { runTop } = await import("./top-command.js");
          return runTop(client(), { type, ...options });
        }),
    );

  program
    .command("explain")
    .description("show on which nodes a DaemonSet's pods belong, and why not elsewhere")
    .addOption(hubOption())
    .requiredOption("-f, --filename <file>", "the DaemonSet manifest, or - for stdin")
    .option("--nodes <file>", "evaluate offline against these v1 Nodes instead of the hub's")
    .addOption(new Option("-o, --output <format>", "output format").choices(["json"]))
    .action(
      async (options: { filename: string; nodes?: string; output?: "json" }, command: Command) =>
        execute(command, async (client) => {
          const daemonSet = await oneFile(options.filename, "-f");
          const nodes =
            options.nodes === undefined ? undefined : await oneFile(options.nodes, "--nodes");
          const { runExplain } = await import("./explain-command.js");
          return runExplain({ daemonSet, nodes, format: options.output ?? "table" }, client);
        }),
    );
}
