// Where the hub's API is: `--hub HOST:PORT`, else $DAEMONLET_HUB, else this host's default port.
import { DEFAULT_HUB_ADDRESS } from "../hub/api/index.js";

export const HUB_ADDRESS_ENV = "DAEMONLET_HUB";

export function hubAddress(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env[HUB_ADDRESS_ENV] || DEFAULT_HUB_ADDRESS;
}
