// The `daemonlet rollout` command group on the command line; the work is in rollout-commands.ts.
import type { Command } from "commander";
import { parseDuration } from "./duration-flag.js";
import { execute, hubOption, namespaceOption } from "./hub-api-commands.js";
import type { RolloutTarget } from "./rollout-commands.js";
import { UsageError } from "./usage-error.js";

const rolloutCommands = () => import("./rollout-commands.js");

function revisionNumber(value: string, flag: string): number {
  if (!/^\d+$/.test(value))
    throw new UsageError(`${flag}: must be a revision number, not ${JSON.stringify(value)}`);
  return Number(value);
}

function target(resource: string, name: string | undefined, namespace?: string): RolloutTarget {
  return {
    resource,
    ...(name !== undefined && { name }),
    ...(namespace !== undefined && { namespace }),
  };
}

export function registerRolloutCommands(program: Command): void {
  const rollout = program
    .command("rollout")
    .description("watch, list, undo, restart, pause and resume a DaemonSet's rollouts");

  const sub = (name: string, description: string) =>
    rollout
      .command(name)
      .description(description)
      .addOption(hubOption())
      .addOption(namespaceOption())
      .argument("<resource>", "ds/NAME")
      .argument("[name]");

  sub("status", "follow a rollout until it is done, like `kubectl rollout status`")
    .option("-w, --watch [bool]", "follow until done (false: print the state once)", "true")
    .option("--timeout <duration>", "give up after this long with exit code 1 (0: never)", "0")
    .action(
      async (
        resource: string,
        name: string | undefined,
        options: { namespace?: string; watch: string | boolean; timeout: string },
        command: Command,
      ) =>
        execute(command, async (client) =>
          (await rolloutCommands()).runRolloutStatus(
            client(),
            target(resource, name, options.namespace),
            {
              watch: options.watch !== "false" && options.watch !== false,
              timeoutMs: parseDuration(options.timeout, "--timeout"),
            },
            (text) => process.stdout.write(text),
          ),
        ),
    );

  sub("history", "list a DaemonSet's revisions, or show one with what changed")
    .option("--revision <n>", "show this revision's pod template and its diff to the one before")
    .action(
      async (
        resource: string,
        name: string | undefined,
        options: { namespace?: string; revision?: string },
        command: Command,
      ) =>
        execute(command, async (client) =>
          (await rolloutCommands()).runRolloutHistory(
            client(),
            target(resource, name, options.namespace),
            options.revision === undefined
              ? undefined
              : revisionNumber(options.revision, "--revision"),
          ),
        ),
    );

  sub("undo", "go back to the previous revision's template (or --to-revision N)")
    .option("--to-revision <n>", "the revision to go back to (default: the one before)")
    .action(
      async (
        resource: string,
        name: string | undefined,
        options: { namespace?: string; toRevision?: string },
        command: Command,
      ) =>
        execute(command, async (client) =>
          (await rolloutCommands()).runRolloutAction(
            client(),
            target(resource, name, options.namespace),
            "undo",
            options.toRevision === undefined
              ? undefined
              : revisionNumber(options.toRevision, "--to-revision"),
          ),
        ),
    );

  const simple = [
    ["restart", "replace every pod under the update strategy (a new template annotation)"],
    ["pause", "stop replacing pods (annotation daemonlet.io/paused=true)"],
    ["resume", "let a paused rollout go on"],
  ] as const;
  for (const [action, description] of simple) {
    sub(action, description).action(
      async (
        resource: string,
        name: string | undefined,
        options: { namespace?: string },
        command: Command,
      ) =>
        execute(command, async (client) =>
          (await rolloutCommands()).runRolloutAction(
            client(),
            target(resource, name, options.namespace),
            action,
          ),
        ),
    );
  }
}
