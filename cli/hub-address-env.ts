/** The environment variable that names the hub's API address when --hub does not. */
export const HUB_ADDRESS_ENV = "DAEMONLET_HUB";
