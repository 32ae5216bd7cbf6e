// Removes every container a test created, found by its node label (never by name), so a failed
// test cannot leave containers behind for the next run.
import Docker from "dockerode";
import { LABEL } from "../../agent/runtime/labels.js";

export async function removeNodeContainers(
  node: string,
  opts: { socketPath?: string } = {},
): Promise<number> {
  const docker = new Docker({ socketPath: opts.socketPath ?? "/var/run/docker.sock" });
  const found = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL.node}=${node}`] },
  });
  await Promise.all(
    found.map(async (c) => {
      try {
        await docker.getContainer(c.Id).remove({ force: true, v: true });
      } catch (e) {
        // Already gone (404) or being removed by someone else (409) is what we want anyway.
        const status = typeof e === "object" && e !== null && "statusCode" in e ? e.statusCode : 0;
        if (status !== 404 && status !== 409) throw e;
      }
    }),
  );
  return found.length;
}
