import { Command } from "commander";
import { registerAgentCommand } from "./agent-command.js";
import { registerHubCommand } from "./hub-command.js";
import { registerHubApiCommands } from "./hub-api-commands.js";
import { registerNodeCommands } from "./node-pods.js";
import { packageVersion } from "./package-version.js";
import { registerRolloutCommands } from "./rollout-cli.js";

const program = new Command("daemonlet")
  .description("Kubernetes DaemonSet semantics on bare-metal fleets, without Kubernetes")
  .version(packageVersion());
registerAgentCommand(program);
registerHubCommand(program);
registerNodeCommands(program);
registerHubApiCommands(program);
registerRolloutCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
