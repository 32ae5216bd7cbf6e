// Where the hub's API is and how to reach it. The admin config (a TLS hub's admin.conf: its
// address, CA and admin token): `--admin-config FILE`, else $DAEMONLET_ADMIN_CONFIG, else
// /etc/daemonlet/admin.conf when it exists and no address is given. The address: `--hub
// HOST:PORT`, else $DAEMONLET_HUB, else the admin config's, else this host's default port.
// Without an admin config the connection is plain (an --insecure hub).
import { existsSync } from "node:fs";
import { DEFAULT_HUB_ADDRESS } from "../hub/api/index.js";
import {
  ADMIN_CONFIG_ENV,
  DEFAULT_ADMIN_CONFIG,
  readAdminConfig,
} from "../hub/auth/admin-config.js";
import { HUB_ADDRESS_ENV } from "./hub-address-env.js";
import { UsageError } from "./usage-error.js";

export function hubAddress(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env[HUB_ADDRESS_ENV] || DEFAULT_HUB_ADDRESS;
}

export interface HubConnectionSettings {
  address: string;
  admin?: { ca: string; token: string };
}

export async function hubConnection(
  flags: { hub?: string; adminConfig?: string },
  env: NodeJS.ProcessEnv,
): Promise<HubConnectionSettings> {
  const explicitAddress = Boolean(flags.hub || env[HUB_ADDRESS_ENV]);
  // An address given without a credential means a plain hub: this host's default admin.conf
  // belongs to its own hub, not to whichever hub was named.
  const file =
    flags.adminConfig ||
    env[ADMIN_CONFIG_ENV] ||
    (!explicitAddress && existsSync(DEFAULT_ADMIN_CONFIG) ? DEFAULT_ADMIN_CONFIG : undefined);
  if (file === undefined) return { address: hubAddress(flags.hub, env) };
  let config;
  try {
    config = await readAdminConfig(file);
  } catch (error) {
    throw new UsageError(`admin config ${(error as Error).message}`);
  }
  return {
    address: flags.hub || env[HUB_ADDRESS_ENV] || config.server,
    admin: { ca: config.ca, token: config.token },
  };
}
