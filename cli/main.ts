import { Command } from "commander";
import { registerAgentCommand } from "./agent-command.js";
import { registerHubCommand } from "./hub-command.js";
import { registerHubApiCommands } from "./hub-api-commands.js";
import { registerNodeCommands } from "./node-pods.js";
import { registerTokenCommands } from "./token-commands.js";
import { packageVersion } from "./package-version.js";
import { registerRolloutCommands } from "./rollout-cli.js";
import { silenceIpServerNameWarning } from "./ip-servername-warning.js";
import { errorMessage } from "../agent/error-message.js";

silenceIpServerNameWarning();

// Each register* declares its commands' flags only; a command imports its work when it runs, so
// that `daemonlet agent` loads the agent and not the hub or the CLI's other commands.

const program = new Command("daemonlet")
  .description("Kubernetes DaemonSet semantics on bare-metal fleets, without Kubernetes")
  .version(packageVersion())
  .option(
    "--admin-config <file>",
    "a TLS hub's admin credential (default: $DAEMONLET_ADMIN_CONFIG, else /etc/daemonlet/admin.conf if present)",
  );
registerAgentCommand(program);
registerHubCommand(program);
registerNodeCommands(program);
registerHubApiCommands(program);
registerRolloutCommands(program);
registerTokenCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`error: ${errorMessage(err)}\n`);
  process.exit(1);
}
