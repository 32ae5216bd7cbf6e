// `daemonlet token create|list|delete` (join tokens, as `kubeadm token`) and
// `daemonlet node revoke NAME`, through the hub's HubAuth service.
import { InvalidArgumentError, type Command } from "commander";
import { isFields, messages, text, type Fields } from "../agent/local-api/message-fields.js";
import { humanDuration } from "./format/duration.js";
import { formatTable } from "./format/tab-table.js";
import { execute, hubOption } from "./hub-api-commands.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `24h`, `7d`, or seconds; 0 means never expires. */
export function parseTtl(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match)
    throw new InvalidArgumentError(
      `expected a duration like 30m, 24h or 7d, got ${JSON.stringify(value)}`,
    );
  return Number(match[1]) * (UNITS[match[2] || "s"] ?? 1);
}

export function formatTokenTable(tokens: Fields[], now: Date): string {
  const rows = tokens.map((t) => {
    const expires = text(t, "expires_at");
    const ttl = expires ? humanDuration(new Date(expires).getTime() - now.getTime()) : "<forever>";
    return [text(t, "id"), ttl, expires || "<never>", text(t, "description") || "<none>"];
  });
  return formatTable([["TOKEN ID", "TTL", "EXPIRES", "DESCRIPTION"], ...rows]);
}

const asFields = (value: unknown): Fields => (isFields(value) ? value : {});

export function registerTokenCommands(program: Command): void {
  const token = program
    .command("token")
    .description("join tokens for new nodes, like `kubeadm token`");
  token
    .command("create")
    .description("create a join token and print it (ID.SECRET@sha256:CA-HASH on a TLS hub)")
    .addOption(hubOption())
    .option(
      "--ttl <duration>",
      "how long it may be used to join, e.g. 30m, 24h; 0 never expires",
      parseTtl,
      86_400,
    )
    .option("--description <text>", "what it is for")
    .action(async (options: { ttl: number; description?: string }, command: Command) =>
      execute(command, async (client) => {
        const { succeeded } = await import("./command-result.js");
        const created = asFields(
          await client().callAuth("CreateJoinToken", {
            ttl_seconds: options.ttl,
            description: options.description ?? "",
          }),
        );
        return succeeded(`${text(created, "join_string")}\n`);
      }),
    );
  token
    .command("list")
    .description("list join tokens (never their secrets)")
    .addOption(hubOption())
    .action(async (_options: object, command: Command) =>
      execute(command, async (client) => {
        const { succeeded } = await import("./command-result.js");
        const list = asFields(await client().callAuth("ListJoinTokens", {}));
        return succeeded(formatTokenTable(messages(list, "tokens"), new Date()));
      }),
    );
  token
    .command("delete")
    .description("delete a join token; nodes that joined with it stay joined")
    .addOption(hubOption())
    .argument("<id>", "the token's id (the part before the dot)")
    .action(async (id: string, _options: object, command: Command) =>
      execute(command, async (client) => {
        const { succeeded } = await import("./command-result.js");
        await client().callAuth("DeleteJoinToken", { id: id.split(".")[0] });
        return succeeded(`join token ${id.split(".")[0]} deleted\n`);
      }),
    );
}

/** `daemonlet node revoke NAME`, beside the other `node` commands. */
export function registerNodeRevokeCommand(node: Command): void {
  node
    .command("revoke")
    .description("end a node's credential: its agent is cut off until it joins again")
    .addOption(hubOption())
    .argument("<name>", "the node")
    .action(async (name: string, _options: object, command: Command) =>
      execute(command, async (client) => {
        const { succeeded } = await import("./command-result.js");
        const answer = asFields(await client().callAuth("RevokeNode", { node_name: name }));
        return succeeded(
          answer["revoked"] === true
            ? `node/${name} revoked\n`
            : `node/${name} held no credential; nothing to revoke\n`,
        );
      }),
    );
}
